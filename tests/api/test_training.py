"""Training through the API: a session's seats left, enrolling people (waitlist when full, as on
the staff page), cancelling a place (the first waiting person moves up), the session's enrolments;
scoped to the organisation running the course; refusals change nothing."""

import json
from datetime import timedelta

import time_machine

from shuniu.api import services as api_services
from shuniu.api.models import IdempotencyKey, TokenKind
from shuniu.people.models import Person
from shuniu.training import services
from shuniu.training.models import Enrollment
from tests.api.helpers import issue_token, token_client
from tests.training.helpers import make_person, make_session

SESSIONS = "/api/v1/training/sessions"


def _post(client, url, body=None, **headers):
    return client.post(url, json.dumps(body) if body is not None else "", content_type="application/json", **headers)


def _staff(world, user=None, organization=None, permissions=None):
    _token, raw = issue_token(
        world,
        kind=TokenKind.PERSONAL,
        user=user or world.caseworker,
        organization=organization or world.org_a,
        permissions=permissions,
    )
    return token_client(raw)


def test_session_detail_shows_seats_left_and_the_lessons(world):
    session = make_session(world, capacity=2, lessons=2)
    services.enroll(session, make_person(world), actor=world.caseworker)

    response = _staff(world).get(f"{SESSIONS}/{session.pk}")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("id", "course", "capacity", "confirmed", "seats_left", "waitlisted")} == {
        "id": session.pk,
        "course": "家政服务技能培训",
        "capacity": 2,
        "confirmed": 1,
        "seats_left": 1,
        "waitlisted": 0,
    }
    assert (body["organization"], body["status"], body["is_open"]) == ("区妇联", "scheduled", True)
    assert len(body["lessons"]) == 2
    assert body["lessons"][0]["venue"].startswith("妇女儿童活动中心")


def test_enrol_confirms_until_full_then_waitlists_and_webhook_tells_the_integration(
    world, receiver, django_capture_on_commit_callbacks
):
    session = make_session(world, capacity=1)
    token, raw = issue_token(world, name="妇联培训报名系统")
    api_services.add_webhook(world.coordinator, token, url=receiver.url, event_prefixes=["training."])
    system = token_client(raw)

    with django_capture_on_commit_callbacks(execute=True):
        first = _post(system, f"{SESSIONS}/{session.pk}/enrollments", {"name": "李娜", "phone": "13900002222"})
        second = _post(system, f"{SESSIONS}/{session.pk}/enrollments", {"name": "王芳", "phone": "13900003333"})

    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.json()["status"], first.json()["waitlist_position"]) == ("confirmed", None)
    assert (second.json()["status"], second.json()["waitlist_position"]) == ("waitlisted", 1)
    assert second.json()["person_name_masked"] == "王*"
    enrollments = list(Enrollment.objects.order_by("pk"))
    assert [(e.person.name, e.status, e.channel, e.enrolled_by) for e in enrollments] == [
        ("李娜", "confirmed", "staff", token.user),
        ("王芳", "waitlisted", "staff", token.user),
    ]
    assert [json.loads(request["body"])["data"] for request in receiver.requests] == [
        {
            "enrollment_id": enrollments[0].pk,
            "session_id": session.pk,
            "status": "confirmed",
            "organization_id": world.org_a.pk,
        },
        {
            "enrollment_id": enrollments[1].pk,
            "session_id": session.pk,
            "status": "waitlisted",
            "organization_id": world.org_a.pk,
        },
    ]
    detail = system.get(f"{SESSIONS}/{session.pk}").json()
    assert (detail["seats_left"], detail["waitlisted"]) == (0, 1)


def test_enrol_a_person_the_organisation_serves_by_id(world):
    session = make_session(world)
    person = make_person(world, name="张敏")

    response = _post(_staff(world), f"{SESSIONS}/{session.pk}/enrollments", {"person_id": person.pk})

    assert response.status_code == 201
    assert Enrollment.objects.get().person == person


