"""Every state change of training: scheduling, enrolment and the waitlist, attendance, completion,
certificates, feedback and course requests. Each service guards the current state, changes it in
one transaction, writes the audit entry and leaves messages for after the commit.

Capacity is guarded by a row lock on the session: `enroll` and `cancel_enrollment` take
`select_for_update()` on it first, so two requests for the last place are served one after the
other and the second one lands on the waitlist (on SQLite the IMMEDIATE transaction mode does
the same by serialising writers).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.events import publish
from shuniu.core.fields import blind_index_for
from shuniu.core.services import DomainError, notify_role
from shuniu.core.validators import normalize_phone, validate_mobile
from shuniu.people.models import Person
from shuniu.training.models import (
    Attendance,
    Certificate,
    CitizenMessage,
    Course,
    CourseRequest,
    Enrollment,
    EnrollmentStatus,
    Feedback,
    Instructor,
    Lesson,
    PhoneVerification,
    RequestStatus,
    Session,
    SessionStatus,
    Venue,
    VenueKind,
)

# A person may hold this many live places (confirmed or waitlisted) in sessions not yet over.
MAX_ACTIVE_ENROLLMENTS = 3
# The QR code of a lesson opens this long before it starts and stays valid this long after it ends.
CHECK_IN_OPENS_BEFORE = timedelta(minutes=30)
CHECK_IN_CLOSES_AFTER = timedelta(minutes=30)
MAX_LESSONS_PER_SESSION = 52
CODE_VALID_FOR = timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5
CODES_PER_HOUR = 5
STAFF_ROLES = ["caseworker", "supervisor", "org_admin"]

CHECK_IN_SALT = "shuniu.training.check-in"
FEED_SALT = "shuniu.training.calendar-feed"


# ---------------------------------------------------------------------------------------------
# Scheduling


@dataclass
class LessonPlan:
    starts_at: datetime
    ends_at: datetime


def weekly_plan(first_start: datetime, minutes: int, count: int, every_days: int = 7) -> list[LessonPlan]:
    """A recurring series: `count` lessons of `minutes`, every `every_days` days from `first_start`."""
    if count < 1 or count > MAX_LESSONS_PER_SESSION:
        raise DomainError(_("A session has between 1 and %(max)d lessons.") % {"max": MAX_LESSONS_PER_SESSION})
    if minutes < 15 or minutes > 12 * 60:
        raise DomainError(_("A lesson lasts between 15 minutes and 12 hours."))
    return [
        LessonPlan(
            first_start + timedelta(days=every_days * index),
            first_start + timedelta(days=every_days * index, minutes=minutes),
        )
        for index in range(count)
    ]


def booking_conflicts(venue: Venue, instructor: Instructor | None, plans: list[LessonPlan], exclude_session=None):
    """Lessons of other live sessions that overlap one of `plans` at the same venue or with the same instructor."""
    overlap = Q()
    for plan in plans:
        overlap |= Q(starts_at__lt=plan.ends_at, ends_at__gt=plan.starts_at)
    who = Q(venue=venue)
    if instructor is not None:
        who |= Q(instructor=instructor)
    lessons = Lesson.objects.filter(overlap & who, is_cancelled=False).exclude(session__status=SessionStatus.CANCELLED)
    if exclude_session is not None:
        lessons = lessons.exclude(session=exclude_session)
    return lessons.select_related("session__course", "venue", "instructor").order_by("starts_at")


def _refuse_conflicts(venue, instructor, plans, exclude_session=None) -> None:
    # Lock the venue and instructor rows (in a fixed order) so that two organisations booking the
    # same hall at the same hour cannot both pass the overlap check.
    Venue.objects.select_for_update().filter(pk=venue.pk).first()
    if instructor is not None:
        Instructor.objects.select_for_update().filter(pk=instructor.pk).first()
    clash = booking_conflicts(venue, instructor, plans, exclude_session).first()
    if clash is None:
        return
    when = timezone.localtime(clash.starts_at).strftime("%Y-%m-%d %H:%M")
    if clash.venue_id == venue.pk:
        raise DomainError(
            _("%(venue)s is already booked at %(when)s for “%(course)s”.")
            % {"venue": venue.name, "when": when, "course": clash.session.course.title},
            code="venue_booked",
        )
    raise DomainError(
        _("%(instructor)s already teaches at %(when)s (“%(course)s”).")
        % {"instructor": instructor.name, "when": when, "course": clash.session.course.title},
        code="instructor_booked",
    )


def create_session(
    *,
    course: Course,
    actor,
    plans: list[LessonPlan],
    venue: Venue,
    instructor: Instructor | None,
    capacity: int,
    enrollment_closes_at: datetime | None = None,
    note: str = "",
    course_request: CourseRequest | None = None,
    now: datetime | None = None,
) -> Session:
    """Schedule a run of `course` with its lessons; refuses a double booking of venue or instructor."""
    now = now or timezone.now()
    if not plans:
        raise DomainError(_("A session needs at least one lesson."))
    plans = sorted(plans, key=lambda plan: plan.starts_at)
    if any(plan.ends_at <= plan.starts_at for plan in plans):
        raise DomainError(_("A lesson must end after it starts."))
    if plans[0].starts_at <= now:
        raise DomainError(_("The first lesson must be in the future."))
    if capacity < 1:
        raise DomainError(_("A session needs at least one place."))
    if venue.kind != VenueKind.ONLINE and capacity > venue.capacity:
        raise DomainError(
            _("%(venue)s has %(seats)d seats; the session cannot offer %(places)d places.")
            % {"venue": venue.name, "seats": venue.capacity, "places": capacity}
        )
    if not venue.is_active:
        raise DomainError(_("This venue is not in use."))
    if instructor is not None and not instructor.is_active:
        raise DomainError(_("This instructor is not available."))
    closes_at = enrollment_closes_at or (plans[0].starts_at - timedelta(hours=2))
    if closes_at > plans[0].starts_at:
        raise DomainError(_("Enrolment must close before the first lesson starts."))
    if course_request is not None and course_request.status not in (RequestStatus.PENDING, RequestStatus.ACCEPTED):
        raise DomainError(_("This request has already been dealt with."))
    with transaction.atomic():
        _refuse_conflicts(venue, instructor, plans)
        session = Session.objects.create(
            course=course,
            organization=course.organization,
            street=venue.street,
            capacity=capacity,
            enrollment_closes_at=closes_at,
            starts_at=plans[0].starts_at,
            ends_at=plans[-1].ends_at,
            note=note,
        )
        Lesson.objects.bulk_create(
            [
                Lesson(
                    session=session, starts_at=plan.starts_at, ends_at=plan.ends_at, venue=venue, instructor=instructor
                )
                for plan in plans
            ]
        )
        log_action(
            "training.session.created",
            actor=actor,
            organization=course.organization,
            obj=session,
            data={"lessons": len(plans), "capacity": capacity, "venue": venue.pk},
        )
        if course_request is not None:
            updated = CourseRequest.objects.filter(
                pk=course_request.pk, status__in=[RequestStatus.PENDING, RequestStatus.ACCEPTED]
            ).update(status=RequestStatus.SCHEDULED, session=session, decided_at=now)
            if updated != 1:
                raise DomainError(_("This request has already been dealt with."))
            log_action("training.request.scheduled", actor=actor, organization=course.organization, obj=course_request)
    return session


def cancel_session(session: Session, *, actor, reason: str) -> int:
    """Cancel a session: every live enrolment is cancelled and each person gets a message."""
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(_("Please say why the session is cancelled; participants will read it."))
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.status != SessionStatus.SCHEDULED:
            raise DomainError(_("Only a scheduled session can be cancelled."))
        locked.status = SessionStatus.CANCELLED
        locked.save(update_fields=["status"])
        now = timezone.now()
        affected = list(locked.enrollments.active().select_related("person"))
        Enrollment.objects.filter(pk__in=[e.pk for e in affected]).update(
            status=EnrollmentStatus.CANCELLED, cancelled_at=now, cancel_reason="session_cancelled"
        )
        _refresh_counts(locked)
        log_action(
            "training.session.cancelled",
            actor=actor,
            organization=locked.organization,
            obj=locked,
            data={"reason": reason[:200], "enrollments": len(affected)},
        )
        title = locked.course.title
        when = timezone.localtime(locked.starts_at).strftime("%Y-%m-%d %H:%M")
        for enrollment in affected:
            message_person(
                enrollment.person,
                _("“%(course)s” on %(when)s is cancelled: %(reason)s. We are sorry for the inconvenience.")
                % {"course": title, "when": when, "reason": reason[:80]},
                dedupe_key=f"session-cancelled:{enrollment.pk}",
            )
    session.status = locked.status
    return len(affected)


# ---------------------------------------------------------------------------------------------
# Enrolment and the waitlist


def _refresh_counts(session: Session) -> None:
    """Recount under the session lock; the counters only serve lists (the truth is the rows)."""
    session.confirmed_count = session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count()
    session.waitlist_count = session.enrollments.filter(status=EnrollmentStatus.WAITLISTED).count()
    session.save(update_fields=["confirmed_count", "waitlist_count"])


def waitlist_position(enrollment: Enrollment) -> int | None:
    if enrollment.status != EnrollmentStatus.WAITLISTED:
        return None
    return (
        Enrollment.objects.filter(session_id=enrollment.session_id, status=EnrollmentStatus.WAITLISTED)
        .filter(
            Q(waitlisted_at__lt=enrollment.waitlisted_at)
            | Q(waitlisted_at=enrollment.waitlisted_at, pk__lt=enrollment.pk)
        )
        .count()
        + 1
    )


def enroll(
    session: Session, person: Person, *, actor=None, channel: str = "portal", now: datetime | None = None
) -> Enrollment:
    """Give `person` a place, or a place on the waitlist when the session is full.

    Refused when enrolment has closed, when the person already holds a place in the session, or
    when they hold MAX_ACTIVE_ENROLLMENTS places in sessions that have not ended."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Session.objects.select_for_update().select_related("course").get(pk=session.pk)
        if locked.status != SessionStatus.SCHEDULED:
            raise DomainError(_("This session is no longer taking enrolments."), code="not_open")
        if now >= locked.enrollment_closes_at:
            raise DomainError(_("Enrolment for this session has closed."), code="closed")
        if locked.enrollments.active().filter(person=person).exists():
            raise DomainError(_("You are already enrolled in this session."), code="duplicate")
        active_elsewhere = (
            Enrollment.objects.active().filter(person=person, session__ends_at__gt=now).exclude(session=locked).count()
        )
        if active_elsewhere >= MAX_ACTIVE_ENROLLMENTS:
            raise DomainError(
                _(
                    "One person can hold at most %(max)d places in courses that have not ended yet. Cancel one of"
                    " them first."
                )
                % {"max": MAX_ACTIVE_ENROLLMENTS},
                code="limit",
            )
        confirmed = locked.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count()
        full = confirmed >= locked.capacity
        try:
            with transaction.atomic():
                enrollment = Enrollment.objects.create(
                    session=locked,
                    person=person,
                    status=EnrollmentStatus.WAITLISTED if full else EnrollmentStatus.CONFIRMED,
                    channel=channel,
                    created_at=now,
                    waitlisted_at=now if full else None,
                    confirmed_at=None if full else now,
                    enrolled_by=actor if getattr(actor, "is_authenticated", False) else None,
                )
        except IntegrityError:
            raise DomainError(_("You are already enrolled in this session."), code="duplicate") from None
        _refresh_counts(locked)
        log_action(
            "training.enrollment.waitlisted" if full else "training.enrollment.confirmed",
            actor=actor,
            organization=locked.organization,
            obj=enrollment,
            data={"session": locked.pk, "channel": channel},
        )
        publish(
            "training.enrollment.created",
            {
                "enrollment_id": enrollment.pk,
                "session_id": locked.pk,
                "status": enrollment.status,
                "organization_id": locked.organization_id,
            },
        )
    return enrollment


