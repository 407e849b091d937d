"""The token matrix: every operation of the OpenAPI document × every persona, with the status each
must get. Each persona calls with a personal access token of its own organisation carrying every
key a token may hold (so what it may do is exactly what its roles allow); anonymous sends none.

Records that `params(world)` creates belong to the caseworker's organisation (org_a), so `outsider`
(org_b) must get 404. test_api_matrix.py fails for an operation of the document without an entry.
"""

from collections.abc import Callable
from dataclasses import dataclass

from tests.permission_matrix import PERSONAS

OK = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 200, "anonymous": 401}
ORG_SCOPED = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 200, "anonymous": 401}


@dataclass
class Operation:
    operation_id: str
    expect: dict[str, int]
    params: Callable | None = None  # world -> path parameters
    body: Callable | dict | None = None  # world -> JSON body
    query: str = ""

    def __post_init__(self):
        missing = set(PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"operation {self.operation_id}: no expectation for {sorted(missing)}")


def _lookup_body(world):
    from shuniu.people.models import Person, Serving

    person = Person.objects.create(name="王芳", id_number="11010519491231002X")
    Serving.objects.create(person=person, organization=world.org_a)
    return {"id_number": "11010519491231002X"}


CREATED = {"caseworker": 201, "colleague": 201, "outsider": 201, "coordinator": 201, "anonymous": 401}
ORG_SCOPED_CREATE = {"caseworker": 201, "colleague": 201, "outsider": 404, "coordinator": 201, "anonymous": 401}
# Doing the organisation's own work (apply for aid, review it, run a course, report on an action
# item): the joint office's coordinator does not hold those keys; the union cannot see org_a's record.
MANAGE = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 403, "anonymous": 401}
MANAGE_CREATE = {"caseworker": 201, "colleague": 201, "outsider": 404, "coordinator": 403, "anonymous": 401}


def _case(world):
    from tests.rights.helpers import make_case

    return make_case(world)


def _case_params(world):
    return {"case_id": _case(world).pk}


def _case_body(world):
    from tests.rights.helpers import route

    route(world)
    return {
        "category": "wage_arrears",
        "name": "王芳",
        "phone": "13812345678",
        "description": "工厂拖欠三个月工资共一万二千元。",
        "consent_processing": True,
    }


def _referral_params(world):
    """A referral from org_a to its own street branch: only org_a's people and the district see it."""
    from shuniu.rights import services

    referral = services.refer_case(
        _case(world), world.caseworker, to_org=world.org_a_branch, reason="转街道妇联就近办理", consent=True
    )
    return {"referral_id": referral.pk}


def _application_params(world):
    from tests.relief.helpers import make_application

    return {"application_id": make_application(world).pk}


def _application_body(world):
    from tests.relief.helpers import make_programme

    programme = make_programme(world)
    return {
        "programme_id": programme.pk,
        "name": "王芳",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "community": "330999001001",
        "household_size": 3,
        "monthly_income": "2400.00",
        "reason": "丈夫因病去世，独自抚养两个孩子。",
        "consent_processing": True,
    }


def _session_params(world):
    from tests.training.helpers import make_session

    return {"session_id": make_session(world).pk}


def _enrollment_params(world):
    from shuniu.training import services
    from tests.training.helpers import make_person, make_session

    return {"enrollment_id": services.enroll(make_session(world), make_person(world), actor=world.caseworker).pk}


def _action_item_params(world):
    from tests.meetings.factories import make_action_item

    return {"item_id": make_action_item(world).pk}


OPERATIONS = [
    Operation("meta_who_am_i", OK),
    Operation("people_lookup_person", OK, body=_lookup_body),
    Operation("rights_list_categories", OK),
    Operation("rights_create_case", CREATED, body=_case_body),
    Operation("rights_list_cases", OK),
    Operation("rights_get_case", ORG_SCOPED, params=_case_params),
    Operation("rights_list_case_events", ORG_SCOPED, params=_case_params),
    Operation("rights_add_case_note", ORG_SCOPED_CREATE, params=_case_params, body={"body": "已联系企业。"}),
    Operation(
        "rights_refer_case",
        ORG_SCOPED_CREATE,
        params=_case_params,
        body={"to_organization": "gov-hrss", "reason": "需劳动监察介入", "consent": True},
    ),
    Operation("rights_list_referrals", OK),
    Operation("rights_get_referral", ORG_SCOPED, params=_referral_params),
    Operation("rights_accept_referral", ORG_SCOPED, params=_referral_params, body={"note": "接收"}),
    Operation("rights_decline_referral", ORG_SCOPED, params=_referral_params, body={"note": "不属于本街道"}),
    Operation("relief_list_programmes", OK),
    Operation("relief_list_applications", OK),
    Operation("relief_get_application", ORG_SCOPED, params=_application_params),
    Operation("relief_create_application", MANAGE_CREATE, body=_application_body),
    Operation(
        "relief_decide_application",
        MANAGE,
        params=_application_params,
        body={"step": 1, "decision": "approve", "comment": "材料齐全"},
    ),
    Operation("training_list_courses", OK),
    Operation("training_list_sessions", OK),
    Operation("training_get_session", ORG_SCOPED, params=_session_params),
    Operation("training_list_enrollments", ORG_SCOPED, params=_session_params),
    Operation("training_enroll", MANAGE_CREATE, params=_session_params, body={"name": "李娜", "phone": "13900002222"}),
    Operation("training_cancel_enrollment", MANAGE, params=_enrollment_params),
    Operation("library_search_library", OK, query="q=妇联"),
    Operation("meetings_list_action_items", OK),
    Operation("meetings_get_action_item", ORG_SCOPED, params=_action_item_params),
    Operation(
        "meetings_report_progress",
        MANAGE_CREATE,
        params=_action_item_params,
        body={"text": "已在三个街道开展关爱活动。", "status": "on_track"},
    ),
]
