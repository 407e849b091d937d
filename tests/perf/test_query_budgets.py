"""Query budgets (performance issue, item 4) — behaviour, not timings:

1. every page and endpoint the caseworker can open stays within its checked-in number of queries
   (`query_counts.json`; a new page must be added, a page that needs more queries fails);
2. lists do not grow their query count with their rows (no N+1): a list is measured after its
   app's records were made once and again after they were made three times;
3. no query uses OFFSET (lists page by keyset, so they stay fast at any size).

Refresh the baseline after a deliberate change (one process, the file is rewritten per test):
rm tests/perf/query_counts.json; SHUNIU_UPDATE_QUERY_BUDGETS=1 pytest -n 0 tests/perf/test_query_budgets.py
"""

import json
import os
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.permission_matrix import all_routes

BASELINE = Path(__file__).with_name("query_counts.json")
UPDATE = os.environ.get("SHUNIU_UPDATE_QUERY_BUDGETS") == "1"
ROUTES = [r for r in all_routes() if r.method == "get" and r.expect.get("caseworker") == 200 and not r.query]
LISTS = [r for r in ROUTES if r.kwargs is None]


def _load() -> dict:
    return json.loads(BASELINE.read_text()) if BASELINE.exists() else {}


def _measure(client, url) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries), [query["sql"] for query in context.captured_queries]


def _make_app_records(world, app: str, times: int) -> None:
    for route in all_routes():
        if route.kwargs is None or route.name.split(":")[0].removesuffix("_public") != app:
            continue
        for _ in range(times):
            try:
                with transaction.atomic():
                    route.kwargs(world)
            except (IntegrityError, ValueError):
                break


@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
def test_page_stays_within_its_query_budget(route, world, client_for, request):
    client = client_for(world.caseworker)
    url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else {})
    count, queries = _measure(client, url)
    # Ranked full-text results are the one exception: relevance has no stable keyset, and the
    # search app caps how deep one may page.
    # (OFFSET 0 inside an EXISTS is not paging: it keeps PostgreSQL probing row by row, see RowExists.)
    offsets = [
        sql
        for sql in queries
        if " OFFSET " in sql.upper().replace(" OFFSET 0)", ")") and "search_searchentry" not in sql
    ]
    assert offsets == [], f"{route.name} pages with OFFSET: {offsets[:2]}"
    if UPDATE:
        data = _load()
        data[route.id] = max(count, data.get(route.id, 0))  # routes sharing an id share the larger budget
        BASELINE.write_text(json.dumps(dict(sorted(data.items())), indent=1) + "\n")
        return
    budget = _load().get(route.id)
    assert budget is not None, f"{route.id} has no query budget yet: run with SHUNIU_UPDATE_QUERY_BUDGETS=1"
    assert count <= budget, f"{route.name} made {count} queries; its budget is {budget}"


@pytest.mark.parametrize("route", LISTS, ids=[r.id for r in LISTS])
def test_list_query_count_does_not_grow_with_rows(route, world, client_for):
    app = route.name.split(":")[0].removesuffix("_public")
    client = client_for(world.caseworker)
    url = reverse(route.name)
    _make_app_records(world, app, 1)
    few, _ = _measure(client, url)
    _make_app_records(world, app, 3)
    many, _ = _measure(client, url)
    assert many <= few, f"{route.name}: {few} queries with few rows, {many} with more (N+1?)"
