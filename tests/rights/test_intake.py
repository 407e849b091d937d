from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from shuniu.core.models import AuditEntry
from shuniu.core.services import DomainError
from shuniu.people.models import Person
from shuniu.rights import services
from shuniu.rights.models import CaseEvent, CaseParticipant, RightsCase, Status
from tests.rights.helpers import category, make_case, route

TZ = ZoneInfo("Asia/Shanghai")


@time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=TZ), tick=False)  # a Monday
def test_hotline_intake_routes_by_rule_and_computes_working_day_deadlines(world):
    route(world, "wage_arrears", department=world.gov_department)

    case = make_case(world)

    assert case.status == Status.RECEIVED
    assert case.lead_org == world.org_a
    assert case.notify_department == world.gov_department
    assert case.street == world.street
    assert case.tracking_code.startswith("WQ") and len(case.tracking_code) == 10
    # first response: 1 working day → Tue 3 Mar; resolution: 15 working days → Mon 23 Mar
    assert timezone_date(case.first_response_due) == "2026-03-03"
    assert timezone_date(case.resolution_due) == "2026-03-23"
    assert CaseParticipant.objects.filter(case=case, organization=world.gov_department, sees_details=False).exists()
    assert list(CaseEvent.objects.filter(case=case).values_list("action", "to_status")) == [("created", "received")]
    assert AuditEntry.objects.filter(action="rights.case.created", object_id=str(case.pk)).count() == 1


def timezone_date(moment):
    return moment.astimezone(TZ).date().isoformat()


def test_intake_without_matching_rule_goes_to_joint_office(world):
    case = services.submit_case(
        channel="web",
        category=category("other"),
        name="李雷",
        phone="13900001111",
        description="邻里噪音纠纷，多次协商无果。",
        consent_processing=True,
    )
    assert case.lead_org == world.joint_office
    assert case.routing_rule is None


def test_street_rule_beats_district_rule(world):
    route(world, "wage_arrears", organization=world.org_b)
    route(world, "wage_arrears", organization=world.org_a_branch, region=world.street)
    case = make_case(world)
    assert case.lead_org == world.org_a_branch


def test_intake_finds_the_existing_person_by_phone(world):
    first = make_case(world)
    second = make_case(world, name="王芳", description="再次反映：工资仍未发放。")
    assert first.person_id == second.person_id
    assert Person.objects.count() == 1


def test_intake_without_consent_is_refused_and_saves_nothing(world):
    route(world)
    with pytest.raises(DomainError) as error:
        make_case(world, consent_processing=False)
    assert error.value.code == "refused"
    assert RightsCase.objects.count() == 0
    assert Person.objects.count() == 0


def test_intake_with_bad_id_number_saves_nothing(world):
    route(world)
    with pytest.raises(DomainError):
        make_case(world, id_number="110105194912310021")
    assert RightsCase.objects.count() == 0
    assert Person.objects.count() == 0


def test_intake_with_bad_phone_is_refused(world):
    route(world)
    with pytest.raises(DomainError):
        make_case(world, phone="12345")
    assert RightsCase.objects.count() == 0


def test_sensitive_category_marks_case_sensitive(world):
    case = make_case(world, "domestic_violence")
    assert case.is_sensitive is True


def test_tracking_needs_code_and_last_four_digits(world):
    case = make_case(world)
    assert services.find_for_tracking(case.tracking_code, "5678") == case
    assert services.find_for_tracking(case.tracking_code.lower(), "5678") == case
    assert services.find_for_tracking(case.tracking_code, "5679") is None
    assert services.find_for_tracking("WQ00000000", "5678") is None
    assert services.find_for_tracking(case.tracking_code, "") is None