def cancel_enrollment(enrollment: Enrollment, *, actor=None, reason: str = "by_person", now=None) -> Enrollment | None:
    """Give up a place. When a confirmed place frees up before the session starts, the first person
    on the waitlist gets it and a message. Returns the promoted enrolment, if any."""
    now = now or timezone.now()
    with transaction.atomic():
        locked_session = Session.objects.select_for_update().select_related("course").get(pk=enrollment.session_id)
        current = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if current.status == EnrollmentStatus.CANCELLED:
            raise DomainError(_("This enrolment is already cancelled."), code="cancelled")
        if current.attendances.exists():
            raise DomainError(_("You have already attended a lesson, so the place cannot be cancelled."))
        was_confirmed = current.status == EnrollmentStatus.CONFIRMED
        current.status = EnrollmentStatus.CANCELLED
        current.cancelled_at = now
        current.cancel_reason = reason[:32]
        current.save(update_fields=["status", "cancelled_at", "cancel_reason"])
        log_action(
            "training.enrollment.cancelled",
            actor=actor,
            organization=locked_session.organization,
            obj=current,
            data={"reason": reason[:32], "was": "confirmed" if was_confirmed else "waitlisted"},
        )
        promoted = None
        if was_confirmed and locked_session.status == SessionStatus.SCHEDULED and now < locked_session.starts_at:
            promoted = _promote_next(locked_session, now)
        _refresh_counts(locked_session)
    enrollment.status = current.status
    return promoted


