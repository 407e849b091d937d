import io
import zipfile
from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import Notification
from shuniu.core.services import DomainError
from shuniu.meetings import services
from shuniu.meetings.models import ActionItem, ItemStatus, MeetingStatus, ProgressReport, Resolution
from tests.meetings import factories as f


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def _evidence():
    return SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff fake", content_type="image/jpeg")


def _item_data(world, deadline):
    return {
        "title": "联合开展暑期关爱",
        "lead": world.org_a,
        "co_organizations": [f.second_member(world)],
        "deadline": deadline,
        "expected_result": "覆盖8个街道",
    }


def test_resolution_with_a_past_deadline_is_refused_and_nothing_is_saved(world, caseworker):
    meeting = f.make_meeting(world, status=MeetingStatus.HELD, days_ahead=-1)
    yesterday = timezone.localdate() - timedelta(days=1)

    with pytest.raises(DomainError, match="早于今天"):
        services.add_resolution(
            actor=caseworker, meeting=meeting, text="建立联动机制", items=[_item_data(world, yesterday)]
        )

    assert (Resolution.objects.count(), ActionItem.objects.count()) == (0, 0)


def test_resolution_creates_its_action_items_and_tells_the_lead(world, caseworker, django_capture_on_commit_callbacks):
    meeting = f.make_meeting(world, status=MeetingStatus.HELD, days_ahead=-1)
    deadline = timezone.localdate() + timedelta(days=60)

    with django_capture_on_commit_callbacks(execute=True):
        resolution = services.add_resolution(
            actor=caseworker, meeting=meeting, text="建立联动机制", items=[_item_data(world, deadline)]
        )

    item = resolution.action_items.get()
    assert (item.status, item.deadline, list(item.co_organizations.all())) == (
        ItemStatus.ON_TRACK,
        deadline,
        [f.second_member(world)],
    )
    assert Notification.objects.filter(recipient=world.colleague, title="本单位有新的督办事项").count() == 1


def test_action_item_led_by_a_non_member_is_refused(world, caseworker):
    meeting = f.make_meeting(world, status=MeetingStatus.HELD, days_ahead=-1)
    data = {**_item_data(world, timezone.localdate() + timedelta(days=5)), "lead": world.org_b}
    with pytest.raises(DomainError, match="必须是联席会议成员单位"):
        services.add_resolution(actor=caseworker, meeting=meeting, text="x", items=[data])
    assert Resolution.objects.count() == 0


def test_only_the_lead_organisation_may_report_progress(world, coordinator):
    item = f.make_action_item(world)
    youth_user = f.make_member_user(world, f.second_member(world))

    for user in (youth_user, coordinator):
        with pytest.raises(DomainError, match="只有牵头单位（区妇联）可以报告"):
            services.report_progress(
                actor=user, item=item, text="我们也做了", status=ItemStatus.DONE, files=[_evidence()]
            )

    item.refresh_from_db()
    assert (item.status, ProgressReport.objects.count()) == (ItemStatus.ON_TRACK, 0)


def test_progress_by_another_organisation_through_the_page_shows_the_refusal(world, coordinator, client_for):
    item = f.make_action_item(world)
    client = client_for(coordinator)

    response = client.post(
        reverse("meetings:progress_report", args=[item.pk]), {"text": "x", "status": "done"}, follow=True
    )

    assert "只有牵头单位（区妇联）可以报告该事项的进展。" in response.content.decode()
    assert ProgressReport.objects.count() == 0


def test_reporting_done_needs_evidence(world, caseworker):
    item = f.make_action_item(world)
    with pytest.raises(DomainError, match="请上传佐证材料"):
        services.report_progress(actor=caseworker, item=item, text="完成", status=ItemStatus.DONE)
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_TRACK


