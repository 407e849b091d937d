"""Aid applications through the API: an outside system registers an application (the person found
or registered, their consent recorded), hears of it by webhook and follows it; a reviewer's token
records the decision at the current step. Refusals change nothing."""

import json

from shuniu.api import services as api_services
from shuniu.api.models import IdempotencyKey, TokenKind
from shuniu.people.models import Consent, Person, Serving
from shuniu.relief.models import Application, ApprovalDecision
from tests.api.helpers import issue_token, token_client
from tests.relief.helpers import make_application, make_programme

APPLICATIONS = "/api/v1/relief/applications"
ADULT = "11010519491231002X"  # born 1949
CHILD = "110105201503010029"  # born 2015


def _body(programme, **changes):
    body = {
        "programme_id": programme.pk,
        "name": "王芳",
        "id_number": ADULT,
        "phone": "138 1234 5678",
        "community": "330999001001",
        "household_size": 3,
        "monthly_income": "2400.00",
        "reason": "丈夫因病去世，独自抚养两个孩子。",
        "consent_processing": True,
        "consent_channel": "phone",
    }
    body.update(changes)
    return body


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _nothing_created():
    assert Application.objects.count() == 0
    assert Person.objects.count() == 0
    assert Consent.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


def test_outside_system_registers_an_application_hears_of_it_and_follows_it(
    world, receiver, django_capture_on_commit_callbacks
):
    programme = make_programme(world)
    token, raw = issue_token(world, name="妇联 12338 平台")
    api_services.add_webhook(world.coordinator, token, url=receiver.url, event_prefixes=["relief.application."])
    system = token_client(raw)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(system, APPLICATIONS, _body(programme), HTTP_IDEMPOTENCY_KEY="app-0001")

    assert response.status_code == 201
    application = Application.objects.get()
    person = Person.objects.get()
    assert (person.name, person.id_number, person.phone, person.community) == (
        "王芳",
        ADULT,
        "13812345678",
        world.community,
    )
    assert set(Serving.objects.filter(person=person).values_list("organization__code", flat=True)) == {
        "womens-federation",
        "womens-federation-s01",
    }
    consent = Consent.objects.get(person=person)
    assert (consent.organization, consent.purpose, consent.channel, consent.recorded_by) == (
        world.org_a,
        "service",
        "phone",
        token.user,
    )
    assert (application.programme, application.branch, application.submitted_by) == (
        programme,
        world.org_a_branch,
        token.user,
    )
    created = response.json()
    assert created == {
        "id": application.pk,
        "code": application.code,
        "programme_id": programme.pk,
        "programme": "春蕾计划",
        "organization": "区妇联",
        "status": "in_review",
        "person_name_masked": "王*",
        "amount": "1000.00",
        "created_at": created["created_at"],
        "status_label": "审核中",
        "updated_at": created["updated_at"],
        "is_eligible": True,
        "current_step": 1,
        "current_step_name": "社区初审",
        "current_step_organization": "东湖街道妇联",
        "decisions": [],
    }
    assert len(receiver.requests) == 1
    payload = json.loads(receiver.requests[0]["body"])
    assert (payload["event"], payload["data"]) == (
        "relief.application.created",
        {"application_id": application.pk, "programme_id": programme.pk},
    )

    followed = system.get(f"{APPLICATIONS}/{application.pk}")
    assert followed.status_code == 200
    assert followed.json() == created
    listed = system.get(f"{APPLICATIONS}?status=in_review").json()
    assert [row["id"] for row in listed["items"]] == [application.pk]
    assert system.get(f"{APPLICATIONS}?status=paid").json()["items"] == []


def test_retried_application_with_the_same_key_registers_once(world):
    programme = make_programme(world)
    _token, raw = issue_token(world)
    system = token_client(raw)

    first = _post(system, APPLICATIONS, _body(programme), HTTP_IDEMPOTENCY_KEY="app-1")
    second = _post(system, APPLICATIONS, _body(programme), HTTP_IDEMPOTENCY_KEY="app-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert (Application.objects.count(), Person.objects.count(), Consent.objects.count()) == (1, 1, 1)
    reused = _post(system, APPLICATIONS, _body(programme, household_size=4), HTTP_IDEMPOTENCY_KEY="app-1")
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert Application.objects.get().household_size == 3


def test_a_second_application_for_the_same_person_is_refused_by_the_service(world):
    programme = make_programme(world)
    _token, raw = issue_token(world)
    system = token_client(raw)
    _post(system, APPLICATIONS, _body(programme), HTTP_IDEMPOTENCY_KEY="app-1")

    again = _post(system, APPLICATIONS, _body(programme), HTTP_IDEMPOTENCY_KEY="app-2")

    assert again.status_code == 400
    assert again.json()["error"] == {
        "code": "duplicate",
        "message": "王芳 本年度已申请过 春蕾计划，不能重复申请。",
        "details": [],
    }
    assert Application.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1


def test_without_consent_nothing_is_registered(world):
    programme = make_programme(world)
    _token, raw = issue_token(world)

    response = _post(token_client(raw), APPLICATIONS, _body(programme, consent_processing=False))

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "consent"
    assert response.json()["error"]["message"] == "只有在当事人同意处理其个人信息后，我们才能受理该申请。"
    _nothing_created()


def test_a_child_under_14_needs_a_guardians_consent(world):
    programme = make_programme(world)
    _token, raw = issue_token(world)
    system = token_client(raw)

    refused = _post(system, APPLICATIONS, _body(programme, name="李小花", id_number=CHILD), HTTP_IDEMPOTENCY_KEY="c1")

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "guardian"
    _nothing_created()

    accepted = _post(
        system,
        APPLICATIONS,
        _body(programme, name="李小花", id_number=CHILD, guardian_name="李强", guardian_relation="父亲"),
        HTTP_IDEMPOTENCY_KEY="c2",
    )
    assert accepted.status_code == 201
    consent = Consent.objects.get()
    assert (consent.guardian_name, consent.guardian_relation) == ("李强", "父亲")


def test_registering_needs_the_apply_permission(world):
    programme = make_programme(world)
    _token, raw = issue_token(world, permissions=["relief:view"])

    response = _post(token_client(raw), APPLICATIONS, _body(programme))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    _nothing_created()


def test_another_organisations_programme_does_not_exist_for_the_token(world):
    programme = make_programme(world)
    _token, raw = issue_token(world, organization=world.org_b)

    response = _post(token_client(raw), APPLICATIONS, _body(programme))

    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "未找到，或您无权查看。", "details": []}
    _nothing_created()


