"""Walks every registered URL with every persona (see tests/permission_matrix.py)."""

import pytest
from django.urls import reverse

from tests.permission_matrix import EXEMPT, EXEMPT_NAMESPACES, PERSONAS, all_routes, project_url_names

ROUTES = all_routes()


def test_every_named_url_is_in_the_matrix():
    covered = {route.name for route in ROUTES}
    missing = sorted(
        name
        for name in project_url_names()
        if name not in covered and name not in EXEMPT and name.split(":")[0] not in EXEMPT_NAMESPACES
    )
    assert missing == [], f"URLs without a permission-matrix Route (add them to tests/<app>/routes.py): {missing}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=[route.id for route in ROUTES])
def test_route_gives_expected_status(route, persona, world, client_for):
    kwargs = route.kwargs(world) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
    client = client_for(world.personas[persona])
    headers = {"HTTP_HX_REQUEST": "true"} if route.htmx else {}
    if route.method == "post":
        data = route.data(world) if callable(route.data) else (route.data or {})
        response = client.post(url, data, **headers)
    else:
        response = client.get(url, **headers)
    expected = route.expect[persona]
    assert response.status_code == expected, (
        f"{persona} {route.method.upper()} {url}: expected {expected}, got {response.status_code}"
    )
    if persona == "anonymous" and expected == 302 and route.name not in {"core:logout"}:
        assert "/accounts/login/" in response["Location"] or route.method == "post"
