from datetime import date, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from shuniu.core.models import Notification
from shuniu.core.services import DomainError
from shuniu.meetings import services
from shuniu.meetings.models import Meeting, MeetingStatus, PlanItem, Submission, SubmissionStatus
from tests.meetings import factories as f

ITEMS = [
    {"title": "留守儿童暑期关爱行动", "target_group": "children", "street": None, "month": date(2026, 7, 1)},
    {"title": "女性创业技能培训", "target_group": "women", "street": None, "month": date(2026, 8, 1)},
]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }


def _save(user, meeting, org, submit=True, items=ITEMS, **extra):
    return services.save_submission(
        actor=user,
        meeting=meeting,
        organization=org,
        work_summary=extra.get("work_summary", "上季度开展活动12场。"),
        lessons="",
        cooperation_proposals="",
        plan_items=items,
        files=extra.get("files", ()),
        submit=submit,
    )


def test_scheduling_invites_every_member(world, caseworker, django_capture_on_commit_callbacks):
    meeting = f.make_meeting(world, status=MeetingStatus.PLANNED)
    youth_user = f.make_member_user(world, f.second_member(world))
    starts = timezone.now() + timedelta(days=14)

    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_meeting(
            actor=caseworker,
            meeting=meeting,
            title="第一次联席会议",
            starts_at=starts,
            venue="区行政中心",
            agenda="交流工作",
            submission_deadline=starts - timedelta(days=3),
        )

    meeting.refresh_from_db()
    assert (meeting.status, meeting.venue) == (MeetingStatus.SCHEDULED, "区行政中心")
    assert Notification.objects.filter(title="联席会议通知", recipient__in=[caseworker, youth_user]).count() == 2
    assert Notification.objects.filter(title="联席会议通知", recipient=world.outsider).count() == 0


@pytest.mark.parametrize(
    ("start_days", "deadline_days", "message"),
    [(-1, -2, "会议时间必须晚于当前时间"), (10, 11, "必须早于会议开始时间"), (10, -1, "截止时间必须晚于当前时间")],
)
def test_scheduling_refuses_impossible_dates(world, caseworker, start_days, deadline_days, message):
    meeting = f.make_meeting(world, status=MeetingStatus.PLANNED)
    now = timezone.now()

    with pytest.raises(DomainError, match=message):
        services.schedule_meeting(
            actor=caseworker,
            meeting=meeting,
            title="x",
            starts_at=now + timedelta(days=start_days),
            venue="v",
            agenda="a",
            submission_deadline=now + timedelta(days=deadline_days),
        )
    meeting.refresh_from_db()
    assert (meeting.status, meeting.starts_at) == (MeetingStatus.PLANNED, None)


def test_another_organisation_cannot_schedule_the_hosts_meeting(world):
    meeting = f.make_meeting(world, status=MeetingStatus.PLANNED)
    youth_user = f.make_member_user(world, f.second_member(world))
    with pytest.raises(DomainError, match="只有主办单位"):
        services.schedule_meeting(
            actor=youth_user,
            meeting=meeting,
            title="x",
            starts_at=timezone.now() + timedelta(days=5),
            venue="v",
            agenda="a",
            submission_deadline=timezone.now() + timedelta(days=2),
        )
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.PLANNED


