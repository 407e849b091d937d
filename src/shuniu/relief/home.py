from django.urls import reverse
from django.utils.translation import gettext as _

from shuniu.core.hooks import HomeCard
from shuniu.core.scoping import get_scope
from shuniu.relief.models import Application, Objection, ObjectionStatus, Status


def cards(request) -> list[HomeCard]:
    scope = get_scope(request.user)
    if not scope.has("relief:view"):
        return []
    visible = Application.objects.visible_to(request.user)
    result = []
    if scope.has("relief:approve"):
        in_review = visible.filter(status=Status.IN_REVIEW).select_related("programme", "person").order_by("id")
        result.append(
            HomeCard(
                title=_("Aid applications in review"),
                count=in_review.count(),
                url=reverse("relief:review"),
                empty_text=_("No aid application is waiting for review."),
                order=30,
                items=[
                    (
                        f"{a.code} · {a.programme.name} · {a.person.name}",
                        reverse("relief:application_detail", args=[a.pk]),
                    )
                    for a in in_review[:3]
                ],
            )
        )
    if scope.has("relief:notice"):
        objections = (
            Objection.objects.filter(status=ObjectionStatus.OPEN, application__in=visible)
            .select_related("application")
            .order_by("id")
        )
        result.append(
            HomeCard(
                title=_("Objections to public notices"),
                count=objections.count(),
                url=reverse("relief:applications") + "?status=paused",
                empty_text=_("No open objection: paused payments will show here."),
                tone="orange",
                order=31,
                items=[
                    (o.application.code, reverse("relief:application_detail", args=[o.application_id]))
                    for o in objections[:3]
                ],
            )
        )
    return result
