"""Action items through the API: the lead organisation reports progress (on track, at risk, done
with evidence) as on the action item's page; other organisations are refused; nothing changes on a
refusal; integrations hear of reports by webhook."""

import base64
import json
from datetime import timedelta

from django.utils import timezone

from shuniu.api import services as api_services
from shuniu.api.models import IdempotencyKey, TokenKind
from shuniu.core.permissions import Role
from shuniu.meetings.models import ActionItem, Attachment, ProgressReport
from tests.api.helpers import issue_token, token_client
from tests.meetings.factories import make_action_item, second_member
from tests.world import make_user

ITEMS = "/api/v1/meetings/action-items"
PHOTO = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"0" * 64).decode()


def _post(client, url, body, **headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _staff(world, user=None, organization=None, permissions=None):
    _token, raw = issue_token(
        world,
        kind=TokenKind.PERSONAL,
        user=user or world.caseworker,
        organization=organization or world.org_a,
        permissions=permissions,
    )
    return token_client(raw)


def test_lead_organisation_reports_progress_and_the_integration_hears_of_it(
    world, receiver, django_capture_on_commit_callbacks
):
    item = make_action_item(world)
    token, raw = issue_token(world, name="妇联督办系统")
    api_services.add_webhook(world.coordinator, token, url=receiver.url, event_prefixes=["meetings.action_item."])
    system = token_client(raw)

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            system,
            f"{ITEMS}/{item.pk}/progress",
            {"text": "已在三个街道开展关爱活动。", "status": "at_risk"},
            HTTP_IDEMPOTENCY_KEY="p-1",
        )

    assert response.status_code == 201
    report = ProgressReport.objects.get()
    assert response.json() == {
        "id": report.pk,
        "organization": "区妇联",
        "text": "已在三个街道开展关爱活动。",
        "status_after": "at_risk",
        "attachments": [],
        "created_at": response.json()["created_at"],
    }
    assert (report.author, ActionItem.objects.get().status) == (token.user, "at_risk")
    assert [json.loads(request["body"])["data"] for request in receiver.requests] == [
        {
            "action_item_id": item.pk,
            "progress_report_id": report.pk,
            "status": "at_risk",
            "organization_id": world.org_a.pk,
        }
    ]
    detail = system.get(f"{ITEMS}/{item.pk}").json()
    assert (detail["status"], [row["id"] for row in detail["progress"]]) == ("at_risk", [report.pk])


def test_retried_report_with_the_same_key_is_recorded_once(world):
    item = make_action_item(world)
    staff = _staff(world)
    body = {"text": "已完成摸底。", "status": "on_track"}

    first = _post(staff, f"{ITEMS}/{item.pk}/progress", body, HTTP_IDEMPOTENCY_KEY="p-1")
    second = _post(staff, f"{ITEMS}/{item.pk}/progress", body, HTTP_IDEMPOTENCY_KEY="p-1")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert ProgressReport.objects.count() == 1


def test_done_needs_evidence_and_then_takes_no_more_reports(world):
    item = make_action_item(world)
    staff = _staff(world)

    refused = _post(staff, f"{ITEMS}/{item.pk}/progress", {"text": "已办结。", "status": "done"})
    assert refused.status_code == 400
    assert refused.json()["error"]["message"] == "报告办结时请上传佐证材料（文件或照片）。"
    assert (ProgressReport.objects.count(), ActionItem.objects.get().status) == (0, "on_track")

    done = _post(
        staff,
        f"{ITEMS}/{item.pk}/progress",
        {"text": "已办结。", "status": "done", "evidence": [{"name": "现场照片.png", "content_base64": PHOTO}]},
    )
    assert done.status_code == 201
    assert done.json()["attachments"] == ["现场照片.png"]
    item.refresh_from_db()
    assert (item.status, item.completed_at is not None) == ("done", True)
    assert Attachment.objects.get().progress_report.action_item == item

    after = _post(staff, f"{ITEMS}/{item.pk}/progress", {"text": "补充说明。", "status": "on_track"})
    assert after.status_code == 400
    assert after.json()["error"]["message"] == "该事项已办结。"
    assert ProgressReport.objects.count() == 1


def test_past_the_deadline_an_item_stays_overdue_until_done(world):
    item = make_action_item(world, deadline=timezone.localdate() - timedelta(days=1), status="overdue")

    response = _post(_staff(world), f"{ITEMS}/{item.pk}/progress", {"text": "正在推进。", "status": "on_track"})

    assert response.status_code == 201
    assert response.json()["status_after"] == "overdue"


def test_a_co_member_organisation_may_read_but_not_report(world):
    item = make_action_item(world)
    league = make_user("league", second_member(world), Role.CASEWORKER, "团区委 陈")
    staff = _staff(world, league, second_member(world))

    assert staff.get(f"{ITEMS}/{item.pk}").status_code == 200
    response = _post(staff, f"{ITEMS}/{item.pk}/progress", {"text": "协助推进。", "status": "on_track"})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "只有牵头单位（区妇联）可以报告该事项的进展。"
    assert ProgressReport.objects.count() == 0
    assert ActionItem.objects.get().status == "on_track"


def test_reporting_needs_the_submit_permission(world):
    item = make_action_item(world)

    response = _post(
        _staff(world, permissions=["meetings:view"]), f"{ITEMS}/{item.pk}/progress", {"text": "x", "status": "at_risk"}
    )

    assert response.status_code == 403
    assert ProgressReport.objects.count() == 0
    assert IdempotencyKey.objects.count() == 0


def test_another_organisations_action_item_is_not_found(world):
    item = make_action_item(world)
    union = _staff(world, world.outsider, world.org_b)

    read = union.get(f"{ITEMS}/{item.pk}")
    reported = _post(union, f"{ITEMS}/{item.pk}/progress", {"text": "x", "status": "at_risk"})

    assert (read.status_code, reported.status_code) == (404, 404)
    assert ProgressReport.objects.count() == 0


def test_bad_input_gives_the_documented_error_body(world):
    item = make_action_item(world)
    staff = _staff(world)
    url = f"{ITEMS}/{item.pk}/progress"

    bad_status = _post(staff, url, {"text": "x", "status": "overdue"})
    bad_file = _post(
        staff, url, {"text": "x", "status": "done", "evidence": [{"name": "a.pdf", "content_base64": "@@@"}]}
    )
    english = _post(staff, url, {"text": "x"}, HTTP_ACCEPT_LANGUAGE="en")

    assert bad_status.status_code == 422
    assert bad_status.json()["error"]["message"] == "请求无效，请查看详细信息。"
    assert bad_status.json()["error"]["details"][0]["loc"] == ["body", "payload", "status"]
    assert bad_file.status_code == 422
    assert bad_file.json()["error"]["message"] == "佐证材料 a.pdf 不是有效的 base64 编码。"
    assert english.json()["error"]["message"] == "The request is not valid; see the details."
    assert ProgressReport.objects.count() == 0
