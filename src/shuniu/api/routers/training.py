"""Courses and sessions: what is on offer with seats left, and — for a token that may run
courses — enrolling people (a place, or the waitlist when the session is full, as on the staff
page), cancelling a place (the first waiting person moves up) and the session's enrolments.
Everything goes through `shuniu.training.services` and the `visible_to` querysets."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from shuniu.core import crypto
from shuniu.core.scoping import get_scope
from shuniu.core.validators import normalize_phone, validate_mobile
from shuniu.people.models import Person
from shuniu.people.services import find_or_create_person
from shuniu.training import services
from shuniu.training.models import Course, Enrollment, EnrollmentStatus, Lesson, Session

from ..base import ApiError, responses
from ..helpers import idempotent, page_of, paginate, require

router = Router(tags=["training"])
EnrollmentStatusName = Literal[tuple(EnrollmentStatus.values)]  # type: ignore[valid-type]


class CourseOut(Schema):
    id: int
    title: str
    category: str
    organization: str
    hours: Decimal


class SessionOut(Schema):
    id: int
    course_id: int
    course: str
    status: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed: int


class LessonOut(Schema):
    starts_at: datetime
    ends_at: datetime
    venue: str
    is_cancelled: bool


class SessionDetail(SessionOut):
    organization: str
    street: str | None
    note: str
    seats_left: int
    waitlisted: int
    enrollment_closes_at: datetime
    is_open: bool = Field(description="Whether enrolments are taken now")
    lessons: list[LessonOut]


class EnrollmentOut(Schema):
    id: int
    session_id: int
    person_id: int
    person_name_masked: str
    status: str
    waitlist_position: int | None
    channel: str
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None


class EnrollIn(Schema):
    person_id: int | None = Field(
        None, ge=1, description="A person the caller's organisation serves; or give name and phone"
    )
    name: str = Field("", max_length=60)
    phone: str = Field("", max_length=30, description="Mobile number")


class CancelOut(Schema):
    enrollment: EnrollmentOut
    promoted: EnrollmentOut | None = Field(None, description="The waiting person who moved up into the place")


def _session(session: Session) -> dict:
    return {
        "id": session.pk,
        "course_id": session.course_id,
        "course": session.course.title,
        "status": session.status,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "capacity": session.capacity,
        "confirmed": session.confirmed_count,
    }


def _session_detail(session: Session) -> dict:
    return {
        **_session(session),
        "organization": session.organization.display_name,
        "street": session.street.name if session.street_id else None,
        "note": session.note,
        "seats_left": session.places_left,
        "waitlisted": session.waitlist_count,
        "enrollment_closes_at": session.enrollment_closes_at,
        "is_open": session.is_open(),
        "lessons": [
            {
                "starts_at": lesson.starts_at,
                "ends_at": lesson.ends_at,
                "venue": lesson.venue.name,
                "is_cancelled": lesson.is_cancelled,
            }
            for lesson in Lesson.objects.filter(session=session).select_related("venue").order_by("starts_at", "pk")
        ],
    }


def _waitlist_positions(session_id: int) -> dict[int, int]:
    """Position on the waitlist of every waiting enrolment of a session, in one query."""
    waiting = Enrollment.objects.filter(session_id=session_id, status=EnrollmentStatus.WAITLISTED).order_by(
        "waitlisted_at", "pk"
    )
    return {pk: position for position, pk in enumerate(waiting.values_list("pk", flat=True), start=1)}


def _enrollment(enrollment: Enrollment, positions: dict[int, int] | None = None) -> dict:
    if positions is None:
        position = services.waitlist_position(enrollment)
    else:
        position = positions.get(enrollment.pk)
    return {
        "id": enrollment.pk,
        "session_id": enrollment.session_id,
        "person_id": enrollment.person_id,
        "person_name_masked": crypto.mask_name(enrollment.person.name),
        "status": enrollment.status,
        "waitlist_position": position,
        "channel": enrollment.channel,
        "created_at": enrollment.created_at,
        "confirmed_at": enrollment.confirmed_at,
        "cancelled_at": enrollment.cancelled_at,
    }


def _visible_session(request, session_id: int) -> Session:
    require(request, "training:view")
    return get_object_or_404(
        Session.objects.visible_to(request.user).select_related("course", "organization", "street"), pk=session_id
    )


def _require_manage(request, organization) -> None:
    """As the staff pages: running a session needs `training:manage` in the session's organisation."""
    if not get_scope(request.user).has("training:manage", organization):
        raise ApiError(403, "forbidden", _("You do not have the permission for this."))


