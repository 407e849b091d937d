"""Walks every operation of the OpenAPI document with a token for every persona (see operations.py)."""

import json

import pytest

from shuniu.api.models import TokenKind
from shuniu.api.services import grantable_keys
from tests.api.helpers import issue_token, token_client
from tests.api.operations import OPERATIONS
from tests.permission_matrix import PERSONAS

BY_ID = {operation.operation_id: operation for operation in OPERATIONS}


def _document():
    from shuniu.api.base import api

    return api.get_openapi_schema(path_params={})


def _operations_in_document():
    found = {}
    for path, methods in _document()["paths"].items():
        for method, spec in methods.items():
            found[spec["operationId"]] = (method, path)
    return found


def test_every_api_operation_is_in_the_matrix():
    missing = sorted(set(_operations_in_document()) - set(BY_ID))
    assert missing == [], f"API operations without an entry in tests/api/operations.py: {missing}"


def _home_organization(world, persona):
    return {"outsider": world.org_b, "coordinator": world.joint_office}.get(persona, world.org_a)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("operation", OPERATIONS, ids=[operation.operation_id for operation in OPERATIONS])
def test_api_operation_gives_expected_status(operation, persona, world, client):
    method, path = _operations_in_document()[operation.operation_id]
    params = operation.params(world) if operation.params else {}
    body = operation.body(world) if callable(operation.body) else operation.body
    url = path.format(**params) + (f"?{operation.query}" if operation.query else "")
    user = world.personas[persona]
    if user is None:
        caller = client
    else:
        _token, raw = issue_token(
            world,
            kind=TokenKind.PERSONAL,
            user=user,
            organization=_home_organization(world, persona),
            permissions=grantable_keys(),
        )
        caller = token_client(raw)
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    response = getattr(caller, method)(url, **kwargs)

    expected = operation.expect[persona]
    assert response.status_code == expected, (
        f"{persona} {method.upper()} {url}: expected {expected}, got {response.status_code} {response.content[:300]}"
    )
    if response.status_code >= 400:
        assert set(response.json()["error"]) == {"code", "message", "details"}
