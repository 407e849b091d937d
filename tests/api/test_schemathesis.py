"""schemathesis against our own OpenAPI document: generated requests to every operation, through the
WSGI app, signed in with an integration token of org_a. Zero server errors, and every response must
match the document (status codes, content types, bodies, headers)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from shuniu.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """schemathesis calls the WSGI app directly, whose request signals would close the database
    connection inside the test's transaction (Django's own test client disconnects them too)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def integration_token(world):
    from tests.api.helpers import issue_token
    from tests.api.seed import seed_api_world

    seed_api_world(world)
    _token, raw = issue_token(world, rate_limit_per_minute=6000)
    return raw


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_document(case, integration_token):
    # Domain validation beyond the document (ID-number checksums, phone formats, business rules) rightly
    # answers 422 to some schema-valid input, so "schema-valid data must be accepted" is not checked.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {integration_token}"}, excluded_checks=[positive_data_acceptance]
    )


def test_a_request_refused_before_any_view_is_answered_in_json(client):
    # A Host header outside ALLOWED_HOSTS is refused by Django's middleware, before the API's views.
    response = client.get("/api/v1/rights/cases", headers={"host": "N."})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "bad_request"
    page = client.get("/people/", headers={"host": "N."})
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
