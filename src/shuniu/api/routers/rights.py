"""Rights cases and referrals: an outside hotline system (12345, 12351, 12355, 12338) pushes cases,
follows their status and adds notes; organisations answer referrals. Everything goes through
`shuniu.rights.services` and `RightsCase.objects.visible_to`; sensitive cases show their details
only to the organisations handling them, as in the UI."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from shuniu.core.models import Organization, Region, RegionLevel
from shuniu.core.scoping import get_scope
from shuniu.rights import services
from shuniu.rights.models import (
    ActivityKind,
    CaseCategory,
    Channel,
    Complexity,
    Referral,
    ReferralMode,
    ReferralStatus,
    RightsCase,
)
from shuniu.rights.models import Status as CaseStatus
from shuniu.rights.models.cases import own_org_ids

from ..base import ApiError, responses
from ..helpers import idempotent, page_of, paginate, require

router = Router(tags=["rights"])

ChannelName = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
StatusName = Literal[tuple(CaseStatus.values)]  # type: ignore[valid-type]


class CaseIn(Schema):
    channel: ChannelName = Field("api", description="Where the request came in")  # type: ignore[valid-type]
    category: str = Field(..., max_length=40, description="Category code, e.g. wage_arrears (see /rights/categories)")
    name: str = Field(..., min_length=1, max_length=60)
    phone: str = Field("", max_length=30)
    id_number: str = Field("", max_length=30)
    community: str = Field("", max_length=12, description="Statistical code of the community (社区)")
    subject: str = Field("", max_length=120)
    description: str = Field(..., max_length=10000)
    complexity: Literal["ordinary", "difficult", "very_complex"] = "ordinary"
    amount_claimed: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    consent_processing: bool = Field(..., description="The person agreed to the processing of their data")
    consent_referral: bool = False


class CaseCreated(Schema):
    id: int
    tracking_code: str
    status: str
    lead_organization: str
    visible: bool = Field(description="Whether this token may read the case afterwards (routing may send it elsewhere)")


class CaseSummary(Schema):
    id: int
    tracking_code: str
    status: str
    category: str
    channel: str
    complexity: str
    is_sensitive: bool
    lead_organization_id: int
    lead_organization: str
    received_at: datetime
    first_response_due: datetime
    resolution_due: datetime
    closed_at: datetime | None
    is_overdue: bool


class CaseDetail(CaseSummary):
    details_visible: bool
    subject: str | None
    description: str | None
    requester_name: str | None
    street: str | None
    outcome: str
    money_recovered: Decimal
    amount_claimed: Decimal | None


class CaseEventOut(Schema):
    id: int
    action: str
    from_status: str
    to_status: str
    organization: str | None
    note: str | None
    created_at: datetime


class NoteIn(Schema):
    kind: Literal["note", "contact", "mediation"] = "note"
    body: str = Field(..., max_length=10000)
    participants: str = Field("", max_length=200)
    result: str = Field("", max_length=200)


class NoteOut(Schema):
    id: int
    kind: str
    body: str
    organization: str
    occurred_at: datetime


class ReferralIn(Schema):
    to_organization: str = Field(..., max_length=64, description="Code of the receiving organisation")
    reason: str = Field(..., max_length=5000)
    mode: Literal["transfer", "joint"] = "transfer"
    consent: bool = Field(..., description="The person consented to the referral")


class ReferralStepOut(Schema):
    status: str
    organization: str
    note: str | None
    at: datetime


class ReferralOut(Schema):
    id: int
    case_id: int
    tracking_code: str
    from_organization: str
    to_organization: str
    mode: str
    status: str
    reason: str | None
    due_at: datetime
    created_at: datetime
    responded_at: datetime | None
    response_note: str | None
    history: list[ReferralStepOut] = Field(description="Sent, then answered (accepted or declined), oldest first")


class AnswerIn(Schema):
    note: str = Field("", max_length=5000, description="Required (at least 2 characters) when declining")


class CategoryOut(Schema):
    code: str
    name: str
    is_sensitive: bool


def _summary(case: RightsCase) -> dict:
    return {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "status": case.status,
        "category": case.category.code,
        "channel": case.channel,
        "complexity": case.complexity,
        "is_sensitive": case.is_sensitive,
        "lead_organization_id": case.lead_org_id,
        "lead_organization": case.lead_org.display_name,
        "received_at": case.received_at,
        "first_response_due": case.first_response_due,
        "resolution_due": case.resolution_due,
        "closed_at": case.closed_at,
        "is_overdue": case.is_overdue(),
    }


def _detail(case: RightsCase, user) -> dict:
    shown = case.details_visible_to(user)
    return {
        **_summary(case),
        "details_visible": shown,
        "subject": case.subject if shown else None,
        "description": case.description if shown else None,
        "requester_name": case.requester_name if shown else None,
        "street": case.street.name if case.street_id else None,
        "outcome": case.outcome,
        "money_recovered": case.money_recovered,
        "amount_claimed": case.amount_claimed if shown else None,
    }


def _visible_case(request, case_id: int) -> RightsCase:
    require(request, "rights:case_view")
    return get_object_or_404(
        RightsCase.objects.visible_to(request.user).select_related("category", "lead_org", "street"), pk=case_id
    )


def _visible_referrals(user):
    """Referrals of cases the user sees, sent by or to an organisation the user works in (district: all)."""
    queryset = Referral.objects.filter(case__in=RightsCase.objects.visible_to(user).values("pk"))
    if get_scope(user).is_district:
        return queryset
    org_ids = own_org_ids(user)
    return queryset.filter(Q(from_org_id__in=org_ids) | Q(to_org_id__in=org_ids))


def _referral_out(referral: Referral, user) -> dict:
    shown = referral.case.details_visible_to(user)
    history = [
        {
            "status": ReferralStatus.PENDING,
            "organization": referral.from_org.display_name,
            "note": referral.reason if shown else None,
            "at": referral.created_at,
        }
    ]
    if referral.responded_at is not None and referral.status != ReferralStatus.PENDING:
        history.append(
            {
                "status": referral.status,
                "organization": referral.to_org.display_name,
                "note": referral.response_note if shown else None,
                "at": referral.responded_at,
            }
        )
    return {
        "id": referral.pk,
        "case_id": referral.case_id,
        "tracking_code": referral.case.tracking_code,
        "from_organization": referral.from_org.display_name,
        "to_organization": referral.to_org.display_name,
        "mode": referral.mode,
        "status": referral.status,
        "reason": referral.reason if shown else None,
        "due_at": referral.due_at,
        "created_at": referral.created_at,
        "responded_at": referral.responded_at,
        "response_note": referral.response_note if shown else None,
        "history": history,
    }


@router.get("/rights/categories", response=responses(list[CategoryOut]), summary="Case categories in use")
def list_categories(request):
    require(request, "rights:case_view")
    return [
        {"code": category.code, "name": category.label, "is_sensitive": category.is_sensitive}
        for category in CaseCategory.objects.filter(is_active=True)
    ]


@router.post("/rights/cases", response=responses(CaseCreated, 201), summary="Take in a case from another system")
def create_case(
    request, payload: CaseIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100)
):
    """Routed by the district's rules like any other intake. Send an `Idempotency-Key` so that a retry
    after a timeout never registers the request twice."""
    require(request, "rights:case_intake")

    def create():
        category = CaseCategory.objects.filter(code=payload.category).first()
        if category is None:
            raise ApiError(422, "invalid", _("Unknown case category: %(code)s") % {"code": payload.category})
        community = None
        if payload.community:
            community = Region.objects.filter(code=payload.community).exclude(level=RegionLevel.DISTRICT).first()
            if community is None:
                raise ApiError(422, "invalid", _("Unknown community code: %(code)s") % {"code": payload.community})
        case = services.submit_case(
            channel=payload.channel,
            category=category,
            name=payload.name,
            description=payload.description,
            consent_processing=payload.consent_processing,
            phone=payload.phone,
            id_number=payload.id_number,
            community=community,
            subject=payload.subject,
            consent_referral=payload.consent_referral,
            complexity=payload.complexity or Complexity.ORDINARY,
            amount_claimed=payload.amount_claimed,
            actor=request.user,
        )
        visible = RightsCase.objects.visible_to(request.user).filter(pk=case.pk).exists()
        return 201, {
            "id": case.pk,
            "tracking_code": case.tracking_code,
            "status": case.status,
            "lead_organization": case.lead_org.display_name,
            "visible": visible,
        }

    return Status(*idempotent(request, idempotency_key, "rights.create_case", payload.dict(), create))


@router.get("/rights/cases", response=responses(page_of(CaseSummary)), summary="Cases visible to the caller")
def list_cases(
    request,
    status: StatusName | None = None,  # type: ignore[valid-type]
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    require(request, "rights:case_view")
    cases = RightsCase.objects.visible_to(request.user).select_related("category", "lead_org")
    if status:
        cases = cases.filter(status=status)
    return paginate(cases, cursor, limit, _summary)


@router.get("/rights/cases/{case_id}", response=responses(CaseDetail), summary="One case")
def get_case(request, case_id: int):
    case = _visible_case(request, case_id)
    return _detail(case, request.user)


@router.get("/rights/cases/{case_id}/events", response=responses(list[CaseEventOut]), summary="A case's timeline")
def list_case_events(request, case_id: int):
    case = _visible_case(request, case_id)
    shown = case.details_visible_to(request.user)
    return [
        {
            "id": event.pk,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "organization": event.organization.display_name if event.organization_id else None,
            "note": event.note if shown else None,
            "created_at": event.created_at,
        }
        for event in case.events.select_related("organization").order_by("id")[:500]
    ]


@router.post("/rights/cases/{case_id}/notes", response=responses(NoteOut, 201), summary="Record work on a case")
def add_case_note(
    request,
    case_id: int,
    payload: NoteIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    case = _visible_case(request, case_id)

    def create():
        activity = services.add_activity(
            case,
            request.user,
            kind=payload.kind or ActivityKind.NOTE,
            body=payload.body,
            participants=payload.participants,
            result=payload.result,
        )
        return 201, {
            "id": activity.pk,
            "kind": activity.kind,
            "body": activity.body,
            "organization": activity.organization.display_name,
            "occurred_at": activity.occurred_at,
        }

    return Status(
        *idempotent(request, idempotency_key, "rights.add_case_note", {"case": case.pk, **payload.dict()}, create)
    )


@router.post(
    "/rights/cases/{case_id}/referrals",
    response=responses(ReferralOut, 201),
    summary="Refer a case to another organisation",
)
def refer_case(
    request,
    case_id: int,
    payload: ReferralIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    """The receiver is told (and integrations subscribed to `rights.referral.` hear of it by webhook);
    follow the answer with GET /rights/referrals/{referral_id}."""
    case = _visible_case(request, case_id)
    to_org = Organization.objects.filter(code=payload.to_organization, is_active=True).first()
    if to_org is None:
        raise ApiError(422, "invalid", _("Unknown organisation: %(code)s") % {"code": payload.to_organization})

    def create():
        referral = services.refer_case(
            case,
            request.user,
            to_org=to_org,
            reason=payload.reason,
            consent=payload.consent,
            mode=payload.mode or ReferralMode.TRANSFER,
        )
        referral = Referral.objects.select_related("case", "from_org", "to_org").get(pk=referral.pk)
        return 201, _referral_out(referral, request.user)

    return Status(
        *idempotent(request, idempotency_key, "rights.refer_case", {"case": case.pk, **payload.dict()}, create)
    )


@router.get("/rights/referrals", response=responses(page_of(ReferralOut)), summary="Referrals sent or received")
def list_referrals(
    request,
    status: Literal["pending", "accepted", "declined"] | None = None,
    direction: Literal["received", "sent"] | None = None,
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    require(request, "rights:case_view")
    referrals = _visible_referrals(request.user).select_related("case", "from_org", "to_org")
    if status:
        referrals = referrals.filter(status=status)
    if direction and not get_scope(request.user).is_district:
        org_ids = own_org_ids(request.user)
        field = "to_org_id__in" if direction == "received" else "from_org_id__in"
        referrals = referrals.filter(**{field: org_ids})
    return paginate(referrals, cursor, limit, lambda referral: _referral_out(referral, request.user))


def _visible_referral(request, referral_id: int) -> Referral:
    require(request, "rights:case_view")
    return get_object_or_404(
        _visible_referrals(request.user).select_related("case", "from_org", "to_org"), pk=referral_id
    )


@router.get("/rights/referrals/{referral_id}", response=responses(ReferralOut), summary="One referral")
def get_referral(request, referral_id: int):
    return _referral_out(_visible_referral(request, referral_id), request.user)


@router.post("/rights/referrals/{referral_id}/accept", response=responses(ReferralOut), summary="Accept a referral")
def accept_referral(request, referral_id: int, payload: AnswerIn):
    referral = _visible_referral(request, referral_id)
    if referral.status != ReferralStatus.PENDING:
        raise ApiError(409, "conflict", _("This referral was already answered."))
    services.accept_referral(referral, request.user, note=payload.note)
    referral.refresh_from_db()
    return _referral_out(referral, request.user)


@router.post("/rights/referrals/{referral_id}/decline", response=responses(ReferralOut), summary="Decline a referral")
def decline_referral(request, referral_id: int, payload: AnswerIn):
    referral = _visible_referral(request, referral_id)
    if referral.status != ReferralStatus.PENDING:
        raise ApiError(409, "conflict", _("This referral was already answered."))
    services.decline_referral(referral, request.user, reason=payload.note)
    referral.refresh_from_db()
    return _referral_out(referral, request.user)