def test_member_hands_in_a_submission_with_plan_items_and_an_attachment(world, caseworker):
    meeting = f.make_meeting(world)
    upload = SimpleUploadedFile("总结.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    submission = _save(caseworker, meeting, world.org_a, files=[upload])

    assert submission.status == SubmissionStatus.SUBMITTED
    assert sorted(submission.plan_items.values_list("title", flat=True)) == ["女性创业技能培训", "留守儿童暑期关爱行动"]
    assert [(a.name, a.size) for a in submission.attachments.all()] == [("总结.pdf", 13)]


def test_handing_in_without_plan_items_is_refused_and_nothing_is_saved(world, caseworker):
    meeting = f.make_meeting(world)
    with pytest.raises(DomainError, match="至少填写一项"):
        _save(caseworker, meeting, world.org_a, items=[])
    assert Submission.objects.count() == 0


def test_editing_after_the_deadline_is_refused_and_the_submission_stays_as_it_was(world, caseworker):
    meeting = f.make_meeting(world)
    _save(caseworker, meeting, world.org_a)

    with time_machine.travel(meeting.submission_deadline + timedelta(minutes=1)):
        with pytest.raises(DomainError, match=r"已于 .* 截止报送，不能再修改"):
            _save(caseworker, meeting, world.org_a, items=[{**ITEMS[0], "title": "改过的"}], work_summary="改过")

    submission = Submission.objects.get()
    assert submission.work_summary == "上季度开展活动12场。"
    assert sorted(PlanItem.objects.values_list("title", flat=True)) == ["女性创业技能培训", "留守儿童暑期关爱行动"]


def test_locked_submission_page_says_so_and_the_post_changes_nothing(world, caseworker, client_for):
    meeting = f.make_meeting(world)
    _save(caseworker, meeting, world.org_a)
    # The deadline passes (moved rather than travelling days ahead, which would end the session).
    Meeting.objects.filter(pk=meeting.pk).update(submission_deadline=timezone.now() - timedelta(minutes=1))
    client = client_for(caseworker)
    url = reverse("meetings:submission_edit", args=[meeting.pk])

    page = client.get(url)
    response = client.post(
        url, {"work_summary": "改过", "plan-TOTAL_FORMS": "0", "plan-INITIAL_FORMS": "0", "submit": "1"}
    )

    assert "不能再修改" in page.content.decode()
    assert response.status_code == 200 and "不能再修改" in response.content.decode()
    assert Submission.objects.get().work_summary == "上季度开展活动12场。"


def test_outsider_cannot_write_a_members_submission(world, outsider):
    meeting = f.make_meeting(world)
    with pytest.raises(DomainError, match="只能填报本单位的材料"):
        _save(outsider, meeting, world.org_a)
    assert Submission.objects.count() == 0


def test_disallowed_file_kind_is_refused(world, caseworker):
    meeting = f.make_meeting(world)
    bad = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(DomainError, match="不支持此类文件"):
        _save(caseworker, meeting, world.org_a, files=[bad])
    assert Submission.objects.count() == 0


def test_host_reminds_only_members_that_have_not_handed_in(world, caseworker, django_capture_on_commit_callbacks):
    meeting = f.make_meeting(world)
    youth_user = f.make_member_user(world, f.second_member(world))
    _save(caseworker, meeting, world.org_a)

    with django_capture_on_commit_callbacks(execute=True):
        reminded = services.remind_missing(actor=caseworker, meeting=meeting)

    assert reminded == [f.second_member(world)]
    titles = Notification.objects.filter(title="催报：请报送联席会议材料")
    assert [n.recipient for n in titles] == [youth_user]


def test_submission_form_saves_plan_rows_and_ignores_empty_ones(world, caseworker, client_for):
    meeting = f.make_meeting(world)
    client = client_for(caseworker)
    data = {
        "work_summary": "总结",
        "lessons": "",
        "cooperation_proposals": "",
        "plan-TOTAL_FORMS": "2",
        "plan-INITIAL_FORMS": "0",
        "plan-0-title": "家庭教育讲座",
        "plan-0-target_group": "families",
        "plan-0-street": str(world.street.pk),
        "plan-0-month": "2026-09",
        "plan-1-title": "",
        "plan-1-target_group": "",
        "plan-1-month": "",
        "submit": "1",
    }

    response = client.post(reverse("meetings:submission_edit", args=[meeting.pk]), data)

    assert response.status_code == 302
    item = PlanItem.objects.get()
    assert (item.title, item.target_group, item.street, item.month) == (
        "家庭教育讲座",
        "families",
        world.street,
        date(2026, 9, 1),
    )


def test_plan_row_without_month_shows_a_clear_error(world, caseworker, client_for):
    meeting = f.make_meeting(world)
    data = {
        "work_summary": "总结",
        "plan-TOTAL_FORMS": "1",
        "plan-INITIAL_FORMS": "0",
        "plan-0-title": "家庭教育讲座",
        "plan-0-target_group": "families",
        "plan-0-month": "",
        "submit": "1",
    }
    response = client_for(caseworker).post(reverse("meetings:submission_edit", args=[meeting.pk]), data)
    assert response.status_code == 200
    assert "请选择月份。" in response.content.decode()
    assert Submission.objects.count() == 0


def test_attachment_is_removed_before_the_deadline_but_not_after(
    world, caseworker, tmp_path, django_capture_on_commit_callbacks
):
    meeting = f.make_meeting(world)
    upload = SimpleUploadedFile("总结.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    submission = _save(caseworker, meeting, world.org_a, files=[upload])
    first = submission.attachments.get()
    stored = tmp_path / first.file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.remove_attachment(actor=caseworker, attachment=first)
    assert (submission.attachments.count(), stored.exists()) == (0, False)

    second = _save(caseworker, meeting, world.org_a, files=[upload]).attachments.get()
    Meeting.objects.filter(pk=meeting.pk).update(submission_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="不能再修改"):
        services.remove_attachment(actor=caseworker, attachment=second)
    assert submission.attachments.count() == 1
