from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.hooks import HomeCard
from shuniu.core.scoping import get_scope
from shuniu.training.models import CourseRequest, RequestStatus, Session, SessionStatus


def cards(request) -> list[HomeCard]:
    if not get_scope(request.user).has("training:view"):
        return []
    now = timezone.now()
    upcoming = (
        Session.objects.visible_to(request.user)
        .filter(status=SessionStatus.SCHEDULED, ends_at__gt=now)
        .select_related("course")
        .order_by("starts_at")
    )
    pending = CourseRequest.objects.visible_to(request.user).filter(status=RequestStatus.PENDING)
    rows = list(upcoming[:3])
    return [
        HomeCard(
            title=_("Training sessions coming up"),
            count=upcoming.count(),
            url=reverse("training:index"),
            empty_text=_("No sessions planned. Put a course on the menu and schedule a date."),
            order=40,
            items=[
                (
                    f"{timezone.localtime(s.starts_at):%m-%d} {s.course.title}",
                    reverse("training:session_detail", args=[s.pk]),
                )
                for s in rows
            ],
        ),
        HomeCard(
            title=_("Course requests waiting"),
            count=pending.count(),
            url=reverse("training:requests"),
            empty_text=_("No community or enterprise is waiting for an answer."),
            tone="warning",
            order=41,
        ),
    ]