def _promote_next(session: Session, now) -> Enrollment | None:
    confirmed = session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count()
    if confirmed >= session.capacity:
        return None
    candidate = (
        session.enrollments.filter(status=EnrollmentStatus.WAITLISTED)
        .select_related("person")
        .order_by("waitlisted_at", "pk")
        .first()
    )
    if candidate is None:
        return None
    candidate.status = EnrollmentStatus.CONFIRMED
    candidate.confirmed_at = now
    candidate.save(update_fields=["status", "confirmed_at"])
    log_action("training.enrollment.promoted", organization=session.organization, obj=candidate)
    message_person(
        candidate.person,
        _("Good news: a place in “%(course)s” (%(when)s) is now yours. If you cannot come, please cancel it.")
        % {"course": session.course.title, "when": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")},
        url=reverse("training_public:my_courses"),
        dedupe_key=f"promoted:{candidate.pk}",
    )
    return candidate


# ---------------------------------------------------------------------------------------------
# Attendance, completion, certificates


def check_in_window(lesson: Lesson) -> tuple[datetime, datetime]:
    return lesson.starts_at - CHECK_IN_OPENS_BEFORE, lesson.ends_at + CHECK_IN_CLOSES_AFTER


def check_in_token(lesson: Lesson) -> str:
    """A signed token naming the lesson and the moment it stops being valid (for the QR code)."""
    _opens, closes = check_in_window(lesson)
    return signing.dumps({"lesson": lesson.pk, "until": int(closes.timestamp())}, salt=CHECK_IN_SALT, compress=True)


def read_check_in_token(token: str, now: datetime | None = None) -> Lesson:
    """The lesson of a check-in token; refuses forged, expired and not-yet-open tokens."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=CHECK_IN_SALT)
    except signing.BadSignature:
        raise DomainError(
            _("This check-in code is not valid. Please scan the code shown in the classroom."), "forged"
        ) from None
    lesson = (
        Lesson.objects.select_related("session__course", "venue")
        .filter(pk=payload.get("lesson"), is_cancelled=False)
        .first()
    )
    if lesson is None or lesson.session.status == SessionStatus.CANCELLED:
        raise DomainError(_("This check-in code is not valid. Please scan the code shown in the classroom."), "forged")
    opens, closes = check_in_window(lesson)
    if now.timestamp() > payload.get("until", 0) or now > closes:
        raise DomainError(_("This check-in code has expired: check-in closed 30 minutes after the lesson."), "expired")
    if now < opens:
        raise DomainError(_("Check-in opens 30 minutes before the lesson starts."), "not_open")
    return lesson


def check_in(lesson: Lesson, person_ids, *, now: datetime | None = None) -> Attendance:
    """Record the presence of whichever of `person_ids` holds a confirmed place in the lesson's session."""
    now = now or timezone.now()
    enrollment = (
        Enrollment.objects.filter(
            session_id=lesson.session_id, person_id__in=list(person_ids), status=EnrollmentStatus.CONFIRMED
        )
        .select_related("session__course")
        .first()
    )
    if enrollment is None:
        raise DomainError(
            _("You do not have a confirmed place in this session, so you cannot check in."), "not_enrolled"
        )
    return _record_attendance(lesson, enrollment, method="qr", actor=None, now=now)


def mark_attendance(lesson: Lesson, enrollment: Enrollment, *, present: bool, actor, now=None) -> bool:
    """Staff mark someone present or absent; returns whether anything changed."""
    now = now or timezone.now()
    if enrollment.session_id != lesson.session_id or enrollment.status != EnrollmentStatus.CONFIRMED:
        raise DomainError(_("Only participants with a confirmed place can be marked present."))
    if present:
        if Attendance.objects.filter(lesson=lesson, enrollment=enrollment).exists():
            return False
        _record_attendance(lesson, enrollment, method="staff", actor=actor, now=now)
        return True
    with transaction.atomic():
        deleted, _details = Attendance.objects.filter(lesson=lesson, enrollment=enrollment).delete()
        if deleted:
            log_action(
                "training.attendance.removed",
                actor=actor,
                organization=lesson.session.organization,
                obj=enrollment,
                data={"lesson": lesson.pk},
            )
    return bool(deleted)


def _record_attendance(lesson, enrollment, *, method, actor, now) -> Attendance:
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                enrollment=enrollment,
                lesson=lesson,
                method=method,
                checked_in_at=now,
                marked_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            log_action(
                "training.attendance.recorded",
                actor=actor,
                organization=lesson.session.organization,
                obj=enrollment,
                data={"lesson": lesson.pk, "method": method},
            )
            evaluate_completion(enrollment, now=now)
    except IntegrityError:
        raise DomainError(_("You have already checked in for this lesson."), "duplicate") from None
    return attendance


def attendance_ratio(enrollment: Enrollment) -> tuple[int, int]:
    total = Lesson.objects.filter(session_id=enrollment.session_id, is_cancelled=False).count()
    attended = enrollment.attendances.filter(lesson__is_cancelled=False).count()
    return attended, total


def evaluate_completion(enrollment: Enrollment, *, now=None) -> Certificate | None:
    """Completion rule: attended lessons reach the course's share (80% by default); then a certificate is issued."""
    now = now or timezone.now()
    if enrollment.status != EnrollmentStatus.CONFIRMED:
        return None
    if enrollment.completed_at:
        return Certificate.objects.filter(enrollment=enrollment).first()
    attended, total = attendance_ratio(enrollment)
    if total == 0 or attended * 100 < enrollment.session.course.completion_percent * total:
        return None
    with transaction.atomic():
        if Enrollment.objects.filter(pk=enrollment.pk, completed_at__isnull=True).update(completed_at=now) != 1:
            return None
        enrollment.completed_at = now
        certificate = Certificate.objects.create(enrollment=enrollment, issued_at=now)
        log_action(
            "training.certificate.issued",
            organization=enrollment.session.organization,
            obj=certificate,
            data={"enrollment": enrollment.pk, "attended": attended, "lessons": total},
        )
        message_person(
            enrollment.person,
            _("You have completed “%(course)s”. Your certificate's verification code is %(code)s.")
            % {"course": enrollment.session.course.title, "code": certificate.code},
            url=reverse("training_public:my_courses"),
            dedupe_key=f"certificate:{certificate.pk}",
        )
    return certificate


def close_session(session: Session, *, actor, now=None) -> int:
    """Close a session after its last lesson: completion is evaluated for everyone; returns certificates issued."""
    now = now or timezone.now()
    if session.status != SessionStatus.SCHEDULED:
        raise DomainError(_("Only a scheduled session can be closed."))
    if now < session.ends_at:
        raise DomainError(_("A session can be closed after its last lesson has ended."))
    issued = 0
    with transaction.atomic():
        if (
            Session.objects.filter(pk=session.pk, status=SessionStatus.SCHEDULED).update(status=SessionStatus.CLOSED)
            != 1
        ):
            raise DomainError(_("Only a scheduled session can be closed."))
        for enrollment in session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).select_related(
            "session__course", "person"
        ):
            if not enrollment.completed_at and evaluate_completion(enrollment, now=now) is not None:
                issued += 1
        waiting = list(session.enrollments.filter(status=EnrollmentStatus.WAITLISTED).values_list("pk", flat=True))
        Enrollment.objects.filter(pk__in=waiting).update(
            status=EnrollmentStatus.CANCELLED, cancelled_at=now, cancel_reason="session_closed"
        )
        _refresh_counts(session)
        log_action(
            "training.session.closed",
            actor=actor,
            organization=session.organization,
            obj=session,
            data={"certificates": issued},
        )
    session.status = SessionStatus.CLOSED
    return issued


