from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from shuniu.core.models import Notification
from shuniu.core.permissions import Role
from shuniu.rights import services
from shuniu.rights.models import CaseEvent
from tests.rights.helpers import make_case

TZ = ZoneInfo("Asia/Shanghai")


def test_overdue_case_escalates_to_supervisor_then_coordinator(world, supervisor, coordinator):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False):  # Monday
        case = make_case(world)  # first response due Tue 3 Mar 23:59:59
    assert case.escalation_level == 0

    with time_machine.travel(datetime(2026, 3, 3, 18, 0, tzinfo=TZ), tick=False):  # not yet due
        assert services.escalate_overdue() == 0
    assert Notification.objects.filter(recipient=supervisor).count() == 0

    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=TZ), tick=False):  # Wed: overdue
        assert services.escalate_overdue() == 1
        assert services.escalate_overdue() == 0  # idempotent
    case.refresh_from_db()
    assert case.escalation_level == 1
    assert list(Notification.objects.filter(recipient=supervisor).values_list("level", flat=True)) == ["warning"]
    assert Notification.objects.filter(recipient=coordinator).count() == 0

    with time_machine.travel(datetime(2026, 3, 5, 23, 0, tzinfo=TZ), tick=False):  # Thu: within 2 working days
        assert services.escalate_overdue() == 0
    with time_machine.travel(datetime(2026, 3, 6, 9, 0, tzinfo=TZ), tick=False):  # Fri: past 2 working days
        assert services.escalate_overdue() == 1
    case.refresh_from_db()
    assert case.escalation_level == 2
    assert Notification.objects.filter(recipient=coordinator).count() == 1
    assert Notification.objects.filter(recipient=supervisor).count() == 1
    assert CaseEvent.objects.filter(case=case, action="escalated").count() == 2


def test_accepted_case_is_not_escalated_before_resolution_deadline(world, supervisor):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False):
        case = make_case(world)
        services.accept_case(case, world.caseworker)
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=TZ), tick=False):
        assert services.escalate_overdue() == 0
    with time_machine.travel(datetime(2026, 3, 24, 9, 0, tzinfo=TZ), tick=False):  # resolution due Mon 23 Mar
        assert services.escalate_overdue() == 1
    assert Notification.objects.filter(recipient=supervisor, title__contains=case.tracking_code).count() == 1


def test_branch_without_supervisor_escalates_to_the_parent_supervisor(world, supervisor):
    from tests.rights.helpers import route

    route(world, "labour_contract", organization=world.org_a_branch)
    branch_worker = __import__("tests.world", fromlist=["make_user"]).make_user(
        "branch", world.org_a_branch, Role.CASEWORKER
    )
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=TZ), tick=False):
        case = make_case(world, "labour_contract", actor=branch_worker)
    assert case.lead_org == world.org_a_branch
    with time_machine.travel(datetime(2026, 3, 4, 9, 0, tzinfo=TZ), tick=False):
        assert services.escalate_overdue() == 1
    assert Notification.objects.filter(recipient=supervisor).count() == 1
