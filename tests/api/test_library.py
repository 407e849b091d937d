"""Library search through the API: the staff library's filters (category, organisation, file type,
upload days), the page of each hit and its snippet; only what the token's organisation may see."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shuniu.api.models import TokenKind
from shuniu.library.models import Audience
from shuniu.search.indexing import index_object
from tests.api.helpers import issue_token, token_client
from tests.library.factories import make_resource

SEARCH = "/api/v1/library/search"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    settings.VAR_DIR = tmp_path


def _resource(world, **fields):
    resource = make_resource(world, **fields)
    index_object(resource)
    return resource


def _client(world, **extra):
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.caseworker, **extra)
    return token_client(raw)


def _ids(response):
    assert response.status_code == 200, response.content
    return [hit["object_id"] for hit in response.json()["hits"]]


def test_search_returns_the_page_and_a_highlighted_snippet(world):
    resource = _resource(world, category="speech")

    response = _client(world).get(SEARCH, {"q": "联席会议制度"})

    assert response.status_code == 200
    body = response.json()
    assert (body["query"], body["next_start"]) == ("联席会议制度", None)
    [hit] = body["hits"]
    assert (hit["kind"], hit["object_id"], hit["title"], hit["page"]) == (
        "library.resource",
        resource.pk,
        "群团工作会议讲话",
        1,
    )
    assert "<mark>联席会议制度</mark>" in hit["snippet"]
    assert (hit["category"], hit["file_type"], hit["organization_id"]) == ("speech", "txt", world.org_a.pk)


def test_search_filters_like_the_staff_library(world):
    speech = _resource(world, category="speech")
    policy = _resource(world, category="policy", title="联席会议制度规定")
    union = _resource(world, audience=Audience.STAFF, organization=world.org_b, user=world.outsider, category="speech")
    client = _client(world)

    assert sorted(_ids(client.get(SEARCH, {"q": "联席会议"}))) == sorted([speech.pk, policy.pk, union.pk])
    assert _ids(client.get(SEARCH, {"q": "联席会议", "category": "policy"})) == [policy.pk]
    assert _ids(client.get(SEARCH, {"q": "联席会议", "organization": "union"})) == [union.pk]
    assert _ids(client.get(SEARCH, {"q": "联席会议", "file_type": "pdf"})) == []
    assert len(_ids(client.get(SEARCH, {"q": "联席会议", "file_type": "txt"}))) == 3


def test_search_filters_by_upload_days(world):
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        old = _resource(world, title="旧讲话")
    new = _resource(world, title="新讲话")
    today = timezone.localdate()
    client = _client(world)

    assert _ids(client.get(SEARCH, {"q": "联席会议", "date_from": str(today)})) == [new.pk]
    assert _ids(client.get(SEARCH, {"q": "联席会议", "date_to": str(today - timedelta(days=5))})) == [old.pk]


def test_search_pages_on_with_next_start(world):
    resources = [_resource(world, title=f"讲话{number}") for number in range(3)]
    client = _client(world)

    first = client.get(SEARCH, {"q": "联席会议", "limit": 2}).json()
    second = client.get(SEARCH, {"q": "联席会议", "limit": 2, "start": first["next_start"]}).json()

    assert (len(first["hits"]), len(second["hits"]), second["next_start"]) == (2, 1, None)
    found = {hit["object_id"] for hit in first["hits"] + second["hits"]}
    assert found == {resource.pk for resource in resources}


def test_another_organisations_own_resources_are_not_found(world):
    _resource(world)

    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.outsider, organization=world.org_b)

    assert _ids(token_client(raw).get(SEARCH, {"q": "联席会议"})) == []


def test_search_needs_the_library_permission(world):
    _resource(world)

    response = _client(world, permissions=["core:home"]).get(SEARCH, {"q": "联席会议"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_bad_filters_give_the_documented_error_body(world):
    client = _client(world)

    unknown = client.get(SEARCH, {"q": "联席会议", "organization": "nope"})
    backwards = client.get(SEARCH, {"q": "联席会议", "date_from": "2026-05-02", "date_to": "2026-05-01"})
    bad_category = client.get(SEARCH, {"q": "联席会议", "category": "nope"}, HTTP_ACCEPT_LANGUAGE="en")

    assert (unknown.status_code, backwards.status_code, bad_category.status_code) == (422, 422, 422)
    assert unknown.json()["error"] == {"code": "invalid", "message": "未知的组织：nope", "details": []}
    assert backwards.json()["error"]["message"] == "开始日期晚于结束日期。"
    assert bad_category.json()["error"]["message"] == "The request is not valid; see the details."
