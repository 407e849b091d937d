"""Aid programmes and applications: an outside system registers an application for a person
(found or registered through the people services, as the staff form does), follows its status and
review decisions, and — when its token may — records the review decision at the current step.
Everything goes through `shuniu.relief.services` and the `visible_to` querysets."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from shuniu.core import crypto
from shuniu.core.models import Region, RegionLevel
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError
from shuniu.core.validators import normalize_phone, parse_id_number, validate_mobile
from shuniu.people.models import ConsentChannel, ConsentPurpose
from shuniu.people.services import find_or_create_person, has_consent, record_consent
from shuniu.relief import services
from shuniu.relief.models import Application, Programme
from shuniu.relief.models import Status as ApplicationStatus

from ..base import ApiError, responses
from ..helpers import idempotent, page_of, paginate, require

router = Router(tags=["relief"])

StatusName = Literal[tuple(ApplicationStatus.values)]  # type: ignore[valid-type]
ConsentChannelName = Literal[tuple(ConsentChannel.values)]  # type: ignore[valid-type]
APPLICATION_RELATED = ("programme", "organization", "person", "branch")


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    organization: str
    funding_source: str
    benefit_type: str
    opens_on: date
    closes_on: date
    is_active: bool


class ApplicationOut(Schema):
    id: int
    code: str
    programme_id: int
    programme: str
    organization: str
    status: str
    person_name_masked: str
    amount: Decimal
    created_at: datetime


class DecisionOut(Schema):
    step: int | None
    step_name: str | None
    decision: str
    comment: str
    organization: str | None
    decided_at: datetime


class ApplicationDetail(ApplicationOut):
    status_label: str
    updated_at: datetime
    is_eligible: bool
    current_step: int | None = Field(description="Position of the step awaiting a decision (status in_review)")
    current_step_name: str | None
    current_step_organization: str | None
    decisions: list[DecisionOut]


class ApplicationIn(Schema):
    programme_id: int = Field(..., ge=1)
    name: str = Field(..., min_length=1, max_length=60, description="Applicant's name")
    id_number: str = Field(..., min_length=1, max_length=30, description="Resident ID number (18 characters)")
    phone: str = Field(..., min_length=1, max_length=30, description="Mobile number")
    community: str = Field(..., min_length=1, max_length=12, description="Statistical code of the community (社区)")
    household_size: int = Field(..., ge=1, le=30)
    monthly_income: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    reason: str = Field(..., min_length=10, max_length=2000, description="Situation and reason")
    student_enrolled: bool = False
    school: str = Field("", max_length=100)
    disability_level: int | None = Field(None, ge=1, le=4)
    amount: Decimal | None = Field(
        None, gt=0, max_digits=12, decimal_places=2, description="Only for programmes whose amount staff assess"
    )
    consent_processing: bool = Field(..., description="The person agreed to the processing of their data")
    consent_channel: ConsentChannelName = Field("online", description="How the consent was given")  # type: ignore[valid-type]
    guardian_name: str = Field("", max_length=60, description="Required when the applicant is under 14")
    guardian_relation: str = Field("", max_length=20)


class DecisionIn(Schema):
    step: int = Field(..., ge=1, description="Position of the step the reviewer decided (current_step)")
    decision: Literal["approve", "return", "reject"]
    comment: str = Field(
        "", max_length=2000, description="Required to return or reject, or to approve an ineligible one"
    )


def _programme(programme: Programme) -> dict:
    return {
        "id": programme.pk,
        "code": programme.code,
        "name": programme.name,
        "organization": programme.organization.display_name,
        "funding_source": programme.funding_source,
        "benefit_type": programme.benefit_type,
        "opens_on": programme.opens_on,
        "closes_on": programme.closes_on,
        "is_active": programme.is_active,
    }


def _application(application: Application) -> dict:
    return {
        "id": application.pk,
        "code": application.code,
        "programme_id": application.programme_id,
        "programme": application.programme.name,
        "organization": application.organization.display_name,
        "status": application.status,
        "person_name_masked": crypto.mask_name(application.person.name),
        "amount": application.amount,
        "created_at": application.created_at,
    }


def _detail(application: Application) -> dict:
    step = services.current_step(application)
    decisions = application.decisions.select_related("step", "organization").order_by("id")
    return {
        **_application(application),
        "status_label": str(application.get_status_display()),
        "updated_at": application.updated_at,
        "is_eligible": application.is_eligible,
        "current_step": step.position if step else None,
        "current_step_name": step.name if step else None,
        "current_step_organization": services.step_organization(application, step).display_name if step else None,
        "decisions": [
            {
                "step": decision.step.position if decision.step_id else None,
                "step_name": decision.step.name if decision.step_id else None,
                "decision": decision.decision,
                "comment": decision.comment,
                "organization": decision.organization.display_name if decision.organization_id else None,
                "decided_at": decision.created_at,
            }
            for decision in decisions
        ],
    }


def _visible_application(request, application_id: int) -> Application:
    require(request, "relief:view")
    return get_object_or_404(
        Application.objects.visible_to(request.user).select_related(*APPLICATION_RELATED), pk=application_id
    )


@router.get("/relief/programmes", response=responses(page_of(ProgrammeOut)), summary="Aid programmes")
def list_programmes(request, cursor: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=200)):
    require(request, "relief:view")
    programmes = Programme.objects.visible_to(request.user).select_related("organization")
    return paginate(programmes, cursor, limit, _programme)


@router.get("/relief/applications", response=responses(page_of(ApplicationOut)), summary="Aid applications")
def list_applications(
    request,
    programme_id: int | None = Query(None, ge=1),
    status: StatusName | None = None,  # type: ignore[valid-type]
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    require(request, "relief:view")
    applications = Application.objects.visible_to(request.user).select_related("programme", "organization", "person")
    if programme_id:
        applications = applications.filter(programme_id=programme_id)
    if status:
        applications = applications.filter(status=status)
    return paginate(applications, cursor, limit, _application)


@router.post("/relief/applications", response=responses(ApplicationDetail, 201), summary="Register an aid application")
def create_application(
    request,
    payload: ApplicationIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    """For a person found by ID number or phone, or registered (as on the staff form). The person's
    consent to the processing of their data is required and recorded for the programme's
    organisation (from a guardian when the applicant is under 14). The programme's rules judge the
    application and its approval chain starts. Send an `Idempotency-Key` so that a retry after a
    timeout never registers the application twice."""
    require(request, "relief:apply")
    programme = get_object_or_404(
        Programme.objects.visible_to(request.user).filter(is_active=True).select_related("organization"),
        pk=payload.programme_id,
    )
    if not get_scope(request.user).has("relief:apply", programme.organization):
        raise ApiError(403, "forbidden", _("You do not have the permission for this."))
    if not payload.consent_processing:
        raise DomainError(
            _("We can only take the application when the person agrees to the processing of their personal data."),
            code="consent",
        )
    try:
        id_number = parse_id_number(payload.id_number)[0]
        phone = normalize_phone(payload.phone)
        validate_mobile(phone)
    except ValidationError as error:
        raise ApiError(422, "invalid", error.messages[0]) from None
    community = Region.objects.filter(code=payload.community, level=RegionLevel.COMMUNITY).first()
    if community is None:
        raise ApiError(422, "invalid", _("Unknown community code: %(code)s") % {"code": payload.community})
    if payload.student_enrolled and not payload.school.strip():
        raise ApiError(422, "invalid", _("Enter the school the student attends."))

    def create():
        with transaction.atomic():
            person, _created = find_or_create_person(
                name=payload.name,
                organization=programme.organization,
                actor=request.user,
                id_number=id_number,
                phone=phone,
                community=community,
            )
            if not has_consent(person, ConsentPurpose.SERVICE, programme.organization):
                record_consent(
                    actor=request.user,
                    person=person,
                    organization=programme.organization,
                    purpose=ConsentPurpose.SERVICE,
                    channel=payload.consent_channel,
                    given_on=timezone.localdate(),
                    guardian_name=payload.guardian_name,
                    guardian_relation=payload.guardian_relation,
                )
            application = services.create_application(
                programme=programme,
                person=person,
                data=services.ApplicationInput(
                    household_size=payload.household_size,
                    monthly_income=payload.monthly_income,
                    reason=payload.reason.strip(),
                    student_enrolled=payload.student_enrolled,
                    school=payload.school.strip(),
                    disability_level=payload.disability_level,
                    amount=payload.amount,
                    contact_phone=phone,
                ),
                actor=request.user,
                community=community,
            )
        application = Application.objects.select_related(*APPLICATION_RELATED).get(pk=application.pk)
        return 201, _detail(application)

    return Status(*idempotent(request, idempotency_key, "relief.create_application", payload.dict(), create))


@router.get("/relief/applications/{application_id}", response=responses(ApplicationDetail), summary="One application")
def get_application(request, application_id: int):
    """Its status, the step awaiting a decision and every review decision so far."""
    return _detail(_visible_application(request, application_id))


@router.post(
    "/relief/applications/{application_id}/decisions",
    response=responses(ApplicationDetail),
    summary="Record the review decision at the current step",
)
def decide_application(request, application_id: int, payload: DecisionIn):
    """As on the review screen: `step` is the step the reviewer saw (a decision on a step decided
    meanwhile is refused with 409 `stale`); the step's organisation decides, the person who
    registered the application cannot, and each step needs a different reviewer."""
    require(request, "relief:approve")
    application = _visible_application(request, application_id)
    services.decide(
        application, step_position=payload.step, decision=payload.decision, comment=payload.comment, actor=request.user
    )
    application = Application.objects.select_related(*APPLICATION_RELATED).get(pk=application.pk)
    return _detail(application)