def test_bad_input_gives_the_documented_error_body_in_chinese_and_english(world):
    programme = make_programme(world)
    _token, raw = issue_token(world)
    system = token_client(raw)

    wrong_id = _post(system, APPLICATIONS, _body(programme, id_number="110105194912310021"))
    missing = _post(system, APPLICATIONS, {"programme_id": programme.pk})
    english = _post(system, APPLICATIONS, _body(programme, community="000"), HTTP_ACCEPT_LANGUAGE="en")

    assert wrong_id.status_code == 422
    assert wrong_id.json()["error"]["code"] == "invalid"
    assert "X" in wrong_id.json()["error"]["message"]
    assert missing.status_code == 422
    error = missing.json()["error"]
    assert (error["code"], error["message"]) == ("invalid", "请求无效，请查看详细信息。")
    assert ["body", "payload", "name"] in [detail["loc"] for detail in error["details"]]
    assert english.status_code == 422
    assert english.json()["error"]["message"] == "Unknown community code: 000"
    _nothing_created()


def _reviewer(world, user=None, permissions=None):
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=user or world.caseworker, permissions=permissions)
    return token_client(raw)


def test_reviewer_records_the_decision_at_the_current_step(world):
    application = make_application(world)
    reviewer = _reviewer(world)

    response = _post(
        reviewer, f"{APPLICATIONS}/{application.pk}/decisions", {"step": 1, "decision": "approve", "comment": "属实"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["current_step"], body["current_step_name"]) == ("in_review", 2, "街道审核")
    assert body["decisions"] == [
        {
            "step": 1,
            "step_name": "社区初审",
            "decision": "approve",
            "comment": "属实",
            "organization": "东湖街道妇联",
            "decided_at": body["decisions"][0]["decided_at"],
        }
    ]
    decision = ApprovalDecision.objects.get()
    assert (decision.actor, decision.organization) == (world.caseworker, world.org_a_branch)


def test_a_decision_on_a_step_decided_meanwhile_is_a_conflict(world):
    application = make_application(world)
    reviewer = _reviewer(world)
    _post(reviewer, f"{APPLICATIONS}/{application.pk}/decisions", {"step": 1, "decision": "approve"})

    stale = _post(
        _reviewer(world, world.colleague),
        f"{APPLICATIONS}/{application.pk}/decisions",
        {"step": 1, "decision": "reject", "comment": "收入超标"},
    )

    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "stale"
    application.refresh_from_db()
    assert (application.status, application.current_step) == ("in_review", 2)
    assert ApprovalDecision.objects.count() == 1


def test_returning_without_a_comment_is_refused_and_changes_nothing(world):
    application = make_application(world)

    response = _post(_reviewer(world), f"{APPLICATIONS}/{application.pk}/decisions", {"step": 1, "decision": "return"})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "comment",
        "message": "请在意见中说明理由，申请人可以看到。",
        "details": [],
    }
    application.refresh_from_db()
    assert (application.status, application.current_step) == ("in_review", 1)
    assert ApprovalDecision.objects.count() == 0


def test_the_system_that_registered_an_application_cannot_review_it(world):
    programme = make_programme(world)
    _token, raw = issue_token(world)
    system = token_client(raw)
    created = _post(system, APPLICATIONS, _body(programme)).json()

    response = _post(
        system, f"{APPLICATIONS}/{created['id']}/decisions", {"step": 1, "decision": "approve", "comment": "同意"}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_allowed"
    assert ApprovalDecision.objects.count() == 0


def test_deciding_needs_the_approve_permission(world):
    application = make_application(world)

    response = _post(
        _reviewer(world, permissions=["relief:view"]),
        f"{APPLICATIONS}/{application.pk}/decisions",
        {"step": 1, "decision": "approve", "comment": "同意"},
    )

    assert response.status_code == 403
    application.refresh_from_db()
    assert (application.status, application.current_step) == ("in_review", 1)
    assert ApprovalDecision.objects.count() == 0


def test_another_organisations_application_is_not_found_for_reading_or_deciding(world):
    application = make_application(world)
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.outsider, organization=world.org_b)
    outsider = token_client(raw)

    read = outsider.get(f"{APPLICATIONS}/{application.pk}")
    decided = _post(
        outsider, f"{APPLICATIONS}/{application.pk}/decisions", {"step": 1, "decision": "approve", "comment": "同意"}
    )

    assert (read.status_code, decided.status_code) == (404, 404)
    assert decided.json()["error"]["code"] == "not_found"
    assert ApprovalDecision.objects.count() == 0
