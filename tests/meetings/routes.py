from tests.meetings import factories as f
from tests.permission_matrix import ORG_SCOPED, PERSONAS, STAFF, Route

REDIRECT_IN_SCOPE = {"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 302, "anonymous": 302}
HOST_PAGE = ORG_SCOPED  # org_a hosts; the coordinator runs meetings of the series the joint office keeps
OFFICE_ONLY = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 200, "anonymous": 302}
# The coordinator writes no submissions (no member organisation): 403.
MEMBER_PAGE = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 403, "anonymous": 302}


def _series(world):
    return {"pk": f.make_series(world).pk}


def _meeting(world):
    return {"pk": f.make_meeting(world).pk}


def _held(world):
    return {"pk": f.make_meeting(world, status="held", days_ahead=-1).pk}


def _submission(world):
    meeting = f.make_meeting(world)
    return {"pk": f.make_submission(meeting, world.org_a).pk}


def _resolution(world):
    return {"pk": f.make_action_item(world).resolution_id}


def _item(world):
    return {"pk": f.make_action_item(world).pk}


def _point(world):
    return {"pk": f.make_point(world).pk}


def _accepted_point(world):
    point = f.make_point(world)
    point.status = "accepted"
    point.save()
    return {"pk": point.pk}


ROUTES = [
    Route("meetings:index", expect=STAFF),
    Route("meetings:board", expect=STAFF),
    Route("meetings:projects", expect=STAFF),
    Route("meetings:calendar_feed", expect=STAFF),
    Route("meetings:series_create", expect=OFFICE_ONLY),
    Route("meetings:series_detail", kwargs=_series, expect=ORG_SCOPED),
    Route(
        "meetings:series_pass", method="post", kwargs=_series, data={"reason": "办公场地搬迁"}, expect=REDIRECT_IN_SCOPE
    ),
    Route(
        "meetings:series_next",
        method="post",
        kwargs=_series,
        expect={"caseworker": 403, "colleague": 403, "outsider": 404, "coordinator": 302, "anonymous": 302},
    ),
    Route("meetings:meeting_detail", kwargs=_meeting, expect=ORG_SCOPED),
    Route("meetings:meeting_schedule", kwargs=_meeting, expect=HOST_PAGE),
    Route("meetings:meeting_remind", method="post", kwargs=_meeting, expect=REDIRECT_IN_SCOPE),
    Route("meetings:submission_edit", kwargs=_meeting, expect=MEMBER_PAGE),
    Route("meetings:submission_detail", kwargs=_submission, expect=ORG_SCOPED),
    Route("meetings:attachment_download", kwargs=lambda w: {"pk": f.make_attachment(w).pk}, expect=ORG_SCOPED),
    Route("meetings:cooperation_refresh", method="post", kwargs=_meeting, expect=REDIRECT_IN_SCOPE),
    Route("meetings:point_decide", method="post", kwargs=_point, data={"decision": "accept"}, expect=REDIRECT_IN_SCOPE),
    Route("meetings:project_create", kwargs=_accepted_point, expect=HOST_PAGE),
    Route("meetings:minutes_edit", kwargs=_meeting, expect=HOST_PAGE),
    Route("meetings:resolution_create", kwargs=_meeting, expect=HOST_PAGE),
    Route("meetings:minutes_docx", kwargs=_held, expect=ORG_SCOPED),
    Route("meetings:action_items_docx", kwargs=_held, expect=ORG_SCOPED),
    Route("meetings:action_item_create", kwargs=_resolution, expect=HOST_PAGE),
    Route("meetings:action_item_detail", kwargs=_item, expect=ORG_SCOPED),
    Route(
        "meetings:progress_report",
        method="post",
        kwargs=_item,
        data={"text": "已完成第一阶段", "status": "on_track"},
        expect=REDIRECT_IN_SCOPE,
    ),
]

assert all(set(route.expect) == set(PERSONAS) for route in ROUTES)

ROUTES.append(
    Route(
        "meetings:series_edit",
        kwargs=_series,
        expect={"caseworker": 403, "colleague": 403, "outsider": 404, "coordinator": 200, "anonymous": 302},
    )
)
ROUTES.append(
    Route(
        "meetings:attachment_remove",
        method="post",
        kwargs=lambda w: {"pk": f.make_attachment(w).pk},
        expect={"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 403, "anonymous": 302},
    )
)