def test_lead_reports_at_risk_then_done_with_evidence(
    world, caseworker, coordinator, django_capture_on_commit_callbacks
):
    item = f.make_action_item(world)

    services.report_progress(actor=caseworker, item=item, text="场地未落实", status=ItemStatus.AT_RISK)
    assert ActionItem.objects.get(pk=item.pk).status == ItemStatus.AT_RISK
    with django_capture_on_commit_callbacks(execute=True):
        services.report_progress(
            actor=caseworker, item=item, text="已完成", status=ItemStatus.DONE, files=[_evidence()]
        )

    item.refresh_from_db()
    assert item.status == ItemStatus.DONE and item.completed_at is not None
    assert [r.status_after for r in item.progress_reports.order_by("id")] == ["at_risk", "done"]
    assert item.progress_reports.order_by("id").last().attachments.get().name == "照片.jpg"
    assert Notification.objects.filter(recipient=coordinator, title="督办事项已办结").count() == 1
    with pytest.raises(DomainError, match="已办结"):
        services.report_progress(actor=caseworker, item=item, text="再报", status=ItemStatus.ON_TRACK)


def test_reminder_goes_out_once_in_the_days_before_the_deadline(world, caseworker, django_capture_on_commit_callbacks):
    item = f.make_action_item(world, deadline=date(2026, 12, 31))

    with time_machine.travel(date(2026, 12, 20)):
        assert services.remind_if_due(item.pk) is False
    with time_machine.travel(date(2026, 12, 29)), django_capture_on_commit_callbacks(execute=True):
        assert services.remind_if_due(item.pk) is True
        assert services.remind_if_due(item.pk) is False

    assert Notification.objects.filter(recipient=caseworker, title="督办事项即将到期").count() == 1


def test_overdue_item_is_escalated_to_the_joint_office_once(
    world, caseworker, coordinator, django_capture_on_commit_callbacks
):
    item = f.make_action_item(world, deadline=date(2026, 12, 31), status=ItemStatus.AT_RISK)

    with time_machine.travel(date(2026, 12, 31)):
        assert services.escalate_if_overdue(item.pk) is False
    with time_machine.travel(date(2027, 1, 1)), django_capture_on_commit_callbacks(execute=True):
        assert services.escalate_if_overdue(item.pk) is True
        assert services.escalate_if_overdue(item.pk) is False

    item.refresh_from_db()
    assert item.status == ItemStatus.OVERDUE
    assert Notification.objects.filter(title="督办事项已逾期", recipient__in=[caseworker, coordinator]).count() == 2


def test_done_item_is_never_escalated(world):
    item = f.make_action_item(world, deadline=date(2026, 12, 31), status=ItemStatus.DONE)
    with time_machine.travel(date(2027, 2, 1)):
        assert services.sweep_supervision() == (0, 0)
    assert ActionItem.objects.get(pk=item.pk).status == ItemStatus.DONE


def test_progress_after_the_deadline_keeps_the_item_overdue_until_done(world, caseworker):
    item = f.make_action_item(world, deadline=date(2026, 12, 31), status=ItemStatus.OVERDUE)
    with time_machine.travel(date(2027, 1, 5)):
        services.report_progress(actor=caseworker, item=item, text="正在推进", status=ItemStatus.ON_TRACK)
    assert ActionItem.objects.get(pk=item.pk).status == ItemStatus.OVERDUE