def revoke_certificate(certificate: Certificate, *, actor, reason: str, now=None) -> None:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(_("Please give the reason for revoking; it is shown on the verification page."))
    with transaction.atomic():
        if (
            Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
                revoked_at=now, revoke_reason=reason[:200]
            )
            != 1
        ):
            raise DomainError(_("This certificate has already been revoked."))
        log_action(
            "training.certificate.revoked",
            actor=actor,
            organization=certificate.enrollment.session.organization,
            obj=certificate,
            data={"reason": reason[:200]},
        )
    certificate.revoked_at, certificate.revoke_reason = now, reason[:200]


# ---------------------------------------------------------------------------------------------
# Feedback and menu-style requests


def submit_feedback(enrollment: Enrollment, *, rating: int, comment: str = "") -> Feedback:
    if enrollment.status != EnrollmentStatus.CONFIRMED or not enrollment.attendances.exists():
        raise DomainError(_("You can rate a course after attending at least one lesson."))
    if rating not in range(1, 6):
        raise DomainError(_("Choose a rating from 1 to 5 stars."))
    with transaction.atomic():
        feedback, created = Feedback.objects.update_or_create(
            enrollment=enrollment, defaults={"rating": rating, "comment": (comment or "").strip()[:1000]}
        )
        log_action(
            "training.feedback.submitted",
            organization=enrollment.session.organization,
            obj=enrollment,
            data={"rating": rating, "created": created},
        )
    return feedback


