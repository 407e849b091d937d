import pytest
from django.utils import timezone

from shuniu.core.models import Notification, Organization, OrganizationKind
from shuniu.core.services import DomainError
from shuniu.meetings import services
from shuniu.meetings.models import HostSkip, Meeting, MeetingStatus, PassRequest
from tests.meetings import factories as f


def _third_member(world):
    return Organization.objects.create(
        code="red-cross",
        name="临江区红十字会",
        short_name="区红十字会",
        kind=OrganizationKind.RED_CROSS,
        region=world.district,
    )


def _hold(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.HELD, held_at=timezone.now())


def test_first_meeting_is_hosted_by_the_first_member_and_the_host_is_told(
    world, coordinator, caseworker, django_capture_on_commit_callbacks
):
    series = f.make_series(world)

    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.plan_next_meeting(actor=coordinator, series=series)

    assert (meeting.number, meeting.host, meeting.rotation_turn) == (1, world.org_a, world.org_a)
    assert list(meeting.host_skips.all()) == []
    assert Notification.objects.filter(recipient=caseworker, title="本单位轮值主办下一次联席会议").count() == 1


def test_member_asking_to_pass_is_skipped_with_its_reason_and_the_request_is_used_up(world, coordinator, caseworker):
    series = f.make_series(world)
    services.request_pass(actor=caseworker, series=series, organization=world.org_a, reason="办公场地搬迁中")

    meeting = services.plan_next_meeting(actor=coordinator, series=series)

    youth = f.second_member(world)
    assert (meeting.host, meeting.rotation_turn) == (youth, world.org_a)
    assert [(s.organization, s.why, s.reason) for s in meeting.host_skips.all()] == [
        (world.org_a, HostSkip.Why.ASKED_TO_PASS, "办公场地搬迁中")
    ]
    assert PassRequest.objects.get().used_for == meeting


def test_member_that_hosted_last_time_is_skipped_when_its_turn_comes(world, coordinator, caseworker):
    red_cross = _third_member(world)
    youth = f.second_member(world)
    series = f.make_series(world, members=[world.org_a, youth, red_cross])
    services.request_pass(actor=caseworker, series=series, organization=world.org_a, reason="办公场地搬迁中")
    first = services.plan_next_meeting(actor=coordinator, series=series)  # women's turn, youth hosts
    _hold(first)

    second = services.plan_next_meeting(actor=coordinator, series=series)  # youth is next, but it hosted last

    assert (first.host, second.rotation_turn, second.host) == (youth, red_cross, red_cross)
    assert [(s.organization, s.why) for s in second.host_skips.all()] == [(youth, HostSkip.Why.HOSTED_LAST)]
    _hold(second)
    third = services.plan_next_meeting(actor=coordinator, series=series)  # back to the normal order, no skip
    assert (third.host, list(third.host_skips.all())) == (world.org_a, [])


def test_rotation_wraps_around_after_the_last_member(world, coordinator):
    series = f.make_series(world)
    hosts = []
    for _ in range(3):
        meeting = services.plan_next_meeting(actor=coordinator, series=series)
        hosts.append(meeting.host.code)
        _hold(meeting)
    assert hosts == ["womens-federation", "youth-league", "womens-federation"]


def test_next_meeting_is_refused_while_the_last_one_is_not_held(world, coordinator):
    series = f.make_series(world)
    services.plan_next_meeting(actor=coordinator, series=series)

    with pytest.raises(DomainError, match="尚未召开"):
        services.plan_next_meeting(actor=coordinator, series=series)
    assert series.meetings.count() == 1


def test_member_organisation_cannot_plan_the_next_meeting(world, caseworker):
    series = f.make_series(world)

    with pytest.raises(DomainError, match="只有负责该联席会议的联席办"):
        services.plan_next_meeting(actor=caseworker, series=series)
    assert series.meetings.count() == 0


def test_asking_to_pass_twice_or_for_another_organisation_is_refused(world, caseworker, outsider):
    series = f.make_series(world)
    services.request_pass(actor=caseworker, series=series, organization=world.org_a, reason="办公场地搬迁中")

    with pytest.raises(DomainError, match="已申请暂缓"):
        services.request_pass(actor=caseworker, series=series, organization=world.org_a, reason="另一个原因")
    with pytest.raises(DomainError, match="只能为本单位"):
        services.request_pass(actor=outsider, series=series, organization=world.org_a, reason="不是我们单位")
    assert PassRequest.objects.count() == 1


def test_when_every_member_is_excluded_no_host_is_chosen(world, coordinator, caseworker):
    series = f.make_series(world)
    first = services.plan_next_meeting(actor=coordinator, series=series)  # women's federation hosts
    _hold(first)
    youth_user = f.make_member_user(world, f.second_member(world))
    services.request_pass(actor=youth_user, series=series, organization=f.second_member(world), reason="换届选举期间")

    with pytest.raises(DomainError, match="没有可主办的单位"):
        services.plan_next_meeting(actor=coordinator, series=series)
    assert series.meetings.count() == 1


def test_agenda_of_the_next_meeting_starts_with_open_items_of_the_last(world, coordinator):
    series = f.make_series(world)
    first = services.plan_next_meeting(actor=coordinator, series=series)
    _hold(first)
    f.make_action_item(world, meeting=first, status="at_risk")
    done = f.make_action_item(world, meeting=first, status="done")
    done.title = "已经办完的事"
    done.save()

    second = services.plan_next_meeting(actor=coordinator, series=series)

    lines = second.agenda.splitlines()
    assert lines[0] == "检查上次会议未办结的督办事项："
    assert len(lines) == 2 and "开展留守儿童关爱联合行动" in lines[1] and "存在风险" in lines[1]


def test_series_update_reorders_and_deactivates_removed_members(world, coordinator):
    red_cross = _third_member(world)
    series = f.make_series(world)

    services.update_series(
        actor=coordinator, series=series, name="联席会议", period="monthly", members=[red_cross, world.org_a]
    )

    assert [m.organization for m in series.active_members()] == [red_cross, world.org_a]
    assert series.members.get(organization=f.second_member(world)).is_active is False
    assert services.compute_next_host(series).host == red_cross


def test_member_organisation_cannot_change_the_series(world, caseworker):
    series = f.make_series(world)
    with pytest.raises(DomainError, match="只有负责该联席会议的联席办"):
        services.update_series(actor=caseworker, series=series, name="改名", period="monthly", members=[world.org_a])
    series.refresh_from_db()
    assert (series.name, series.members.filter(is_active=True).count()) == ("临江区群团联席会议", 2)
