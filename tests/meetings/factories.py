"""Builders for meeting records on the test world: a series of org_a (Women's Federation) and the
gov department stand-in as second member, kept by the joint office. org_b (union, the outsider's
organisation) is not a member, so the outsider sees none of it."""

from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from shuniu.core.models import Organization, OrganizationKind
from shuniu.meetings.models import (
    ActionItem,
    Attachment,
    CooperationPoint,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    PlanItem,
    ProgressReport,
    Resolution,
    SeriesMember,
    Submission,
    SubmissionStatus,
)


def second_member(world) -> Organization:
    org, _created = Organization.objects.get_or_create(
        code="youth-league",
        defaults={
            "name": "共青团临江区委员会",
            "short_name": "团区委",
            "kind": OrganizationKind.YOUTH_LEAGUE,
            "region": world.district,
        },
    )
    return org


def make_series(world, members=None) -> MeetingSeries:
    series = MeetingSeries.objects.create(name="临江区群团联席会议", convenor=world.joint_office, period="quarterly")
    for position, org in enumerate(members or [world.org_a, second_member(world)], start=1):
        SeriesMember.objects.create(series=series, organization=org, position=position)
    return series


def make_meeting(world, *, series=None, host=None, status=MeetingStatus.SCHEDULED, days_ahead=10) -> Meeting:
    series = series or make_series(world)
    host = host or world.org_a
    number = series.meetings.count() + 1
    starts = timezone.now() + timedelta(days=days_ahead)
    return Meeting.objects.create(
        series=series,
        number=number,
        host=host,
        rotation_turn=host,
        title=f"第{number}次联席会议",
        status=status,
        starts_at=starts if status != MeetingStatus.PLANNED else None,
        venue="区行政中心302会议室",
        submission_deadline=starts - timedelta(days=3) if status != MeetingStatus.PLANNED else None,
    )


def make_submission(meeting, organization, items=(), status=SubmissionStatus.SUBMITTED) -> Submission:
    submission = Submission.objects.create(
        meeting=meeting,
        organization=organization,
        status=status,
        work_summary="完成了上季度的工作。",
        submitted_at=timezone.now() if status == SubmissionStatus.SUBMITTED else None,
    )
    for title, group, street, month in items:
        PlanItem.objects.create(submission=submission, title=title, target_group=group, street=street, month=month)
    return submission


def make_action_item(world, *, meeting=None, lead=None, deadline=None, status="on_track") -> ActionItem:
    meeting = meeting or make_meeting(world, status=MeetingStatus.HELD, days_ahead=-1)
    resolution = Resolution.objects.create(meeting=meeting, number=meeting.resolutions.count() + 1, text="加强联动")
    return ActionItem.objects.create(
        resolution=resolution,
        meeting=meeting,
        title="开展留守儿童关爱联合行动",
        lead_organization=lead or world.org_a,
        deadline=deadline or (timezone.localdate() + timedelta(days=30)),
        expected_result="覆盖全部街道",
        status=status,
    )


def make_point(world) -> CooperationPoint:
    meeting = make_meeting(world)
    a = make_submission(meeting, world.org_a, [("留守儿童暑期关爱", "children", world.street, date(2026, 7, 1))])
    b = make_submission(
        meeting, second_member(world), [("留守儿童暑期托管", "children", world.street, date(2026, 7, 1))]
    )
    point = CooperationPoint.objects.create(
        meeting=meeting, signature="x", score=0.8, reasons={"shared_words": ["留守"]}
    )
    point.items.set([a.plan_items.first(), b.plan_items.first()])
    return point


def make_attachment(world) -> Attachment:
    meeting = make_meeting(world)
    submission = make_submission(meeting, world.org_a)
    attachment = Attachment(submission=submission, name="总结.txt", size=6)
    attachment.file.save("summary.txt", ContentFile(b"hello\n"), save=True)
    return attachment


def make_progress(world) -> ProgressReport:
    item = make_action_item(world)
    return ProgressReport.objects.create(
        action_item=item, organization=world.org_a, text="进展顺利", status_after="on_track"
    )


def aware(year, month, day, hour=9):
    return timezone.make_aware(datetime(year, month, day, hour, 0))


def make_member_user(world, organization, username="youth_worker"):
    from shuniu.core.permissions import Role
    from tests.world import make_user

    return make_user(username, organization, Role.CASEWORKER, username)