def submit_course_request(course: Course, **fields) -> CourseRequest:
    """A community or enterprise orders a course from the menu; the provider's staff are told."""
    phone = normalize_phone(fields.get("contact_phone", ""))
    with transaction.atomic():
        request = CourseRequest.objects.create(
            course=course, organization=course.organization, **{**fields, "contact_phone": phone}
        )
        log_action("training.request.submitted", organization=course.organization, obj=request)
        transaction.on_commit(
            lambda: notify_role(
                course.organization,
                STAFF_ROLES,
                _("Course request: %(course)s for %(group)s")
                % {"course": course.title, "group": request.requester_name},
                url=reverse("training:requests"),
                dedupe_key=f"training-request:{request.pk}",
            )
        )
    return request


def decide_course_request(course_request: CourseRequest, *, accept: bool, actor, reason: str = "", now=None) -> None:
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not accept and len(reason) < 2:
        raise DomainError(_("Please tell the requester why the request is declined."))
    new_status = RequestStatus.ACCEPTED if accept else RequestStatus.DECLINED
    with transaction.atomic():
        updated = CourseRequest.objects.filter(pk=course_request.pk, status=RequestStatus.PENDING).update(
            status=new_status, decline_reason=reason[:200], decided_at=now
        )
        if updated != 1:
            raise DomainError(_("This request has already been dealt with."))
        log_action(
            f"training.request.{'accepted' if accept else 'declined'}",
            actor=actor,
            organization=course_request.organization,
            obj=course_request,
            data={"reason": reason[:200]},
        )
    course_request.status = new_status


