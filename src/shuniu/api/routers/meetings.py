"""Joint meetings' supervised action items (督办事项): what each organisation must deliver, its
progress reports, and — for the lead organisation — reporting progress (a note and the status:
on track, at risk, or done with evidence), through `shuniu.meetings.services.report_progress`."""

import base64
import binascii
from datetime import date, datetime
from typing import Literal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from shuniu.meetings import services
from shuniu.meetings.models import ActionItem, ItemStatus, ProgressReport

from ..base import ApiError, responses
from ..helpers import idempotent, page_of, paginate, require

router = Router(tags=["meetings"])

ItemStatusName = Literal[tuple(ItemStatus.values)]  # type: ignore[valid-type]
MAX_EVIDENCE_FILES = 3
MAX_EVIDENCE_BASE64 = 14_000_000  # about 10 MB of file


class ActionItemOut(Schema):
    id: int
    title: str
    lead_organization: str
    status: str
    deadline: date
    expected_result: str


class ProgressOut(Schema):
    id: int
    organization: str
    text: str
    status_after: str
    attachments: list[str]
    created_at: datetime


class ActionItemDetail(ActionItemOut):
    lead_organization_id: int
    co_organizations: list[str]
    completed_at: datetime | None
    progress: list[ProgressOut] = Field(description="Progress reports, newest first")


class EvidenceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200, description="File name with its extension (.pdf, .jpg, …)")
    content_base64: str = Field(..., min_length=1, max_length=MAX_EVIDENCE_BASE64)


class ProgressIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000, description="What was done")
    status: Literal["on_track", "at_risk", "done"]
    evidence: list[EvidenceIn] = Field(
        [], max_length=MAX_EVIDENCE_FILES, description="Documents or photos; needed to report done"
    )


def _item(item: ActionItem) -> dict:
    return {
        "id": item.pk,
        "title": item.title,
        "lead_organization": item.lead_organization.display_name,
        "status": item.status,
        "deadline": item.deadline,
        "expected_result": item.expected_result,
    }


def _progress(report: ProgressReport) -> dict:
    return {
        "id": report.pk,
        "organization": report.organization.display_name,
        "text": report.text,
        "status_after": report.status_after,
        "attachments": [attachment.name for attachment in report.attachments.all()],
        "created_at": report.created_at,
    }


def _detail(item: ActionItem) -> dict:
    reports = item.progress_reports.select_related("organization").prefetch_related("attachments")
    return {
        **_item(item),
        "lead_organization_id": item.lead_organization_id,
        "co_organizations": [organization.display_name for organization in item.co_organizations.all()],
        "completed_at": item.completed_at,
        "progress": [_progress(report) for report in reports[:200]],
    }


def _visible_item(request, item_id: int) -> ActionItem:
    require(request, "meetings:view")
    return get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related("lead_organization"), pk=item_id
    )


def _evidence_files(evidence: list[EvidenceIn]) -> list[SimpleUploadedFile]:
    files = []
    for number, item in enumerate(evidence):
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(
                422,
                "invalid",
                _("The evidence file %(name)s is not valid base64.") % {"name": item.name},
                [{"loc": ["body", "payload", "evidence", str(number)], "type": "base64", "message": item.name}],
            ) from None
        if not content:
            raise ApiError(422, "invalid", _("The evidence file %(name)s is empty.") % {"name": item.name})
        files.append(SimpleUploadedFile(item.name, content))
    return files


@router.get("/meetings/action-items", response=responses(page_of(ActionItemOut)), summary="Action items")
def list_action_items(
    request,
    status: ItemStatusName | None = None,  # type: ignore[valid-type]
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    require(request, "meetings:view")
    items = ActionItem.objects.visible_to(request.user).select_related("lead_organization")
    if status:
        items = items.filter(status=status)
    return paginate(items, cursor, limit, _item)


@router.get(
    "/meetings/action-items/{item_id}", response=responses(ActionItemDetail), summary="One action item, its progress"
)
def get_action_item(request, item_id: int):
    return _detail(_visible_item(request, item_id))


@router.post(
    "/meetings/action-items/{item_id}/progress",
    response=responses(ProgressOut, 201),
    summary="Report progress on an action item",
)
def report_progress(
    request,
    item_id: int,
    payload: ProgressIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    """Only the lead organisation reports. Past the deadline an item stays `overdue` until it is
    done; reporting `done` needs evidence (here or in an earlier report); a done item takes no more
    reports. Send an `Idempotency-Key` so that a retry never records the report twice."""
    require(request, "meetings:submit")
    item = _visible_item(request, item_id)
    files = _evidence_files(payload.evidence)

    def create():
        report = services.report_progress(
            actor=request.user, item=item, text=payload.text, status=payload.status, files=files
        )
        return 201, _progress(ProgressReport.objects.select_related("organization").get(pk=report.pk))

    return Status(
        *idempotent(request, idempotency_key, "meetings.report_progress", {"item": item.pk, **payload.dict()}, create)
    )
