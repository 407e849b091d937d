"""Training services: capacity and waitlist, booking conflicts, check-in, completion, certificates."""

import itertools
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shuniu.core.models import AuditEntry, Notification
from shuniu.core.services import DomainError
from shuniu.training import services
from shuniu.training.models import (
    Attendance,
    Certificate,
    CitizenMessage,
    CourseRequest,
    Enrollment,
    EnrollmentStatus,
    Feedback,
    Lesson,
    RequestStatus,
    Session,
    SessionStatus,
)
from tests.training.helpers import (
    lesson_now,
    make_course,
    make_instructor,
    make_person,
    make_request,
    make_session,
    make_venue,
)

pytestmark = pytest.mark.django_db


def test_enrolment_confirms_until_full_then_waitlists_in_order(world):
    session = make_session(world, capacity=2)
    people = [make_person(world, name=f"学员{i}") for i in range(4)]
    results = [services.enroll(session, person) for person in people]
    assert [e.status for e in results] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [services.waitlist_position(e) for e in results] == [None, None, 1, 2]
    session.refresh_from_db()
    assert (session.confirmed_count, session.waitlist_count) == (2, 2)
    assert AuditEntry.objects.filter(action="training.enrollment.waitlisted").count() == 2


def test_cancelling_a_confirmed_place_promotes_the_first_waiting_person_and_tells_them(world):
    session = make_session(world, capacity=1)
    first, second, third = (make_person(world, name=name) for name in ("甲", "乙", "丙"))
    taken = services.enroll(session, first)
    waiting_second = services.enroll(session, second)
    services.enroll(session, third)

    promoted = services.cancel_enrollment(taken)

    assert promoted.pk == waiting_second.pk
    assert Enrollment.objects.get(pk=waiting_second.pk).status == EnrollmentStatus.CONFIRMED
    assert Enrollment.objects.get(pk=taken.pk).status == EnrollmentStatus.CANCELLED
    message = CitizenMessage.objects.get(person=second)
    assert "家政服务技能培训" in message.body
    assert CitizenMessage.objects.filter(person=third).count() == 0
    session.refresh_from_db()
    assert (session.confirmed_count, session.waitlist_count) == (1, 1)


def test_cancelling_a_waitlisted_place_promotes_nobody(world):
    session = make_session(world, capacity=1)
    services.enroll(session, make_person(world))
    waiting = services.enroll(session, make_person(world))
    assert services.cancel_enrollment(waiting) is None
    assert CitizenMessage.objects.count() == 0


def test_enrolment_after_closing_time_is_refused_and_nothing_is_created(world):
    session = make_session(world)
    with time_machine.travel(session.enrollment_closes_at + timedelta(minutes=1)):
        with pytest.raises(DomainError) as refused:
            services.enroll(session, make_person(world))
    assert refused.value.code == "closed"
    assert Enrollment.objects.count() == 0


def test_the_same_person_cannot_enrol_twice(world):
    session = make_session(world)
    person = make_person(world)
    services.enroll(session, person)
    with pytest.raises(DomainError) as refused:
        services.enroll(session, person)
    assert refused.value.code == "duplicate"
    assert Enrollment.objects.filter(person=person).count() == 1


def test_a_person_holds_at_most_three_live_places(world):
    person = make_person(world)
    venue = make_venue(world)
    for day in range(1, services.MAX_ACTIVE_ENROLLMENTS + 1):
        services.enroll(make_session(world, starts_in=timedelta(days=day), venue=venue), person)
    extra = make_session(world, starts_in=timedelta(days=10), venue=venue)
    with pytest.raises(DomainError) as refused:
        services.enroll(extra, person)
    assert refused.value.code == "limit"
    assert Enrollment.objects.filter(person=person).count() == 3


def test_double_booking_a_venue_is_refused_and_nothing_is_scheduled(world):
    venue = make_venue(world)
    first = make_session(world, venue=venue, starts_in=timedelta(days=2))
    lesson = first.lessons.get()
    before = Session.objects.count()
    with pytest.raises(DomainError) as refused:
        services.create_session(
            course=make_course(world, title="另一门课"),
            actor=world.caseworker,
            plans=[services.LessonPlan(lesson.starts_at + timedelta(minutes=30), lesson.ends_at + timedelta(hours=1))],
            venue=venue,
            instructor=None,
            capacity=10,
        )
    assert refused.value.code == "venue_booked"
    assert Session.objects.count() == before
    assert Lesson.objects.count() == 1


def test_double_booking_an_instructor_is_refused_even_at_another_venue(world):
    teacher = make_instructor(world)
    first = make_session(world, instructor=teacher)
    lesson = first.lessons.get()
    with pytest.raises(DomainError) as refused:
        services.create_session(
            course=make_course(world),
            actor=world.caseworker,
            plans=[services.LessonPlan(lesson.starts_at, lesson.ends_at)],
            venue=make_venue(world),
            instructor=teacher,
            capacity=10,
        )
    assert refused.value.code == "instructor_booked"


