"""Training pages: the citizen's path on the portal and the staff pages."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from shuniu.people.models import Person, PersonTag, Tag
from shuniu.training import services
from shuniu.training.models import (
    Attendance,
    Certificate,
    CourseCategory,
    Enrollment,
    EnrollmentStatus,
    Lesson,
    Session,
)
from tests.training.helpers import lesson_now, make_course, make_instructor, make_person, make_session, make_venue

pytestmark = pytest.mark.django_db


def verified_client(name="王芳", phone="13900002222") -> Client:
    """A browser that went through phone verification on the portal."""
    client = Client()
    response = client.post(reverse("training_public:verify"), {"name": name, "phone": phone})
    assert response.status_code == 302
    shown = " ".join(str(m) for m in get_messages(response.wsgi_request))
    code = re.search(r"(\d{6})", shown).group(1)
    response = client.post(reverse("training_public:verify_code"), {"code": code})
    assert response.status_code == 302
    return client


def test_menu_filters_by_category_and_free_places(world):
    full = make_session(world, capacity=1, course=make_course(world, title="满员的课"))
    services.enroll(full, make_person(world))
    make_session(world, course=make_course(world, title="有空位的课", category=CourseCategory.GENERAL_COMPETENCE))
    client = Client()
    page = client.get(reverse("training_public:menu")).content.decode()
    assert "满员的课" in page and "有空位的课" in page
    page = client.get(reverse("training_public:menu"), {"has_places": "on"}).content.decode()
    assert "满员的课" not in page and "有空位的课" in page
    page = client.get(reverse("training_public:menu"), {"category": "employment"}).content.decode()
    assert "满员的课" in page and "有空位的课" not in page


def test_menu_hides_unpublished_courses(world):
    make_course(world, title="内部课程", is_published=False)
    assert "内部课程" not in Client().get(reverse("training_public:menu")).content.decode()


def test_citizen_enrols_after_phone_verification_and_lands_on_the_waitlist_when_full(world):
    session = make_session(world, capacity=1)
    services.enroll(session, make_person(world, name="先到者"))
    client = verified_client()
    response = client.post(reverse("training_public:enroll", args=[session.pk]))
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(person__name="王芳")
    assert enrollment.status == EnrollmentStatus.WAITLISTED
    assert enrollment.person.phone == "13900002222"
    page = client.get(reverse("training_public:my_courses")).content.decode()
    assert "1" in page and "家政服务技能培训" in page


def test_enrolling_without_verification_asks_for_the_phone_and_creates_nothing(world):
    session = make_session(world)
    response = Client().post(reverse("training_public:enroll", args=[session.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("training_public:verify"))
    assert Enrollment.objects.count() == 0


def test_a_wrong_code_does_not_verify(world):
    client = Client()
    client.post(reverse("training_public:verify"), {"name": "王芳", "phone": "13900002222"})
    response = client.post(reverse("training_public:verify_code"), {"code": "12345a"})
    assert response.status_code == 200
    assert client.session.get("training_citizen") is None


def test_citizen_cannot_cancel_someone_elses_place(world):
    session = make_session(world)
    other = services.enroll(session, make_person(world, name="别人"))
    client = verified_client()
    assert client.post(reverse("training_public:cancel", args=[other.pk])).status_code == 404
    assert Enrollment.objects.get(pk=other.pk).status == EnrollmentStatus.CONFIRMED


def test_check_in_by_qr_link_then_certificate_download_and_public_verification(world):
    session = make_session(world)
    client = verified_client()
    client.post(reverse("training_public:enroll", args=[session.pk]))
    token = services.check_in_token(lesson_now(session))
    assert client.post(reverse("training_public:check_in", args=[token])).status_code == 302
    certificate = Certificate.objects.get()
    pdf = client.get(reverse("training_public:certificate_pdf", args=[certificate.code]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert Client().get(reverse("training_public:certificate_pdf", args=[certificate.code])).status_code == 404
    page = (
        Client().get(reverse("training_public:certificate_verify"), {"code": certificate.code.lower()}).content.decode()
    )
    assert 'data-verification="valid"' in page and "王*" in page and "王芳" not in page


def test_forged_check_in_link_shows_the_refusal(world):
    session = make_session(world)
    client = verified_client()
    client.post(reverse("training_public:enroll", args=[session.pk]))
    lesson_now(session)
    response = client.post(reverse("training_public:check_in", args=["forged-token"]))
    assert response.status_code == 200
    assert "无效" in response.content.decode() or "not valid" in response.content.decode()
    assert Attendance.objects.count() == 0


def test_revoked_certificate_is_reported_on_the_verification_page(world, client_for):
    session = make_session(world)
    person = make_person(world)
    services.enroll(session, person)
    services.check_in(lesson_now(session), [person.pk])
    certificate = Certificate.objects.get()
    response = client_for(world.supervisor).post(
        reverse("training:certificate_revoke", args=[certificate.pk]), {"reason": "冒名顶替"}
    )
    assert response.status_code == 302
    page = Client().get(reverse("training_public:certificate_verify"), {"code": certificate.code}).content.decode()
    assert 'data-verification="revoked"' in page and "冒名顶替" in page


def test_staff_enrols_a_person_by_name_and_phone(world, client_for):
    session = make_session(world)
    response = client_for(world.caseworker).post(
        reverse("training:session_enroll", args=[session.pk]), {"name": "赵敏", "phone": "13700001234"}
    )
    assert response.status_code == 302
    enrollment = Enrollment.objects.get()
    assert (enrollment.person.name, enrollment.channel, enrollment.enrolled_by) == ("赵敏", "staff", world.caseworker)
    assert enrollment.person.servings.filter(organization=world.org_a).exists()


def test_staff_enrolment_with_a_bad_phone_creates_nothing(world, client_for):
    session = make_session(world)
    client_for(world.caseworker).post(
        reverse("training:session_enroll", args=[session.pk]), {"name": "赵敏", "phone": "123"}
    )
    assert Enrollment.objects.count() == 0 and Person.objects.filter(name="赵敏").count() == 0


def test_staff_marks_attendance_and_unmarks_it(world, client_for):
    session = make_session(world, lessons=2)
    enrollment = services.enroll(session, make_person(world))
    lesson = session.lessons.first()
    client = client_for(world.caseworker)
    url = reverse("training:lesson_attendance", args=[lesson.pk])
    client.post(url, {"present": [str(enrollment.pk)]})
    assert Attendance.objects.filter(enrollment=enrollment, method="staff").count() == 1
    client.post(url, {})
    assert Attendance.objects.count() == 0


def test_lesson_page_shows_a_qr_code_as_data_uri(world, client_for):
    lesson = make_session(world).lessons.get()
    page = client_for(world.caseworker).get(reverse("training:lesson_detail", args=[lesson.pk])).content.decode()
    assert 'src="data:image/svg+xml' in page
    assert "/portal/training/check-in/" in page


def test_session_form_refuses_a_double_booking_and_keeps_the_input(world, client_for):
    venue = make_venue(world)
    existing = make_session(world, venue=venue).lessons.get()
    course = make_course(world, title="第二门")
    start = timezone.localtime(existing.starts_at)
    response = client_for(world.caseworker).post(
        reverse("training:session_create", args=[course.pk]),
        {
            "first_start": start.strftime("%Y-%m-%dT%H:%M"),
            "minutes": 60,
            "lesson_count": 1,
            "every_days": 7,
            "venue": venue.pk,
            "capacity": 10,
        },
    )
    assert response.status_code == 200
    assert Session.objects.filter(course=course).count() == 0
    assert response.context["conflicts"][0].pk == existing.pk


def test_staff_schedules_a_weekly_series(world, client_for):
    course = make_course(world)
    start = timezone.localtime(timezone.now() + timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    response = client_for(world.caseworker).post(
        reverse("training:session_create", args=[course.pk]),
        {
            "first_start": start.strftime("%Y-%m-%dT%H:%M"),
            "minutes": 90,
            "lesson_count": 3,
            "every_days": 7,
            "venue": make_venue(world).pk,
            "instructor": make_instructor(world).pk,
            "capacity": 20,
        },
    )
    session = Session.objects.get(course=course)
    assert response["Location"] == reverse("training:session_detail", args=[session.pk])
    assert Lesson.objects.filter(session=session).count() == 3


def test_outsider_cannot_revoke_or_see_the_roster(world, client_for):
    session = make_session(world)
    services.enroll(session, make_person(world, name="保密的人"))
    response = client_for(world.outsider).get(reverse("training:session_detail", args=[session.pk]))
    assert response.status_code == 404


def test_suggestions_offer_employment_courses_to_an_unemployed_person(world, client_for):
    person = make_person(world, name="下岗职工")
    PersonTag.objects.create(person=person, tag=Tag.UNEMPLOYED, organization=world.org_a)
    make_session(world, course=make_course(world, title="创业指导", category=CourseCategory.EMPLOYMENT))
    make_session(world, course=make_course(world, title="插花艺术", category=CourseCategory.GENERAL_COMPETENCE))
    page = client_for(world.caseworker).get(reverse("training:suggestions")).content.decode()
    assert "下岗职工" in page and "创业指导" in page and "插花艺术" not in page
    assert "下岗职工" not in client_for(world.outsider).get(reverse("training:suggestions")).content.decode()


def test_reach_counts_participants_and_attended_hours(world, client_for):
    session = make_session(world)
    people = [make_person(world), make_person(world)]
    for person in people:
        services.enroll(session, person)
    services.check_in(lesson_now(session), [people[0].pk])
    response = client_for(world.caseworker).get(reverse("training:reach"))
    assert response.context["totals"] == {"sessions": 1, "participants": 2, "hours": 1.5}
    outsider = client_for(world.outsider).get(reverse("training:reach"))
    assert outsider.context["totals"] == {"sessions": 0, "participants": 0, "hours": 0}


def test_venue_feed_lists_lessons_without_people_and_person_feed_only_their_own(world):
    venue = make_venue(world)
    mine = make_session(world, venue=venue, course=make_course(world, title="我的课"))
    make_session(world, starts_in=timedelta(days=5), course=make_course(world, title="别人的课"))
    person = make_person(world, name="张三")
    services.enroll(mine, person)
    feed = Client().get(reverse("training_public:calendar_feed", args=[services.feed_token("venue", venue.pk)]))
    calendar = Calendar.from_ical(feed.content)
    assert [str(event["summary"]) for event in calendar.walk("VEVENT")] == ["我的课"]
    assert "张三" not in feed.content.decode()
    personal = Client().get(reverse("training_public:calendar_feed", args=[services.feed_token("person", person.pk)]))
    assert [str(e["summary"]) for e in Calendar.from_ical(personal.content).walk("VEVENT")] == ["我的课"]
    assert Client().get(reverse("training_public:calendar_feed", args=["nope"])).status_code == 404


def test_course_request_form_validates_and_saves(world):
    course = make_course(world)
    url = reverse("training_public:request_course", args=[course.pk])
    bad = Client().post(
        url,
        {
            "requester_kind": "enterprise",
            "requester_name": "临江机械厂",
            "contact_name": "刘",
            "contact_phone": "12",
            "group_size": 2,
        },
    )
    assert bad.status_code == 200 and course.requests.count() == 0
    good = Client().post(
        url,
        {
            "requester_kind": "enterprise",
            "requester_name": "临江机械厂",
            "contact_name": "刘",
            "contact_phone": "13900001111",
            "group_size": 30,
        },
    )
    assert good.status_code == 302
    assert course.requests.get().contact_phone == "13900001111"


def test_promotion_message_is_sent_by_text_once(world, django_capture_on_commit_callbacks, mailoutbox):
    session = make_session(world, capacity=1)
    first = services.enroll(session, make_person(world))
    waiting = make_person(world, phone="13955556666")
    services.enroll(session, waiting)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_enrollment(first)
    assert [m.to for m in mailoutbox] == [["13955556666@sms.shuniu.invalid"]]
    message = waiting.training_messages.get()
    assert message.sent_at is not None
    services.send_text(message.pk)
    assert len(mailoutbox) == 1


def test_staff_edits_own_venue_but_not_another_organisations(world, client_for):
    venue = make_venue(world, capacity=20)
    data = {"name": "新名称书屋", "kind": "reading_room", "address": "x", "capacity": 25, "is_active": "on"}
    assert client_for(world.outsider).post(reverse("training:venue_edit", args=[venue.pk]), data).status_code == 404
    assert client_for(world.caseworker).post(reverse("training:venue_edit", args=[venue.pk]), data).status_code == 302
    venue.refresh_from_db()
    assert (venue.name, venue.capacity) == ("新名称书屋", 25)


def test_menu_needs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    for index in range(6):
        make_session(world, course=make_course(world, title=f"课程{index}"), starts_in=timedelta(days=index + 1))
    with django_assert_max_num_queries(5):
        response = Client().get(reverse("training_public:menu"))
    assert len(response.context["courses"]) == 6


def test_session_page_needs_a_fixed_number_of_queries(world, client_for, django_assert_max_num_queries):
    session = make_session(world, capacity=3, lessons=3)
    for _index in range(5):
        services.enroll(session, make_person(world))
    client = client_for(world.caseworker)
    client.get(reverse("training:session_detail", args=[session.pk]))
    with django_assert_max_num_queries(12):
        client.get(reverse("training:session_detail", args=[session.pk]))
