from tests.library.factories import make_resource, pdf_bytes
from tests.permission_matrix import COORDINATOR_ONLY, ORG_SCOPED, PUBLIC, STAFF, Route

REDIRECT_IN_SCOPE = {"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 302, "anonymous": 302}
MODERATOR_POST = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 302, "anonymous": 302}
UPLOADER_IN_SCOPE = ORG_SCOPED


def _resource(world):
    return {"pk": make_resource(world).pk}


def _pdf_resource(world, audience="organization"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("a.pdf", pdf_bytes(["第一页 联席会议"]), content_type="application/pdf")
    return make_resource(world, audience=audience, upload=upload)


def _page(world):
    return {"pk": _pdf_resource(world).pk, "number": 1}


def _public(world):
    return {"pk": make_resource(world, audience="public").pk}


def _public_page(world):
    return {"pk": _pdf_resource(world, audience="public").pk, "number": 1}


def _report(world):
    from shuniu.library.services import report_resource

    resource = make_resource(world)
    return {"pk": report_resource(world.colleague, resource, "wrong", "过时").pk}


def _target(world):
    from django.contrib.contenttypes.models import ContentType

    from shuniu.library.models import Resource

    resource = make_resource(world, title="培训课程")
    return {"target": f"{ContentType.objects.get_for_model(Resource).pk}-{resource.pk}"}


def _link(world):
    from shuniu.library.links import attach

    target = make_resource(world, title="培训课程")
    resource = make_resource(world, title="附件")
    return {"pk": attach(world.caseworker, target, resource).pk}


def _latest_resource(world):
    from shuniu.library.models import Resource

    return {"resource": Resource.objects.order_by("-id").first().pk}


ROUTES = [
    Route("library:index", expect=STAFF),
    Route("library:index", expect=STAFF, query="q=联席会议&category=speech", note="search"),
    Route("library:upload", expect=STAFF),
    Route("library:moderation", expect=COORDINATOR_ONLY),
    Route("library:decide", method="post", kwargs=_report, data={"decision": "dismiss"}, expect=MODERATOR_POST),
    Route("library:detail", kwargs=_resource, expect=ORG_SCOPED),
    Route("library:status", kwargs=_resource, expect=ORG_SCOPED),
    Route("library:download", kwargs=_resource, expect=ORG_SCOPED),
    Route("library:page_image", kwargs=_page, expect=ORG_SCOPED),
    Route("library:favorite", method="post", kwargs=_resource, data={"favorite": "1"}, expect=REDIRECT_IN_SCOPE),
    Route("library:report", kwargs=_resource, expect=ORG_SCOPED),
    Route("library:new_version", kwargs=_resource, expect=UPLOADER_IN_SCOPE),
    Route("library:edit", kwargs=_resource, expect=UPLOADER_IN_SCOPE),
    Route("library:restore", method="post", kwargs=_resource, expect=MODERATOR_POST),
    Route("library:link_picker", kwargs=_target, expect=ORG_SCOPED),
    Route(
        "library:link_add",
        method="post",
        kwargs=_target,
        data=_latest_resource,
        expect={"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 200, "anonymous": 302},
    ),
    Route(
        "library:link_remove",
        method="post",
        kwargs=_link,
        expect={"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 200, "anonymous": 302},
    ),
    Route("library_public:index", expect=PUBLIC),
    Route("library_public:detail", kwargs=_public, expect=PUBLIC),
    Route("library_public:download", kwargs=_public, expect=PUBLIC),
    Route("library_public:page_image", kwargs=_public_page, expect=PUBLIC),
]
