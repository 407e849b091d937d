"""Joint meetings' supervised action items (督办事项), read: what each organisation must deliver."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from shuniu.meetings.models import ActionItem

from ..base import responses
from ..helpers import page_of, paginate, require

router = Router(tags=["meetings"])


class ActionItemOut(Schema):
    id: int
    title: str
    lead_organization: str
    status: str
    deadline: date
    expected_result: str


def _item(item: ActionItem) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "lead_organization": item.lead_organization.display_name,
        "status": item.status,
        "deadline": item.deadline,
        "expected_result": item.expected_result,
    }


@router.get("/meetings/action-items", response=responses(page_of(ActionItemOut)), summary="Action items")
def list_action_items(
    request,
    status: str | None = Query(None, max_length=10),
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    require(request, "meetings:view")
    items = ActionItem.objects.visible_to(request.user).select_related("lead_organization")
    if status:
        items = items.filter(status=status)
    return paginate(items, cursor, limit, _item)


@router.get("/meetings/action-items/{item_id}", response=responses(ActionItemOut), summary="One action item")
def get_action_item(request, item_id: int):
    require(request, "meetings:view")
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related("lead_organization"), pk=item_id
    )
    return _item(item)
