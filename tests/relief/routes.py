from django.core.files.base import ContentFile

from tests.permission_matrix import COORDINATOR_ONLY, ORG_SCOPED, PUBLIC, STAFF, Route
from tests.relief.helpers import make_application, make_batch, make_programme, publish

APPLY = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 403, "anonymous": 302}
MANAGE = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 403, "anonymous": 302}
ORG_ACTION = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 403, "anonymous": 302}
ORG_POST = {"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 403, "anonymous": 302}


def _programme(world):
    return {"pk": make_programme(world).pk}


def _application(world):
    return {"pk": make_application(world).pk}


def _returned(world):
    return {"pk": make_application(world, status="returned").pk}


def _document(world):
    application = make_application(world)
    document = application.documents.create(name="收入证明.pdf", file=ContentFile(b"%PDF-1.4 test", name="proof.pdf"))
    return {"pk": application.pk, "document_pk": document.pk}


def _objection(world):
    application = make_application(world)
    publish(application)
    objection = application.objections.create(text="该户家中有两套住房，收入不实")
    return {"pk": objection.pk}


def _rule(world):
    programme = make_programme(world)
    return {"pk": programme.pk, "rule_pk": programme.rules.first().pk}


def _step(world):
    programme = make_programme(world)
    return {"pk": programme.pk, "step_pk": programme.steps.first().pk}


def _batch(world):
    application = make_application(world)
    publish(application, ended=True)
    return {"pk": make_batch(world, application, created_by=world.org_admin).pk}


def _ledger_entry(world):
    from shuniu.relief import services

    application = make_application(world)
    publish(application, ended=True)
    batch = make_batch(world, application, created_by=world.org_admin)
    services.pay_batch(batch, actor=world.colleague)
    return {"pk": application.entries.get().pk}


def _public_programme(world):
    return {"code": make_programme(world).code}


def _notice_code(world):
    application = make_application(world)
    publish(application)
    return {"code": application.code}


ROUTES = [
    Route("relief:applications", expect=STAFF),
    Route("relief:application_create", expect=APPLY),
    Route("relief:application_detail", kwargs=_application, expect=ORG_SCOPED),
    Route("relief:application_decide", method="post", kwargs=_application, expect=ORG_POST),
    Route("relief:application_adjust", method="post", kwargs=_application, expect=MANAGE),
    Route("relief:application_revise", kwargs=_returned, expect=ORG_ACTION),
    Route("relief:document_download", kwargs=_document, expect=ORG_SCOPED),
    Route("relief:objection_resolve", method="post", kwargs=_objection, expect=ORG_POST),
    Route("relief:review", expect=APPLY),
    Route("relief:programmes", expect=STAFF),
    Route("relief:programme_create", expect=MANAGE),
    Route("relief:programme_detail", kwargs=_programme, expect=ORG_SCOPED),
    Route("relief:programme_edit", kwargs=_programme, expect=MANAGE),
    Route("relief:rule_create", kwargs=_programme, expect=MANAGE),
    Route("relief:rule_edit", kwargs=_rule, expect=MANAGE),
    Route("relief:rule_delete", method="post", kwargs=_rule, expect=MANAGE),
    Route("relief:step_add", method="post", kwargs=_programme, expect=MANAGE),
    Route("relief:step_delete", method="post", kwargs=_step, expect=MANAGE),
    Route("relief:budget_save", method="post", kwargs=_programme, expect=MANAGE),
    Route("relief:notice_create", kwargs=_programme, expect=ORG_ACTION),
    Route("relief:batch_create", kwargs=_programme, expect=ORG_ACTION),
    Route("relief:batches", expect=STAFF),
    Route("relief:batch_detail", kwargs=_batch, expect=ORG_SCOPED),
    Route("relief:batch_pay", method="post", kwargs=_batch, expect=ORG_POST),
    Route("relief:batch_export", kwargs=_batch, expect=ORG_SCOPED),
    Route("relief:ledger", expect=STAFF),
    Route("relief:ledger_reverse", method="post", kwargs=_ledger_entry, expect=MANAGE),
    Route("relief:duplicate_aid", expect=COORDINATOR_ONLY),
    Route("relief:coverage_gap", expect=COORDINATOR_ONLY),
    Route("relief:reconciliation", expect=COORDINATOR_ONLY),
    Route("relief_public:programmes", expect=PUBLIC),
    Route("relief_public:apply", kwargs=_public_programme, expect=PUBLIC),
    Route("relief_public:notices", expect=PUBLIC),
    Route("relief_public:objection", kwargs=_notice_code, expect=PUBLIC),
    Route("relief_public:track", expect=PUBLIC),
]