def test_retried_enrolment_with_the_same_key_enrols_once(world):
    session = make_session(world)
    staff = _staff(world)
    url = f"{SESSIONS}/{session.pk}/enrollments"

    first = _post(staff, url, {"name": "李娜", "phone": "13900002222"}, HTTP_IDEMPOTENCY_KEY="e-1")
    second = _post(staff, url, {"name": "李娜", "phone": "13900002222"}, HTTP_IDEMPOTENCY_KEY="e-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Enrollment.objects.count() == 1
    without_key = _post(staff, url, {"name": "李娜", "phone": "13900002222"})
    assert without_key.status_code == 400
    assert without_key.json()["error"] == {"code": "duplicate", "message": "您已报名本班次。", "details": []}
    assert Enrollment.objects.count() == 1


def test_enrolment_after_closing_time_is_refused_and_creates_nothing(world):
    session = make_session(world, starts_in=timedelta(days=3))

    with time_machine.travel(session.enrollment_closes_at + timedelta(minutes=1)):
        response = _post(
            _staff(world), f"{SESSIONS}/{session.pk}/enrollments", {"name": "李娜", "phone": "13900002222"}
        )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "closed"
    assert Enrollment.objects.count() == 0
    assert not Person.objects.filter(name="李娜").exists()


def test_enrolling_needs_the_manage_permission(world):
    session = make_session(world)

    response = _post(
        _staff(world, permissions=["training:view"]),
        f"{SESSIONS}/{session.pk}/enrollments",
        {"name": "李娜", "phone": "13900002222"},
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert Enrollment.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


def test_another_organisations_session_is_not_found(world):
    session = make_session(world)
    union = _staff(world, world.outsider, world.org_b)

    read = union.get(f"{SESSIONS}/{session.pk}")
    listed = union.get(f"{SESSIONS}/{session.pk}/enrollments")
    enrolled = _post(union, f"{SESSIONS}/{session.pk}/enrollments", {"name": "李娜", "phone": "13900002222"})

    assert (read.status_code, listed.status_code, enrolled.status_code) == (404, 404, 404)
    assert enrolled.json()["error"]["code"] == "not_found"
    assert Enrollment.objects.count() == 0


def test_bad_input_gives_the_documented_error_body(world):
    session = make_session(world)
    staff = _staff(world)
    url = f"{SESSIONS}/{session.pk}/enrollments"

    nobody = _post(staff, url, {})
    bad_phone = _post(staff, url, {"name": "李娜", "phone": "12345"})
    english = _post(staff, url, {}, HTTP_ACCEPT_LANGUAGE="en")

    assert (nobody.status_code, bad_phone.status_code) == (422, 422)
    assert nobody.json()["error"] == {
        "code": "invalid",
        "message": "请提供人员编号，或其姓名和手机号码。",
        "details": [],
    }
    assert bad_phone.json()["error"]["code"] == "invalid"
    assert english.json()["error"]["message"] == "Give the person's id, or their name and mobile number."
    assert Enrollment.objects.count() == 0


def test_cancelling_a_place_promotes_the_first_waiting_person(world):
    session = make_session(world, capacity=1)
    first = services.enroll(session, make_person(world, name="李娜"), actor=world.caseworker)
    waiting = services.enroll(session, make_person(world, name="王芳"), actor=world.caseworker)
    staff = _staff(world)

    response = _post(staff, f"/api/v1/training/enrollments/{first.pk}/cancel")

    assert response.status_code == 200
    body = response.json()
    assert (body["enrollment"]["id"], body["enrollment"]["status"]) == (first.pk, "cancelled")
    assert (body["promoted"]["id"], body["promoted"]["status"]) == (waiting.pk, "confirmed")
    again = _post(staff, f"/api/v1/training/enrollments/{first.pk}/cancel")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"
    listed = staff.get(f"{SESSIONS}/{session.pk}/enrollments").json()
    assert [(row["id"], row["status"]) for row in listed["items"]] == [
        (waiting.pk, "confirmed"),
        (first.pk, "cancelled"),
    ]
    assert staff.get(f"{SESSIONS}/{session.pk}/enrollments?status=cancelled").json()["items"][0]["id"] == first.pk


def test_cancelling_needs_the_manage_permission_and_the_organisation(world):
    session = make_session(world)
    enrollment = services.enroll(session, make_person(world), actor=world.caseworker)

    viewer = _post(_staff(world, permissions=["training:view"]), f"/api/v1/training/enrollments/{enrollment.pk}/cancel")
    union = _post(_staff(world, world.outsider, world.org_b), f"/api/v1/training/enrollments/{enrollment.pk}/cancel")

    assert (viewer.status_code, union.status_code) == (403, 404)
    enrollment.refresh_from_db()
    assert enrollment.status == "confirmed"


def test_enrolment_list_shows_waitlist_positions_in_order(world):
    session = make_session(world, capacity=1)
    people = [make_person(world, name=name) for name in ("李娜", "王芳", "张敏")]
    enrollments = [services.enroll(session, person, actor=world.caseworker) for person in people]

    rows = _staff(world).get(f"{SESSIONS}/{session.pk}/enrollments?status=waitlisted").json()["items"]

    assert [(row["id"], row["waitlist_position"]) for row in rows] == [
        (enrollments[2].pk, 2),
        (enrollments[1].pk, 1),
    ]
