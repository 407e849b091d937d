from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from shuniu.core.services import DomainError
from shuniu.rights import services
from shuniu.rights.models import CaseEvent, CaseParticipant, FollowUp, RightsCase, Status
from tests.rights.helpers import make_case


def _in_progress(world):
    case = make_case(world)
    services.accept_case(case, world.caseworker)
    services.start_work(case, world.caseworker)
    return case


def test_full_lifecycle_writes_a_timeline_entry_per_transition(world):
    case = make_case(world)
    services.accept_case(case, world.caseworker)
    services.assign_case(case, world.caseworker, world.colleague)
    services.start_work(case, world.colleague)
    services.resolve_case(
        case, world.colleague, outcome="mediated", money_recovered="12000.50", summary="调解达成协议，当场支付。"
    )
    services.record_follow_up(case, world.colleague, satisfaction=5, method="phone", comment="很满意")
    services.close_case(case, world.colleague)

    case.refresh_from_db()
    assert case.status == Status.CLOSED
    assert case.money_recovered == Decimal("12000.50")
    assert case.assignee == world.colleague
    assert list(CaseEvent.objects.filter(case=case).exclude(to_status="").values_list("from_status", "to_status")) == [
        ("", "received"),
        ("received", "accepted"),
        ("accepted", "assigned"),
        ("assigned", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "followed_up"),
        ("followed_up", "closed"),
    ]
    assert FollowUp.objects.get(case=case).satisfaction == 5


def test_transition_not_in_the_table_is_refused_and_changes_nothing(world):
    case = make_case(world)
    events = CaseEvent.objects.filter(case=case).count()
    with pytest.raises(DomainError) as error:
        services.close_case(case, world.caseworker)
    assert error.value.code == "bad_transition"
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert CaseEvent.objects.filter(case=case).count() == events


def test_stale_copy_loses_the_compare_and_set(world):
    case = make_case(world)
    stale = RightsCase.objects.get(pk=case.pk)
    services.accept_case(case, world.caseworker)
    stale_status = stale.status
    with pytest.raises(DomainError) as error:
        services.decline_case(stale, world.colleague, "不属于本单位职责")
    assert error.value.code == "conflict"
    assert stale_status == Status.RECEIVED
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert case.lead_org == world.org_a


def test_outsider_cannot_act_on_a_case(world):
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        services.accept_case(case, world.outsider)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


@pytest.mark.parametrize("money", ["-1", "abc", "1.234"])
def test_resolve_refuses_bad_money(world, money):
    case = _in_progress(world)
    with pytest.raises(DomainError):
        services.resolve_case(case, world.caseworker, outcome="mediated", money_recovered=money, summary="调解成功")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS
    assert case.money_recovered == Decimal("0")


def test_follow_up_satisfaction_must_be_one_to_five(world):
    case = _in_progress(world)
    services.resolve_case(case, world.caseworker, outcome="legal_aid", money_recovered="0", summary="法律援助完成")
    with pytest.raises(DomainError):
        services.record_follow_up(case, world.caseworker, satisfaction=6, method="phone")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert FollowUp.objects.count() == 0


def test_decline_returns_the_case_to_the_joint_office(world):
    case = make_case(world)
    services.decline_case(case, world.caseworker, "不属于妇联职责范围")
    case.refresh_from_db()
    assert case.status == Status.DECLINED
    assert case.lead_org == world.joint_office
    assert CaseParticipant.objects.get(case=case, organization=world.org_a).role == "former_handler"
    services.reroute_case(case, world.coordinator, world.org_b)
    case.refresh_from_db()
    assert (case.status, case.lead_org) == (Status.RECEIVED, world.org_b)


def test_reopen_needs_supervision_and_restarts_the_deadline(world, supervisor):
    case = _in_progress(world)
    services.resolve_case(case, world.caseworker, outcome="mediated", money_recovered="0", summary="已调解")
    with pytest.raises(PermissionDenied):
        services.reopen_case(case, world.caseworker, "当事人反映未履行")
    services.reopen_case(case, supervisor, "当事人反映未履行")
    case.refresh_from_db()
    assert case.status == Status.REOPENED
    assert case.escalation_level == 0
