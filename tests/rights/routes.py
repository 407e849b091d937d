from tests.permission_matrix import COORDINATOR_ONLY, ORG_SCOPED, PUBLIC, STAFF, Route

# POST actions with no or bad data: the handling personas are sent back to the case page (302)
# with a message; the outsider never learns the case exists (404).
ORG_SCOPED_POST = {"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 302, "anonymous": 302}
# Enterprises hold no personal data: every staff member sees the registry; only some may edit it.
REGISTRY = STAFF


def _case(world):
    from tests.rights.helpers import make_case

    return {"pk": make_case(world).pk}


def _case_action(action):
    def kwargs(world):
        return {**_case(world), "action": action}

    return kwargs


def _attachment(world):
    from django.core.files.base import ContentFile

    from shuniu.rights.models import CaseAttachment
    from tests.rights.helpers import make_case

    case = make_case(world)
    attachment = CaseAttachment(case=case, name="证据.txt", organization=world.org_a, size=4)
    attachment.file.save("evidence.txt", ContentFile(b"test"), save=True)
    return {"pk": attachment.pk}


def _referral(world):
    from shuniu.rights import services
    from tests.rights.helpers import make_case

    case = make_case(world)
    referral = services.refer_case(case, world.caseworker, to_org=world.org_a_branch, reason="属地办理", consent=True)
    return {"pk": referral.pk}


def _category(world):
    from shuniu.rights.models import CaseCategory

    return {"pk": CaseCategory.objects.get(code="other").pk}


def _deadline(world):
    from shuniu.rights.models import DeadlinePolicy

    return {"pk": DeadlinePolicy.objects.filter(category__isnull=True).first().pk}


def _rule(world):
    from tests.rights.helpers import route

    return {"pk": route(world).pk}


def _enterprise(world):
    from shuniu.rights.models import Enterprise

    enterprise = Enterprise.objects.create(
        name="临江精密机械有限公司", credit_code="91330100MA27XL0B80", registered_by=world.org_a, employees=120
    )
    return {"pk": enterprise.pk}


def _contract(world):
    from datetime import date

    from django.core.files.base import ContentFile

    from shuniu.rights.models import CollectiveContract

    enterprise_id = _enterprise(world)["pk"]
    contract = CollectiveContract(
        enterprise_id=enterprise_id,
        kind="general",
        signed_on=date(2025, 1, 10),
        starts_on=date(2025, 2, 1),
        ends_on=date(2028, 1, 31),
        employees_covered=100,
        organization=world.org_a,
    )
    contract.file.save("contract.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return {"pk": contract.pk}


CONTRACT_MANAGE = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 200, "anonymous": 302}

ROUTES = [
    Route("rights:queue", expect=STAFF),
    Route("rights:queue", expect=STAFF, query="tab=overdue&q=13812345678", note="search"),
    Route("rights:case_create", expect=STAFF),
    Route("rights:case_detail", kwargs=_case, expect=ORG_SCOPED),
    Route("rights:case_action", method="post", kwargs=_case_action("accept"), expect=ORG_SCOPED_POST),
    Route("rights:case_assign", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:case_resolve", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:case_follow_up", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:case_refer", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:case_reroute", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:case_complexity", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:case_activity", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:case_attachment_upload", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:case_legal_aid", method="post", kwargs=_case, expect=ORG_SCOPED_POST),
    Route("rights:attachment_download", kwargs=_attachment, expect=ORG_SCOPED),
    Route("rights:referral_answer", method="post", kwargs=_referral, expect=ORG_SCOPED_POST),
    Route("rights:settings", expect=COORDINATOR_ONLY),
    Route("rights:category_create", expect=COORDINATOR_ONLY),
    Route("rights:category_edit", kwargs=_category, expect=COORDINATOR_ONLY),
    Route("rights:deadline_create", expect=COORDINATOR_ONLY),
    Route("rights:deadline_edit", kwargs=_deadline, expect=COORDINATOR_ONLY),
    Route("rights:rule_create", expect=COORDINATOR_ONLY),
    Route("rights:rule_edit", kwargs=_rule, expect=COORDINATOR_ONLY),
    Route(
        "rights:legal_aid_pool",
        expect={"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 200, "anonymous": 302},
    ),
    Route("rights:enterprise_list", expect=REGISTRY),
    Route("rights:enterprise_create", expect=CONTRACT_MANAGE),
    Route("rights:enterprise_detail", kwargs=_enterprise, expect=REGISTRY),
    Route(
        "rights:enterprise_edit",
        kwargs=_enterprise,
        expect={"caseworker": 200, "colleague": 200, "outsider": 403, "coordinator": 200, "anonymous": 302},
    ),
    Route("rights:contract_create", kwargs=_enterprise, expect=CONTRACT_MANAGE),
    Route("rights:contract_file", kwargs=_contract, expect=REGISTRY),
    Route("rights_public:intake", expect=PUBLIC),
    Route("rights_public:submitted", expect=PUBLIC, note="nothing submitted yet"),
    Route("rights_public:track", expect=PUBLIC),
]