def test_back_to_back_lessons_at_one_venue_are_allowed(world):
    venue = make_venue(world)
    lesson = make_session(world, venue=venue).lessons.get()
    second = services.create_session(
        course=make_course(world),
        actor=world.caseworker,
        plans=[services.LessonPlan(lesson.ends_at, lesson.ends_at + timedelta(hours=1))],
        venue=venue,
        instructor=None,
        capacity=10,
    )
    assert second.lessons.count() == 1


def test_a_cancelled_session_frees_its_venue(world):
    venue = make_venue(world)
    first = make_session(world, venue=venue)
    services.cancel_session(first, actor=world.caseworker, reason="讲师临时出差")
    lesson = first.lessons.get()
    again = services.create_session(
        course=make_course(world),
        actor=world.caseworker,
        plans=[services.LessonPlan(lesson.starts_at, lesson.ends_at)],
        venue=venue,
        instructor=None,
        capacity=5,
    )
    assert again.status == SessionStatus.SCHEDULED


def test_places_cannot_exceed_the_seats_of_the_venue(world):
    with pytest.raises(DomainError):
        make_session(world, capacity=41, venue=make_venue(world, capacity=40))
    assert Session.objects.count() == 0


def test_a_recurring_series_creates_weekly_lessons(world):
    session = make_session(world, lessons=4)
    starts = list(session.lessons.values_list("starts_at", flat=True))
    assert [(b - a).days for a, b in itertools.pairwise(starts)] == [7, 7, 7]
    assert session.ends_at == session.lessons.last().ends_at


def test_cancelling_a_session_cancels_every_place_and_messages_everyone(world):
    session = make_session(world, capacity=1)
    people = [make_person(world), make_person(world)]
    for person in people:
        services.enroll(session, person)
    assert services.cancel_session(session, actor=world.caseworker, reason="场地维修") == 2
    assert set(Enrollment.objects.values_list("status", flat=True)) == {EnrollmentStatus.CANCELLED}
    assert CitizenMessage.objects.filter(person__in=people).count() == 2
    assert "场地维修" in CitizenMessage.objects.first().body
    with pytest.raises(DomainError):
        services.cancel_session(session, actor=world.caseworker, reason="again")


def test_qr_check_in_completes_a_single_lesson_course_and_issues_a_certificate(world):
    session = make_session(world)
    person = make_person(world)
    services.enroll(session, person)
    lesson = lesson_now(session)
    token = services.check_in_token(lesson)
    assert services.read_check_in_token(token).pk == lesson.pk
    services.check_in(lesson, [person.pk])
    enrollment = Enrollment.objects.get(person=person)
    assert enrollment.completed_at is not None
    assert Certificate.objects.get(enrollment=enrollment).is_valid
    with pytest.raises(DomainError) as again:
        services.check_in(lesson, [person.pk])
    assert again.value.code == "duplicate"
    assert Attendance.objects.count() == 1