def test_minutes_are_sanitised(world, caseworker):
    meeting = f.make_meeting(world, days_ahead=0)
    services.record_minutes(
        actor=caseworker,
        meeting=meeting,
        minutes='<p onclick="x()">会议<strong>通过</strong></p><script>alert(1)</script><a href="http://x">链接</a>',
        attendance={world.org_a.pk: ("present", "宋佳"), world.org_b.pk: ("present", "非成员")},
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>会议<strong>通过</strong></p>链接"
    assert meeting.status == MeetingStatus.HELD
    assert [(a.organization, a.representatives) for a in meeting.attendance.all()] == [(world.org_a, "宋佳")]


def test_board_groups_items_by_lead_and_writes_the_status(world, coordinator, client_for):
    f.make_action_item(world, status=ItemStatus.OVERDUE)
    f.make_action_item(world, lead=f.second_member(world), status=ItemStatus.AT_RISK)

    html = client_for(coordinator).get(reverse("meetings:board")).content.decode()

    assert html.count("board-item-overdue") == 1 and "已逾期" in html
    assert html.count("board-item-at_risk") == 1 and "存在风险" in html
    assert html.index("区妇联") < html.index("团区委")


def test_board_shows_the_outsider_nothing_of_other_series(world, outsider, client_for):
    f.make_action_item(world, status=ItemStatus.OVERDUE)
    html = client_for(outsider).get(reverse("meetings:board")).content.decode()
    assert "board-item-" not in html and "暂无督办事项" in html


def _docx_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("word/document.xml").decode()


def test_minutes_docx_has_the_official_layout_and_chinese_fonts(world, caseworker, client_for):
    meeting = f.make_meeting(world, status=MeetingStatus.HELD, days_ahead=0)
    meeting.minutes = "<h3>议题一</h3><p>各单位交流了工作。</p>"
    meeting.save()
    services.add_resolution(
        actor=caseworker,
        meeting=meeting,
        text="建立联动机制",
        items=[_item_data(world, timezone.localdate() + timedelta(days=30))],
    )

    response = client_for(caseworker).get(reverse("meetings:minutes_docx", args=[meeting.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    xml = _docx_xml(response.content)
    for text in (
        "临江区群团工作联席会议办公室",
        "第1次联席会议纪要",
        "各单位交流了工作。",
        "建立联动机制",
        "联合开展暑期关爱",
    ):
        assert text in xml
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml


def test_action_item_docx_lists_every_item_in_a_table(world, client_for, caseworker):
    item = f.make_action_item(world)
    xml = _docx_xml(client_for(caseworker).get(reverse("meetings:action_items_docx", args=[item.meeting_id])).content)
    assert "<w:tbl>" in xml and item.title in xml and "按计划推进" in xml


def test_calendar_feed_lists_visible_meetings_only(world, caseworker, outsider, client_for):
    meeting = f.make_meeting(world)
    mine = client_for(caseworker).get(reverse("meetings:calendar_feed"))
    theirs = client_for(outsider).get(reverse("meetings:calendar_feed"))
    assert mine["Content-Type"].startswith("text/calendar")
    assert f"UID:meeting-{meeting.pk}@shuniu" in mine.content.decode()
    assert "BEGIN:VEVENT" not in theirs.content.decode()


def test_new_item_schedules_its_reminder_and_escalation_with_run_after(world, caseworker, settings):
    from django.tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with time_machine.travel(f.aware(2026, 12, 1, 10)):
        services.schedule_supervision(41, date(2026, 12, 31))
    results = sorted(default_task_backend.results, key=lambda r: r.task.run_after)
    assert [(r.task.name, r.args, timezone.localtime(r.task.run_after).isoformat()) for r in results] == [
        ("remind_action_item", [41], "2026-12-28T09:00:00+08:00"),
        ("escalate_action_item", [41], "2027-01-01T00:05:00+08:00"),
    ]


def test_home_card_counts_open_items_led_by_own_organisation(world, caseworker, client_for):
    f.make_action_item(world, status=ItemStatus.AT_RISK)
    f.make_action_item(world, status=ItemStatus.DONE)
    f.make_action_item(world, lead=f.second_member(world))
    html = client_for(caseworker).get(reverse("core:home")).content.decode()
    assert "督办事项" in html
    from django.test import RequestFactory

    from shuniu.meetings.home import cards

    request = RequestFactory().get("/")
    request.user = caseworker
    (card,) = cards(request)
    assert (card.count, card.tone) == (1, "primary")
