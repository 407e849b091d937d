"""Rights cases through the API: an outside hotline system creates a case with an integration token,
hears about its referral by webhook, follows it, and never sees another organisation's cases."""

import hashlib
import hmac
import json

from shuniu.api import services as api_services
from shuniu.api.models import IdempotencyKey, TokenKind
from shuniu.rights import services as rights_services
from shuniu.rights.models import CaseActivity, Referral, RightsCase
from tests.api.helpers import issue_token, token_client
from tests.rights.helpers import category, make_case, route

CASES = "/api/v1/rights/cases"


def _case_body(**changes):
    body = {
        "channel": "hotline_12338",
        "category": "wage_arrears",
        "name": "王芳",
        "phone": "13812345678",
        "community": "330999001001",
        "description": "工厂拖欠三个月工资共一万二千元。",
        "consent_processing": True,
        "amount_claimed": "12000.00",
    }
    body.update(changes)
    return body


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_hotline_creates_a_case_hears_of_its_referral_and_cannot_read_others(
    world, receiver, django_capture_on_commit_callbacks
):
    route(world)  # wage arrears → Women's Federation (org_a)
    token, raw = issue_token(world, name="12338 热线系统")
    _subscription, secret = api_services.add_webhook(
        world.coordinator, token, url=receiver.url, event_prefixes=["rights.referral."]
    )
    hotline = token_client(raw)

    # 1. The hotline system pushes a case.
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(hotline, CASES, _case_body(), HTTP_IDEMPOTENCY_KEY="call-20261127-0001")
    assert response.status_code == 201
    created = response.json()
    case = RightsCase.objects.get(pk=created["id"])
    assert created == {
        "id": case.pk,
        "tracking_code": case.tracking_code,
        "status": "received",
        "lead_organization": "区妇联",
        "visible": True,
    }
    assert (case.channel, case.lead_org, case.created_by) == ("hotline_12338", world.org_a, token.user)

    # 2. A caseworker refers it to the union; the hotline system is told, signed.
    with django_capture_on_commit_callbacks(execute=True):
        referral = rights_services.refer_case(
            case, world.caseworker, to_org=world.org_b, reason="涉及工会会员，转工会办理", consent=True
        )
    assert len(receiver.requests) == 1
    delivered = receiver.requests[0]
    payload = json.loads(delivered["body"])
    assert payload["event"] == "rights.referral.created"
    assert payload["data"]["referral_id"] == referral.pk
    assert payload["data"]["case_id"] == case.pk
    timestamp = delivered["headers"]["X-Shuniu-Timestamp"]
    signature = hmac.new(secret.encode(), f"{timestamp}.".encode() + delivered["body"], hashlib.sha256).hexdigest()
    assert delivered["headers"]["X-Shuniu-Signature"] == f"sha256={signature}"

    # 3. It follows the case and the referral.
    detail = hotline.get(f"{CASES}/{case.pk}").json()
    assert (detail["status"], detail["description"]) == ("received", "工厂拖欠三个月工资共一万二千元。")
    events = hotline.get(f"{CASES}/{case.pk}/events").json()
    assert [event["action"] for event in events] == ["created", "referral_created"]
    assert hotline.get(f"/api/v1/rights/referrals/{referral.pk}").json()["status"] == "pending"

    # 4. Another organisation's case does not exist for it.
    route(world, code="labour_contract", organization=world.org_b)
    other = rights_services.submit_case(
        channel="hotline_12351",
        category=category("labour_contract"),
        name="张伟",
        description="公司未签劳动合同。",
        consent_processing=True,
        actor=world.outsider,
    )
    assert other.lead_org == world.org_b
    response = hotline.get(f"{CASES}/{other.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert hotline.get(f"{CASES}/{other.pk}/events").status_code == 404
    assert other.pk not in [row["id"] for row in hotline.get(CASES).json()["items"]]


def test_retried_create_with_the_same_key_registers_one_case(world):
    route(world)
    _token, raw = issue_token(world)
    hotline = token_client(raw)

    first = _post(hotline, CASES, _case_body(), HTTP_IDEMPOTENCY_KEY="k-1")
    second = _post(hotline, CASES, _case_body(), HTTP_IDEMPOTENCY_KEY="k-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert RightsCase.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1
    reused = _post(hotline, CASES, _case_body(name="李娜"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 409
    assert reused.json()["error"]["code"] == "idempotency_key_reused"
    assert RightsCase.objects.count() == 1


def test_refused_intake_gives_the_service_message_and_saves_nothing(world):
    route(world)
    _token, raw = issue_token(world)

    response = _post(token_client(raw), CASES, _case_body(consent_processing=False), HTTP_IDEMPOTENCY_KEY="k-2")

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "只有在当事人同意处理其个人信息后，我们才能受理该诉求。" or (
        "同意" in response.json()["error"]["message"]
    )
    assert RightsCase.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


def test_unknown_category_or_community_is_a_validation_error(world):
    _token, raw = issue_token(world)
    hotline = token_client(raw)

    assert _post(hotline, CASES, _case_body(category="nope")).status_code == 422
    assert _post(hotline, CASES, _case_body(community="000")).status_code == 422
    assert RightsCase.objects.count() == 0


def test_case_routed_elsewhere_is_created_but_not_readable(world):
    route(world, organization=world.org_b)
    _token, raw = issue_token(world)
    hotline = token_client(raw)

    created = _post(hotline, CASES, _case_body()).json()

    assert created["visible"] is False
    assert created["lead_organization"] == "区总工会"
    assert hotline.get(f"{CASES}/{created['id']}").status_code == 404


def test_intake_needs_the_intake_permission(world):
    route(world)
    _token, raw = issue_token(world, permissions=["rights:case_view"])

    response = _post(token_client(raw), CASES, _case_body())

    assert response.status_code == 403
    assert RightsCase.objects.count() == 0


def test_notes_are_recorded_through_the_service(world):
    case = make_case(world)
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.caseworker)

    response = _post(token_client(raw), f"{CASES}/{case.pk}/notes", {"body": "已电话联系企业负责人。"})

    assert response.status_code == 201
    activity = CaseActivity.objects.get(case=case)
    assert (activity.body, activity.author, activity.organization) == (
        "已电话联系企业负责人。",
        world.caseworker,
        world.org_a,
    )


def test_outsider_cannot_add_notes_to_a_case_it_cannot_see(world):
    case = make_case(world)
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.outsider, organization=world.org_b)

    response = _post(token_client(raw), f"{CASES}/{case.pk}/notes", {"body": "x" * 10})

    assert response.status_code == 404
    assert CaseActivity.objects.count() == 0


def test_receiver_answers_a_referral_through_the_api(world):
    case = make_case(world)
    referral = rights_services.refer_case(case, world.caseworker, to_org=world.org_b, reason="转工会", consent=True)
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.outsider, organization=world.org_b)
    union = token_client(raw)

    received = union.get("/api/v1/rights/referrals?direction=received").json()["items"]
    assert [row["id"] for row in received] == [referral.pk]
    response = _post(union, f"/api/v1/rights/referrals/{referral.pk}/accept", {"note": "接收"})

    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    assert Referral.objects.get(pk=referral.pk).status == "accepted"
    again = _post(union, f"/api/v1/rights/referrals/{referral.pk}/decline", {"note": "不接收"})
    assert again.status_code == 409
    assert Referral.objects.get(pk=referral.pk).status == "accepted"


def test_case_list_pages_with_a_cursor(world):
    cases = [make_case(world, phone=f"1381234567{number}") for number in range(3)]
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.caseworker)
    client = token_client(raw)

    first = client.get(f"{CASES}?limit=2").json()
    second = client.get(f"{CASES}?limit=2&cursor={first['next_cursor']}").json()

    assert [row["id"] for row in first["items"]] == [cases[2].pk, cases[1].pk]
    assert [row["id"] for row in second["items"]] == [cases[0].pk]
    assert second["next_cursor"] is None
    assert client.get(f"{CASES}?cursor=garbage").status_code == 422


