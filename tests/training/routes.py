from tests.permission_matrix import ORG_SCOPED, PERSONAS, PUBLIC, STAFF, Route

MANAGE_PAGE = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 403, "anonymous": 302}
MANAGE_OBJECT_PAGE = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 403, "anonymous": 302}
MANAGE_POST = {"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 403, "anonymous": 302}
REVOKE_POST = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 403, "anonymous": 302}
ALL_REDIRECT = dict.fromkeys(PERSONAS, 302)
ALL_NOT_FOUND = dict.fromkeys(PERSONAS, 404)


def _course(world):
    from tests.training.helpers import make_course

    return {"pk": make_course(world).pk}


def _session(world):
    from tests.training.helpers import make_session

    return {"pk": make_session(world).pk}


def _lesson(world):
    from tests.training.helpers import make_session

    return {"pk": make_session(world).lessons.first().pk}


def _enrollment(world):
    from shuniu.training import services
    from tests.training.helpers import make_person, make_session

    return {"pk": services.enroll(make_session(world), make_person(world)).pk}


def _certificate(world):
    from shuniu.training import services
    from tests.training.helpers import lesson_now, make_person, make_session

    session = make_session(world)
    person = make_person(world)
    services.enroll(session, person)
    services.check_in(lesson_now(session), [person.pk])
    return {"pk": session.enrollments.get().certificate.pk}


def _certificate_code(world):
    from shuniu.training.models import Certificate

    return {"code": Certificate.objects.get(pk=_certificate(world)["pk"]).code}


def _venue(world):
    from tests.training.helpers import make_venue

    return {"pk": make_venue(world).pk}


def _instructor(world):
    from tests.training.helpers import make_instructor

    return {"pk": make_instructor(world).pk}


def _request(world):
    from tests.training.helpers import make_request

    return {"pk": make_request(world).pk}


def _check_in_token(world):
    from shuniu.training import services
    from tests.training.helpers import lesson_now, make_session

    return {"token": services.check_in_token(lesson_now(make_session(world)))}


def _feed_token(world):
    from shuniu.training import services

    return {"token": services.feed_token("venue", _venue(world)["pk"])}


ROUTES = [
    Route("training:index", expect=STAFF),
    Route("training:course_create", expect=MANAGE_PAGE),
    Route("training:course_detail", kwargs=_course, expect=ORG_SCOPED),
    Route("training:course_edit", kwargs=_course, expect=MANAGE_OBJECT_PAGE),
    Route("training:session_create", kwargs=_course, expect=MANAGE_OBJECT_PAGE),
    Route("training:session_detail", kwargs=_session, expect=ORG_SCOPED),
    Route(
        "training:session_enroll",
        method="post",
        kwargs=_session,
        data={"name": "赵敏", "phone": "13700001234"},
        expect=MANAGE_POST,
    ),
    Route("training:session_cancel", method="post", kwargs=_session, data={"reason": "讲师生病"}, expect=MANAGE_POST),
    Route("training:session_close", method="post", kwargs=_session, expect=MANAGE_POST, note="not over yet"),
    Route("training:enrollment_cancel", method="post", kwargs=_enrollment, expect=MANAGE_POST),
    Route("training:lesson_detail", kwargs=_lesson, expect=ORG_SCOPED),
    Route("training:lesson_attendance", method="post", kwargs=_lesson, data={}, expect=MANAGE_POST),
    Route("training:venues", expect=STAFF),
    Route("training:venue_create", expect=MANAGE_PAGE),
    Route("training:venue_detail", kwargs=_venue, expect=STAFF, note="venues are shared"),
    Route("training:venue_edit", kwargs=_venue, expect=MANAGE_OBJECT_PAGE),
    Route("training:instructors", expect=STAFF),
    Route("training:instructor_create", expect=MANAGE_PAGE),
    Route("training:instructor_detail", kwargs=_instructor, expect=STAFF, note="the pool is shared"),
    Route("training:instructor_edit", kwargs=_instructor, expect=MANAGE_OBJECT_PAGE),
    Route("training:requests", expect=STAFF),
    Route("training:request_decide", method="post", kwargs=_request, data={"decision": "accept"}, expect=MANAGE_POST),
    Route("training:certificate_pdf", kwargs=_certificate, expect=ORG_SCOPED),
    Route(
        "training:certificate_revoke",
        method="post",
        kwargs=_certificate,
        data={"reason": "弄虚作假"},
        expect=REVOKE_POST,
    ),
    Route("training:reach", expect=STAFF),
    Route("training:suggestions", expect=MANAGE_PAGE),
    Route("training_public:menu", expect=PUBLIC),
    Route("training_public:course", kwargs=_course, expect=PUBLIC),
    Route("training_public:request_course", kwargs=_course, expect=PUBLIC),
    Route("training_public:enroll", method="post", kwargs=_session, expect=ALL_REDIRECT, note="phone not verified"),
    Route("training_public:verify", expect=PUBLIC),
    Route("training_public:verify_code", expect=PUBLIC, note="no code asked for"),
    Route("training_public:forget_me", method="post", expect=ALL_REDIRECT),
    Route("training_public:my_courses", expect=PUBLIC, note="asks for the phone"),
    Route("training_public:cancel", method="post", kwargs=_enrollment, expect=ALL_NOT_FOUND, note="not the owner"),
    Route("training_public:feedback", kwargs=_enrollment, expect=ALL_NOT_FOUND, note="not the owner"),
    Route("training_public:check_in", kwargs=_check_in_token, expect=PUBLIC),
    Route("training_public:certificate_verify", query="code=NOSUCHCODE", expect=PUBLIC),
    Route("training_public:certificate_pdf", kwargs=_certificate_code, expect=ALL_NOT_FOUND, note="not the owner"),
    Route("training_public:calendar_feed", kwargs=_feed_token, expect=PUBLIC),
]
