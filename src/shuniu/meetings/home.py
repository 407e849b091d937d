from django.urls import reverse
from django.utils.translation import gettext as _

from shuniu.core.hooks import HomeCard
from shuniu.core.scoping import get_scope
from shuniu.meetings.models import OPEN_STATUSES, ActionItem, ItemStatus


def cards(request) -> list[HomeCard]:
    scope = get_scope(request.user)
    if not scope.has("meetings:view"):
        return []
    items = ActionItem.objects.visible_to(request.user).filter(status__in=OPEN_STATUSES)
    org_ids = scope.org_ids_with("meetings:submit")
    if org_ids is not None and not scope.is_district:
        items = items.filter(lead_organization_id__in=org_ids)
    first = list(items.order_by("deadline")[:3])
    overdue = items.filter(status=ItemStatus.OVERDUE).count()
    return [
        HomeCard(
            title=_("Supervised action items"),
            count=items.count(),
            url=reverse("meetings:board"),
            empty_text=_("No open action items. Items decided at joint meetings appear here."),
            tone="red" if overdue else "primary",
            order=60,
            items=[
                (f"{item.title} · {item.deadline:%Y-%m-%d}", reverse("meetings:action_item_detail", args=[item.pk]))
                for item in first
            ],
        )
    ]
