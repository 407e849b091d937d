from datetime import date

import pytest

from shuniu.core.services import DomainError
from shuniu.meetings import services
from shuniu.meetings.cooperation import Candidate, find_points, tokens
from shuniu.meetings.models import CooperationProject, PointStatus
from tests.meetings import factories as f


def _candidate(pk, org, title, group="children", street=1, month=2026 * 12 + 7):
    return Candidate(id=pk, organization_id=org, title=title, target_group=group, street_id=street, month_index=month)


def test_tokens_drop_stop_words_and_single_characters():
    assert tokens("在东湖街道开展留守儿童关爱活动") == {"东湖", "留守", "儿童", "关爱"}


def test_similar_items_of_different_organisations_form_a_point_with_reasons():
    groups = find_points(
        [
            _candidate(1, 10, "留守儿童暑期关爱活动"),
            _candidate(2, 20, "留守儿童暑期托管服务"),
            _candidate(3, 30, "职工技能大赛", "workers"),
        ]
    )
    assert len(groups) == 1
    assert groups[0].signature == "1-2"
    reasons = groups[0].reasons()
    assert reasons["shared_words"] == ["儿童", "暑期", "留守"]
    assert (reasons["same_group"], reasons["same_street"], reasons["month_gap"]) == (True, True, 0)


def test_shown_words_leave_out_parts_of_longer_words():
    groups = find_points([_candidate(1, 10, "青年志愿者服务进社区"), _candidate(2, 20, "巾帼志愿者服务进社区")])
    assert groups[0].reasons()["shared_words"] == ["志愿者", "进社区"]


def test_items_of_the_same_organisation_never_pair():
    assert find_points([_candidate(1, 10, "留守儿童暑期关爱"), _candidate(2, 10, "留守儿童暑期关爱")]) == []


def test_unrelated_text_does_not_pair_even_with_same_group_street_and_month():
    assert find_points([_candidate(1, 10, "科普知识进社区"), _candidate(2, 20, "应急救护培训")]) == []


def test_three_organisations_with_overlapping_plans_form_one_group():
    groups = find_points(
        [
            _candidate(1, 10, "留守儿童心理健康关爱"),
            _candidate(2, 20, "留守儿童心理辅导"),
            _candidate(3, 30, "留守儿童心理健康讲座"),
        ]
    )
    assert [g.signature for g in groups] == ["1-2-3"]


def _submitted_pair(world):
    meeting = f.make_meeting(world)
    f.make_submission(meeting, world.org_a, [("留守儿童暑期关爱活动", "children", world.street, date(2026, 7, 1))])
    f.make_submission(
        meeting, f.second_member(world), [("留守儿童暑期托管服务", "children", world.street, date(2026, 8, 1))]
    )
    return meeting


def test_refresh_proposes_once_and_keeps_decisions(world, caseworker):
    meeting = _submitted_pair(world)

    assert services.refresh_cooperation_points(meeting) == 1
    point = meeting.cooperation_points.get()
    services.decide_point(actor=caseworker, point=point, accept=False, note="各自开展即可")

    assert services.refresh_cooperation_points(meeting) == 0
    point.refresh_from_db()
    assert (point.status, point.decision_note) == (PointStatus.DISMISSED, "各自开展即可")


def test_point_is_decided_once_and_only_by_the_host(world, caseworker):
    meeting = _submitted_pair(world)
    services.refresh_cooperation_points(meeting)
    point = meeting.cooperation_points.get()
    youth_user = f.make_member_user(world, f.second_member(world))

    with pytest.raises(DomainError, match="只有主办单位"):
        services.decide_point(actor=youth_user, point=point, accept=True)
    services.decide_point(actor=caseworker, point=point, accept=True)
    with pytest.raises(DomainError, match="已经研究决定"):
        services.decide_point(actor=caseworker, point=point, accept=False)
    point.refresh_from_db()
    assert point.status == PointStatus.ACCEPTED


def test_accepted_point_becomes_one_project(world, caseworker):
    meeting = _submitted_pair(world)
    services.refresh_cooperation_points(meeting)
    point = meeting.cooperation_points.get()
    youth = f.second_member(world)

    with pytest.raises(DomainError, match="只有已采纳的合作点"):
        services.create_project(
            actor=caseworker, point=point, title="t", description="", lead=world.org_a, partners=[youth]
        )
    services.decide_point(actor=caseworker, point=point, accept=True)
    project = services.create_project(
        actor=caseworker, point=point, title="留守儿童暑期联合关爱", description="", lead=world.org_a, partners=[youth]
    )
    with pytest.raises(DomainError, match="已转为合作项目"):
        services.create_project(
            actor=caseworker, point=point, title="again", description="", lead=world.org_a, partners=[youth]
        )

    assert (project.lead_organization, list(project.partners.all())) == (world.org_a, [youth])
    assert CooperationProject.objects.count() == 1


def test_project_with_a_non_member_partner_is_refused(world, caseworker):
    meeting = _submitted_pair(world)
    services.refresh_cooperation_points(meeting)
    point = meeting.cooperation_points.get()
    services.decide_point(actor=caseworker, point=point, accept=True)
    with pytest.raises(DomainError, match="必须是联席会议成员单位"):
        services.create_project(
            actor=caseworker, point=point, title="t", description="", lead=world.org_a, partners=[world.org_b]
        )
    assert CooperationProject.objects.count() == 0
