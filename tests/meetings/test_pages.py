"""Pages keep a fixed number of queries however many members, plans and items a meeting has."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shuniu.core.models import Organization, OrganizationKind
from shuniu.meetings import services
from shuniu.meetings.models import SeriesMember
from tests.meetings import factories as f


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _grow(world, meeting, index):
    org = Organization.objects.create(
        code=f"member-{index}", name=f"成员{index}", kind=OrganizationKind.RED_CROSS, region=world.district
    )
    SeriesMember.objects.create(series=meeting.series, organization=org, position=10 + index)
    f.make_submission(meeting, org, [(f"留守儿童关爱{index}", "children", world.street, date(2026, 7, 1))])
    f.make_action_item(world, meeting=meeting, lead=org)


def test_meeting_page_and_board_queries_do_not_grow_with_the_meeting(world, caseworker, client_for):
    meeting = f.make_meeting(world)
    f.make_submission(meeting, world.org_a, [("留守儿童暑期关爱", "children", world.street, date(2026, 7, 1))])
    client = client_for(caseworker)
    meeting_url = reverse("meetings:meeting_detail", args=[meeting.pk])
    board_url = reverse("meetings:board")
    _grow(world, meeting, 0)
    services.refresh_cooperation_points(meeting)
    client.get(meeting_url)  # warm up: the first request of a session does its own bookkeeping
    before = (_queries(client, meeting_url), _queries(client, board_url))

    for index in range(1, 4):
        _grow(world, meeting, index)
    services.refresh_cooperation_points(meeting)

    assert (_queries(client, meeting_url), _queries(client, board_url)) == before