def test_a_forged_check_in_token_is_refused(world):
    lesson = lesson_now(make_session(world))
    token = services.check_in_token(lesson)
    with pytest.raises(DomainError) as refused:
        services.read_check_in_token(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert refused.value.code == "forged"


def test_an_expired_check_in_token_is_refused(world):
    lesson = lesson_now(make_session(world))
    token = services.check_in_token(lesson)
    with time_machine.travel(lesson.ends_at + timedelta(minutes=31)):
        with pytest.raises(DomainError) as refused:
            services.read_check_in_token(token)
    assert refused.value.code == "expired"


def test_check_in_is_not_open_an_hour_before_the_lesson(world):
    session = make_session(world)
    lesson = session.lessons.get()
    with time_machine.travel(lesson.starts_at - timedelta(hours=1)):
        with pytest.raises(DomainError) as refused:
            services.read_check_in_token(services.check_in_token(lesson))
    assert refused.value.code == "not_open"


def test_someone_on_the_waitlist_cannot_check_in(world):
    session = make_session(world, capacity=1)
    services.enroll(session, make_person(world))
    waiting = make_person(world)
    services.enroll(session, waiting)
    with pytest.raises(DomainError) as refused:
        services.check_in(lesson_now(session), [waiting.pk])
    assert refused.value.code == "not_enrolled"
    assert Attendance.objects.count() == 0


def test_completion_needs_eighty_percent_of_lessons(world):
    session = make_session(world, lessons=5)
    person = make_person(world)
    enrollment = services.enroll(session, person)
    lessons = list(session.lessons.all())
    for lesson in lessons[:3]:
        services.mark_attendance(lesson, enrollment, present=True, actor=world.caseworker)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is None
    services.mark_attendance(lessons[3], enrollment, present=True, actor=world.caseworker)
    enrollment.refresh_from_db()
    assert enrollment.completed_at is not None
    assert Certificate.objects.filter(enrollment=enrollment).count() == 1


def test_closing_a_session_before_its_end_is_refused(world):
    session = make_session(world)
    with pytest.raises(DomainError):
        services.close_session(session, actor=world.caseworker)
    assert Session.objects.get(pk=session.pk).status == SessionStatus.SCHEDULED


def test_closing_a_session_drops_the_waitlist(world):
    session = make_session(world, capacity=1)
    services.enroll(session, make_person(world))
    waiting = services.enroll(session, make_person(world))
    with time_machine.travel(session.ends_at + timedelta(hours=1)):
        assert services.close_session(session, actor=world.caseworker) == 0
    assert Enrollment.objects.get(pk=waiting.pk).status == EnrollmentStatus.CANCELLED
    assert Session.objects.get(pk=session.pk).status == SessionStatus.CLOSED


def test_revoking_a_certificate_needs_a_reason_and_happens_once(world):
    session = make_session(world)
    person = make_person(world)
    services.enroll(session, person)
    services.check_in(lesson_now(session), [person.pk])
    certificate = Certificate.objects.get()
    with pytest.raises(DomainError):
        services.revoke_certificate(certificate, actor=world.supervisor, reason="")
    assert Certificate.objects.get().revoked_at is None
    services.revoke_certificate(certificate, actor=world.supervisor, reason="冒名顶替")
    assert Certificate.objects.get().revoke_reason == "冒名顶替"
    with pytest.raises(DomainError):
        services.revoke_certificate(certificate, actor=world.supervisor, reason="again")


def test_feedback_needs_attendance(world):
    session = make_session(world, lessons=2)
    person = make_person(world)
    enrollment = services.enroll(session, person)
    with pytest.raises(DomainError):
        services.submit_feedback(enrollment, rating=5)
    services.check_in(lesson_now(session), [person.pk])
    services.submit_feedback(enrollment, rating=4, comment="很实用")
    services.submit_feedback(enrollment, rating=5, comment="改为五星")
    assert Feedback.objects.get(enrollment=enrollment).rating == 5


def test_phone_verification_code_is_single_use_and_limited_to_five_tries(world):
    _verification, code = services.start_phone_verification("138 0000 1234")
    wrong = "000000" if code != "000000" else "111111"
    for _attempt in range(5):
        with pytest.raises(DomainError) as refused:
            services.confirm_phone_verification("13800001234", wrong)
        assert refused.value.code == "wrong"
    with pytest.raises(DomainError) as blocked:
        services.confirm_phone_verification("13800001234", code)
    assert blocked.value.code == "attempts"

    _verification, code = services.start_phone_verification("13800001234")
    assert services.confirm_phone_verification("13800001234", code) == "13800001234"
    with pytest.raises(DomainError) as used:
        services.confirm_phone_verification("13800001234", code)
    assert used.value.code == "expired"


def test_phone_verification_code_expires_after_ten_minutes(world):
    _verification, code = services.start_phone_verification("13800001234")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        with pytest.raises(DomainError) as refused:
            services.confirm_phone_verification("13800001234", code)
    assert refused.value.code == "expired"


def test_a_landline_cannot_receive_a_code(world):
    with pytest.raises(DomainError) as refused:
        services.start_phone_verification("0571-87654321")
    assert refused.value.code == "phone"


def test_course_request_tells_the_provider_and_can_be_scheduled(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        course_request = make_request(world)
    assert Notification.objects.filter(recipient=world.caseworker, url="/training/requests/").count() == 1
    assert Notification.objects.filter(recipient=world.outsider).count() == 0
    services.decide_course_request(course_request, accept=True, actor=world.caseworker)
    start = timezone.now() + timedelta(days=5)
    session = services.create_session(
        course=course_request.course,
        actor=world.caseworker,
        plans=[services.LessonPlan(start, start + timedelta(hours=2))],
        venue=make_venue(world),
        instructor=None,
        capacity=20,
        course_request=course_request,
    )
    course_request.refresh_from_db()
    assert (course_request.status, course_request.session_id) == (RequestStatus.SCHEDULED, session.pk)


def test_declining_a_course_request_needs_a_reason(world):
    course_request = make_request(world)
    with pytest.raises(DomainError):
        services.decide_course_request(course_request, accept=False, actor=world.caseworker, reason="")
    assert CourseRequest.objects.get().status == RequestStatus.PENDING
    services.decide_course_request(course_request, accept=False, actor=world.caseworker, reason="本季度已满")
    with pytest.raises(DomainError):
        services.decide_course_request(course_request, accept=True, actor=world.caseworker)
    assert CourseRequest.objects.get().status == RequestStatus.DECLINED


def test_feed_tokens_cannot_be_forged_or_switched(world):
    token = services.feed_token("person", 7)
    assert services.read_feed_token(token) == ("person", 7)
    with pytest.raises(DomainError):
        services.read_feed_token(token.replace(token[5], "x" if token[5] != "x" else "y", 1))