# ---------------------------------------------------------------------------------------------
# Citizens: messages, phone verification, calendar feeds


def message_person(person: Person, body: str, *, url: str = "", dedupe_key: str | None = None) -> CitizenMessage | None:
    """Leave a message for a citizen (shown on "my courses"; an SMS gateway may send unsent ones)."""
    if dedupe_key and CitizenMessage.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    message = CitizenMessage.objects.create(person=person, body=body[:300], url=url, dedupe_key=dedupe_key)
    if person.phone:
        transaction.on_commit(lambda: send_text(message.pk))
    return message


def send_text(message_id: int) -> None:
    """Send one citizen message by text. Until an SMS gateway is connected the mail backend is the
    outbox (var/mail/ without SMTP); `sent_at` makes a re-run a no-op."""
    message = CitizenMessage.objects.select_related("person").filter(pk=message_id, sent_at__isnull=True).first()
    if message is None or not message.person.phone:
        return
    if CitizenMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(sent_at=timezone.now()) != 1:
        return
    send_mail(_("Shuniu training"), message.body, None, [sms_address(message.person.phone)])


def sms_address(phone: str) -> str:
    return f"{normalize_phone(phone)}@sms.shuniu.invalid"


def _code_hash(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


def start_phone_verification(phone: str, *, now=None) -> tuple[PhoneVerification, str]:
    """Create a one-time code for `phone`. The code goes out through the SMS outbox; without a
    gateway (development, demo) the portal shows it on screen."""
    now = now or timezone.now()
    from django.core.exceptions import ValidationError

    try:
        validate_mobile(phone)
    except ValidationError as error:
        raise DomainError(error.messages[0], "phone") from None
    phone = normalize_phone(phone)
    index = blind_index_for(PhoneVerification, "phone_index", phone)
    recent = PhoneVerification.objects.filter(phone_index=index, created_at__gte=now - timedelta(hours=1)).count()
    if recent >= CODES_PER_HOUR:
        raise DomainError(_("Too many codes were requested for this number. Please try again in an hour."), "rate")
    code = f"{secrets.randbelow(1_000_000):06d}"
    # A new code replaces any earlier one: only the newest message counts.
    PhoneVerification.objects.filter(phone_index=index, used_at__isnull=True).update(used_at=now)
    verification = PhoneVerification.objects.create(
        phone=phone, code_hash=_code_hash(phone, code), created_at=now, expires_at=now + CODE_VALID_FOR
    )
    return verification, code


def confirm_phone_verification(phone: str, code: str, *, now=None) -> str:
    """Check the code; returns the normalised phone. Each code is used once and allows 5 tries."""
    now = now or timezone.now()
    phone = normalize_phone(phone)
    index = blind_index_for(PhoneVerification, "phone_index", phone)
    refusal = None
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(phone_index=index, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if verification is None:
            refusal = DomainError(_("The code has expired. Please ask for a new one."), "expired")
        elif verification.attempts >= CODE_MAX_ATTEMPTS:
            refusal = DomainError(_("Too many wrong codes. Please ask for a new one."), "attempts")
        elif not hmac.compare_digest(verification.code_hash, _code_hash(phone, (code or "").strip())):
            # Counted in a committed write (the refusal is raised after the block), so guessing stays limited.
            PhoneVerification.objects.filter(pk=verification.pk).update(attempts=F("attempts") + 1)
            refusal = DomainError(_("The code is not correct. Please check the text message."), "wrong")
        else:
            PhoneVerification.objects.filter(pk=verification.pk).update(used_at=now)
    if refusal is not None:
        raise refusal
    return phone


def people_with_phone(phone: str):
    return (
        Person.objects.filter(phone_index=blind_index_for(Person, "phone_index", phone))
        if phone
        else Person.objects.none()
    )


def feed_token(kind: str, pk: int) -> str:
    """A calendar feed address is a capability: signed kind and id, so nobody can guess another's feed."""
    return signing.dumps({"k": kind, "id": pk}, salt=FEED_SALT, compress=True)


def read_feed_token(token: str) -> tuple[str, int]:
    try:
        payload = signing.loads(token, salt=FEED_SALT)
    except signing.BadSignature:
        raise DomainError(_("This calendar address is not valid."), "forged") from None
    if payload.get("k") not in {"venue", "instructor", "person"} or not isinstance(payload.get("id"), int):
        raise DomainError(_("This calendar address is not valid."), "forged")
    return payload["k"], payload["id"]
