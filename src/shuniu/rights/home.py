"""Home-page cards: the rights work waiting for the user. Counts are capped (99+) so that a card
never counts a whole large table."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.hooks import HomeCard
from shuniu.core.scoping import get_scope
from shuniu.rights.views.queue import tab_queryset

CAP = 100


def _card(request, tab, title, empty_text, tone, order):
    rows = list(tab_queryset(tab, request.user, timezone.now()).select_related("category").order_by("-id")[:CAP])
    return HomeCard(
        title=title,
        count=len(rows),
        url=f"{reverse('rights:queue')}?tab={tab}",
        empty_text=empty_text,
        tone=tone,
        order=order,
        items=[
            (f"{case.tracking_code} · {case.category.label}", reverse("rights:case_detail", args=[case.pk]))
            for case in rows[:3]
        ],
    )


def cards(request) -> list[HomeCard]:
    scope = get_scope(request.user)
    if not scope.has("rights:case_view"):
        return []
    result = []
    if scope.has("rights:case_handle"):
        result.append(_card(request, "mine", _("My rights cases"), _("No case is assigned to you."), "primary", 10))
        result.append(
            _card(
                request,
                "new",
                _("New rights cases for my organisation"),
                _("No new requests. Hotline and portal requests routed to you appear here."),
                "azure",
                11,
            )
        )
        result.append(
            _card(
                request,
                "referrals",
                _("Referrals waiting for my answer"),
                _("No referral waits for your answer."),
                "purple",
                12,
            )
        )
    result.append(_card(request, "overdue", _("Overdue rights cases"), _("Nothing is overdue. Well done."), "red", 13))
    return result
