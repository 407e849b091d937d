"""The staff pages where administrators issue and revoke tokens and add webhooks."""

from datetime import timedelta

from django.utils import timezone

from shuniu.api.models import ApiToken, WebhookSubscription, hash_token
from tests.api.helpers import issue_token, token_client


def _form(world, **changes):
    data = {
        "name": "12345 热线系统",
        "kind": "integration",
        "organization": world.org_a.pk,
        "permissions": ["people:view"],
        "expires_on": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "rate_limit_per_minute": 60,
    }
    data.update(changes)
    return data


def test_admin_issues_a_token_and_sees_it_once(world, client_for):
    client = client_for(world.org_admin)

    response = client.post("/api/tokens/", _form(world))

    assert response.status_code == 200
    token = ApiToken.objects.get()
    raw = response.context["created"][1]
    assert token.token_hash == hash_token(raw)
    assert raw in response.content.decode()
    assert (token.organization, token.permissions, token.rate_limit_per_minute) == (world.org_a, ["people:view"], 60)
    assert token_client(raw).get("/api/v1/me").status_code == 200
    # Listed afterwards by prefix only.
    listing = client.get("/api/tokens/").content.decode()
    assert token.prefix in listing
    assert raw not in listing


def test_bad_input_keeps_what_was_typed_and_creates_nothing(world, client_for):
    client = client_for(world.org_admin)

    response = client.post("/api/tokens/", _form(world, expires_on="2001-01-01", permissions=[]))

    assert response.status_code == 422
    assert ApiToken.objects.count() == 0
    assert "12345 热线系统" in response.content.decode()


def test_org_admin_cannot_pick_another_organisation(world, client_for):
    client = client_for(world.org_admin)

    response = client.post("/api/tokens/", _form(world, organization=world.org_b.pk))

    assert response.status_code == 422
    assert ApiToken.objects.count() == 0


def test_org_admin_does_not_see_other_organisations_tokens(world, client_for):
    token, _raw = issue_token(world, organization=world.org_b, name="工会系统")
    client = client_for(world.org_admin)

    assert "工会系统" not in client.get("/api/tokens/").content.decode()
    assert client.get(f"/api/tokens/{token.pk}/").status_code == 404
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_revoke_from_the_page(world, client_for):
    token, raw = issue_token(world)
    client = client_for(world.org_admin)

    response = client.post(f"/api/tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    assert token_client(raw).get("/api/v1/me").status_code == 401


def test_add_and_pause_a_webhook_from_the_page(world, client_for):
    token, _raw = issue_token(world)
    client = client_for(world.org_admin)

    response = client.post(
        f"/api/tokens/{token.pk}/", {"url": "https://hotline.example.gov.cn/hook", "events": ["rights.referral."]}
    )

    assert response.status_code == 200
    subscription = WebhookSubscription.objects.get()
    assert subscription.event_prefixes == ["rights.referral."]
    assert response.context["secret"] == subscription.secret
    client.post(f"/api/webhooks/{subscription.pk}/toggle/")
    subscription.refresh_from_db()
    assert subscription.is_active is False
