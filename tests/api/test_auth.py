"""Tokens, sessions, error bodies and rate limits of the open API."""

from datetime import timedelta

import time_machine
from django.test import Client
from django.utils import timezone

from shuniu.api import services
from shuniu.api.models import ApiToken, TokenKind
from shuniu.core.models import AuditEntry
from shuniu.core.services import DomainError
from tests.api.helpers import issue_token, token_client

ME = "/api/v1/me"


def test_integration_token_acts_in_its_organisation_with_its_keys(world):
    token, raw = issue_token(world, permissions=["people:view"])

    response = token_client(raw).get(ME)

    assert response.status_code == 200
    body = response.json()
    assert body["authentication"] == "token"
    assert body["token_kind"] == "integration"
    assert body["organization_ids"] == [world.org_a.pk]
    assert body["permissions"] == ["people:view"]
    assert body["username"] == token.user.username
    assert not token.user.has_usable_password()


def test_token_is_stored_only_as_a_hash(world):
    token, raw = issue_token(world)

    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.token_hash, stored.prefix)
    assert raw.startswith(stored.prefix)
    assert len(stored.token_hash) == 64
    assert AuditEntry.objects.filter(action="api.token.created", object_id=str(token.pk)).count() == 1


def test_personal_token_never_holds_more_than_its_user(world):
    # The caseworker holds no api:manage; asking for people:view and core:home gives exactly those.
    _token, raw = issue_token(world, kind=TokenKind.PERSONAL, user=world.caseworker, permissions=["people:view"])

    body = token_client(raw).get(ME).json()

    assert body["authentication"] == "token"
    assert body["username"] == "caseworker"
    assert body["permissions"] == ["people:view"]


def test_personal_token_for_someone_outside_the_organisation_is_refused(world):
    try:
        issue_token(world, kind=TokenKind.PERSONAL, user=world.outsider, organization=world.org_a)
    except DomainError as error:
        assert "does not work in" in error.message or "不在" in error.message
    else:
        raise AssertionError("a token for a user of another organisation was issued")
    assert ApiToken.objects.count() == 0


def test_org_admin_cannot_issue_tokens_for_another_organisation(world):
    try:
        services.create_token(
            world.org_admin,
            name="x",
            kind=TokenKind.INTEGRATION,
            organization=world.org_b,
            permissions=["people:view"],
            expires_at=timezone.now() + timedelta(days=1),
        )
    except DomainError:
        pass
    else:
        raise AssertionError("org admin issued a token for another organisation")
    assert ApiToken.objects.count() == 0


def test_token_cannot_carry_administrative_keys(world):
    try:
        issue_token(world, permissions=["people:view", "api:manage"])
    except DomainError as error:
        assert "api:manage" in error.message
    else:
        raise AssertionError("a token with api:manage was issued")
    assert ApiToken.objects.count() == 0


def test_revoked_token_is_refused_with_the_error_body(world):
    token, raw = issue_token(world)
    services.revoke_token(world.coordinator, token)

    response = token_client(raw).get(ME)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"
    assert response["WWW-Authenticate"] == "Bearer"
    token.user.refresh_from_db()
    assert token.user.is_active is False


def test_revoking_twice_is_refused_and_changes_nothing(world):
    token, _raw = issue_token(world)
    services.revoke_token(world.coordinator, token)
    revoked_at = ApiToken.objects.get(pk=token.pk).revoked_at

    try:
        services.revoke_token(world.coordinator, token)
    except DomainError as error:
        assert error.code == "conflict"
    else:
        raise AssertionError("revoked twice")
    assert ApiToken.objects.get(pk=token.pk).revoked_at == revoked_at


def test_expired_token_is_refused(world):
    _token, raw = issue_token(world, expires_at=timezone.now() + timedelta(days=2))

    assert token_client(raw).get(ME).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=3)):
        assert token_client(raw).get(ME).status_code == 401


def test_unknown_and_malformed_tokens_are_refused(world):
    assert token_client("snu_not-a-real-token").get(ME).status_code == 401
    assert Client(HTTP_AUTHORIZATION="Basic abc").get(ME).status_code == 401
    response = Client().get(ME)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthenticated", "message": "需要身份验证（有效且未过期的令牌）。", "details": []}
    }


def test_last_used_is_recorded(world):
    token, raw = issue_token(world)
    assert token.last_used_at is None

    token_client(raw).get(ME)

    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None


def test_signed_in_session_works_and_unsafe_methods_need_csrf(world, client_for):
    client = client_for(world.caseworker)
    assert client.get(ME).json()["authentication"] == "session"

    strict = Client(enforce_csrf_checks=True)
    world.sign_in(strict, world.caseworker)
    response = strict.post("/api/v1/people/lookup", {"phone": "13812345678"}, content_type="application/json")
    assert response.status_code == 403


def test_session_waiting_for_its_two_factor_code_is_not_signed_in(world):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.caseworker, name="phone", confirmed=True)
    client = Client()
    client.force_login(world.caseworker)  # password given, code not yet

    assert client.get(ME).status_code == 401


def test_rate_limit_per_token(world):
    _token, raw = issue_token(world, rate_limit_per_minute=2)
    _other_token, other_raw = issue_token(world, name="other", rate_limit_per_minute=2)
    client = token_client(raw)

    with time_machine.travel("2026-03-02 10:00:05 +0800", tick=False):
        assert client.get(ME).status_code == 200
        assert client.get(ME).status_code == 200
        response = client.get(ME)
        assert response.status_code == 429
        assert response.json()["error"]["code"] == "rate_limited"
        assert response["Retry-After"] == "55"
        # Another token has its own budget.
        assert token_client(other_raw).get(ME).status_code == 200
    with time_machine.travel("2026-03-02 10:01:01 +0800", tick=False):
        assert client.get(ME).status_code == 200


def test_validation_errors_use_the_error_body(world):
    _token, raw = issue_token(world)

    response = token_client(raw).post("/api/v1/people/lookup", {"phone": 5}, content_type="application/json")

    assert response.status_code == 422
    body = response.json()["error"]
    assert body["code"] == "invalid"
    assert body["details"][0]["loc"] == ["body", "payload", "phone"]


def test_openapi_document_and_local_docs(client):
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/people/lookup" in schema.json()["paths"]

    docs = client.get("/api/v1/docs/")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/api/swagger-init.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html
