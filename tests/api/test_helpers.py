"""Cursor pagination and idempotent creates."""

from types import SimpleNamespace

import pytest

from shuniu.api.base import ApiError
from shuniu.api.helpers import decode_cursor, encode_cursor, idempotent, paginate
from shuniu.api.models import IdempotencyKey
from shuniu.core.models import Region, RegionLevel


def test_cursor_round_trip_and_bad_cursors():
    assert decode_cursor(encode_cursor(42)) == 42
    for bad in ["", "xyz", encode_cursor(0), "eyJiZWZvcmUiOiAiMSJ9"]:
        with pytest.raises(ApiError) as error:
            decode_cursor(bad)
        assert error.value.code == "invalid_cursor"


def test_paginate_walks_every_row_once_newest_first(world):
    for number in range(5):
        Region.objects.create(code=f"9{number}", name=f"r{number}", level=RegionLevel.COMMUNITY)
    queryset = Region.objects.filter(code__startswith="9")
    seen, cursor = [], None
    while True:
        page = paginate(queryset, cursor, 2, lambda region: region.name)
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == ["r4", "r3", "r2", "r1", "r0"]


def test_idempotent_create_runs_once_and_replays(world):
    request = SimpleNamespace(api_token=SimpleNamespace(pk=1), user=world.caseworker)
    calls = []

    def create():
        calls.append(1)
        region = Region.objects.create(code="77", name="新社区", level=RegionLevel.COMMUNITY)
        return 201, {"id": region.pk}

    first = idempotent(request, "key-1", "create_region", {"name": "新社区"}, create)
    second = idempotent(request, "key-1", "create_region", {"name": "新社区"}, create)

    assert first == second
    assert len(calls) == 1
    assert Region.objects.filter(code="77").count() == 1
    with pytest.raises(ApiError) as error:
        idempotent(request, "key-1", "create_region", {"name": "别的"}, create)
    assert error.value.status_code == 409
    assert len(calls) == 1


def test_failed_create_stores_no_key(world):
    request = SimpleNamespace(api_token=None, user=world.caseworker)

    def create():
        raise ApiError(422, "invalid", "no")

    with pytest.raises(ApiError):
        idempotent(request, "key-2", "op", {}, create)
    assert IdempotencyKey.objects.count() == 0