def test_referral_is_followed_with_its_history_until_answered(world):
    case = make_case(world)
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.caseworker)
    sender = token_client(raw)
    referred = _post(
        sender,
        f"{CASES}/{case.pk}/referrals",
        {"to_organization": "union", "reason": "涉及工会会员，转工会办理", "consent": True},
    )
    assert referred.status_code == 201
    referral_id = referred.json()["id"]
    pending = sender.get(f"/api/v1/rights/referrals/{referral_id}").json()
    assert [(step["status"], step["organization"], step["note"]) for step in pending["history"]] == [
        ("pending", "区妇联", "涉及工会会员，转工会办理")
    ]

    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.outsider, organization=world.org_b)
    _post(token_client(raw), f"/api/v1/rights/referrals/{referral_id}/decline", {"note": "不属于工会职责"})

    answered = sender.get(f"/api/v1/rights/referrals/{referral_id}").json()
    assert (answered["status"], answered["response_note"]) == ("declined", "不属于工会职责")
    assert [(step["status"], step["organization"], step["note"]) for step in answered["history"]] == [
        ("pending", "区妇联", "涉及工会会员，转工会办理"),
        ("declined", "区总工会", "不属于工会职责"),
    ]


def test_retried_referral_and_note_with_the_same_key_are_recorded_once(world):
    case = make_case(world)
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.caseworker)
    client = token_client(raw)
    referral = {"to_organization": "union", "reason": "转工会办理", "consent": True}

    first = _post(client, f"{CASES}/{case.pk}/referrals", referral, HTTP_IDEMPOTENCY_KEY="r-1")
    second = _post(client, f"{CASES}/{case.pk}/referrals", referral, HTTP_IDEMPOTENCY_KEY="r-1")
    note_first = _post(client, f"{CASES}/{case.pk}/notes", {"body": "已联系企业。"}, HTTP_IDEMPOTENCY_KEY="n-1")
    note_second = _post(client, f"{CASES}/{case.pk}/notes", {"body": "已联系企业。"}, HTTP_IDEMPOTENCY_KEY="n-1")

    assert (first.status_code, second.status_code, note_first.status_code, note_second.status_code) == (
        201,
        201,
        201,
        201,
    )
    assert (first.json(), note_first.json()) == (second.json(), note_second.json())
    assert (Referral.objects.count(), CaseActivity.objects.count()) == (1, 1)