@router.get("/training/courses", response=responses(page_of(CourseOut)), summary="Courses")
def list_courses(request, cursor: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=200)):
    require(request, "training:view")
    courses = Course.objects.visible_to(request.user).select_related("organization")
    return paginate(
        courses,
        cursor,
        limit,
        lambda course: {
            "id": course.pk,
            "title": course.title,
            "category": course.category,
            "organization": course.organization.display_name,
            "hours": course.hours,
        },
    )


@router.get("/training/sessions", response=responses(page_of(SessionOut)), summary="Sessions")
def list_sessions(
    request,
    course_id: int | None = Query(None, ge=1),
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    require(request, "training:view")
    sessions = Session.objects.visible_to(request.user).select_related("course")
    if course_id:
        sessions = sessions.filter(course_id=course_id)
    return paginate(sessions, cursor, limit, _session)


@router.get("/training/sessions/{session_id}", response=responses(SessionDetail), summary="One session, seats left")
def get_session(request, session_id: int):
    session = _visible_session(request, session_id)
    return _session_detail(session)


@router.get(
    "/training/sessions/{session_id}/enrollments",
    response=responses(page_of(EnrollmentOut)),
    summary="A session's enrolments",
)
def list_enrollments(
    request,
    session_id: int,
    status: EnrollmentStatusName | None = None,  # type: ignore[valid-type]
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    """Places, waitlist (with positions) and cancellations of a session the caller's organisation runs."""
    session = _visible_session(request, session_id)
    enrollments = Enrollment.objects.visible_to(request.user).filter(session=session).select_related("person")
    if status:
        enrollments = enrollments.filter(status=status)
    positions = _waitlist_positions(session.pk)
    return paginate(enrollments, cursor, limit, lambda enrollment: _enrollment(enrollment, positions))


@router.post(
    "/training/sessions/{session_id}/enrollments",
    response=responses(EnrollmentOut, 201),
    summary="Enrol a person (waitlist when full)",
)
def enroll(
    request,
    session_id: int,
    payload: EnrollIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", max_length=100),
):
    """Give a person a place, or a place on the waitlist when the session is full (the answer's
    `status` says which). Refused when enrolment has closed, when the person already holds a place,
    or holds the most places a person may. Send an `Idempotency-Key` to make a retry safe."""
    require(request, "training:manage")
    session = _visible_session(request, session_id)
    _require_manage(request, session.organization)
    person = None
    phone = ""
    if payload.person_id:
        person = get_object_or_404(Person.objects.visible_to(request.user), pk=payload.person_id)
    else:
        if not payload.name.strip() or not payload.phone.strip():
            raise ApiError(422, "invalid", _("Give the person's id, or their name and mobile number."))
        try:
            phone = normalize_phone(payload.phone)
            validate_mobile(phone)
        except ValidationError as error:
            raise ApiError(422, "invalid", error.messages[0]) from None

    def create():
        with transaction.atomic():
            enrollee = person
            if enrollee is None:
                enrollee, _created = find_or_create_person(
                    name=payload.name, organization=session.organization, actor=request.user, phone=phone
                )
            enrollment = services.enroll(session, enrollee, actor=request.user, channel="staff")
        enrollment = Enrollment.objects.select_related("person").get(pk=enrollment.pk)
        return 201, _enrollment(enrollment)

    return Status(
        *idempotent(request, idempotency_key, "training.enroll", {"session": session.pk, **payload.dict()}, create)
    )


@router.post(
    "/training/enrollments/{enrollment_id}/cancel", response=responses(CancelOut), summary="Cancel an enrolment"
)
def cancel_enrollment(request, enrollment_id: int):
    """Give up the place; when a confirmed place frees up before the session starts, the first
    person on the waitlist gets it and a message. Cancelling twice is refused (409)."""
    require(request, "training:manage")
    enrollment = get_object_or_404(
        Enrollment.objects.visible_to(request.user).select_related("session__organization", "person"),
        pk=enrollment_id,
    )
    _require_manage(request, enrollment.session.organization)
    if enrollment.status == EnrollmentStatus.CANCELLED:
        raise ApiError(409, "conflict", _("This enrolment is already cancelled."))
    promoted = services.cancel_enrollment(enrollment, actor=request.user, reason="by_staff")
    enrollment = Enrollment.objects.select_related("person").get(pk=enrollment.pk)
    if promoted is not None:
        promoted = Enrollment.objects.select_related("person").get(pk=promoted.pk)
    return {"enrollment": _enrollment(enrollment), "promoted": _enrollment(promoted) if promoted else None}
