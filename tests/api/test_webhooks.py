"""Webhooks: scoped to the integration's organisation, signed, retried with back-off, logged."""

import hashlib
import hmac
import json
from datetime import timedelta

import time_machine
from django.utils import timezone

from shuniu.api import services
from shuniu.api.models import DeliveryStatus, WebhookDelivery
from shuniu.api.webhooks import MAX_ATTEMPTS, deliver_webhook, retry_due_deliveries
from shuniu.core import events
from shuniu.core.services import DomainError
from tests.api.helpers import issue_token


def _subscribe(world, receiver, prefixes=("rights.",), organization=None):
    token, _raw = issue_token(world, organization=organization)
    subscription, secret = services.add_webhook(world.coordinator, token, url=receiver.url, event_prefixes=prefixes)
    return subscription, secret


def _publish(django_capture_on_commit_callbacks, event, data):
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(event, data)


def test_event_of_own_organisation_is_delivered_signed(world, receiver, django_capture_on_commit_callbacks):
    subscription, secret = _subscribe(world, receiver)

    _publish(
        django_capture_on_commit_callbacks,
        "rights.referral.created",
        {"case_id": 7, "referral_id": 9, "from_organization_id": world.org_a_branch.pk},
    )

    assert len(receiver.requests) == 1
    request = receiver.requests[0]
    body = request["body"]
    payload = json.loads(body)
    assert payload["event"] == "rights.referral.created"
    assert payload["data"] == {"case_id": 7, "referral_id": 9, "from_organization_id": world.org_a_branch.pk}
    timestamp = request["headers"]["X-Shuniu-Timestamp"]
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    assert request["headers"]["X-Shuniu-Signature"] == f"sha256={expected}"
    assert request["headers"]["X-Shuniu-Event"] == "rights.referral.created"
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 204)


def test_event_of_another_organisation_is_not_delivered(world, receiver, django_capture_on_commit_callbacks):
    _subscribe(world, receiver)

    _publish(
        django_capture_on_commit_callbacks, "rights.case.created", {"case_id": 1, "organization_id": world.org_b.pk}
    )
    _publish(django_capture_on_commit_callbacks, "rights.case.created", {"case_id": 2})

    assert receiver.requests == []
    assert WebhookDelivery.objects.count() == 0


def test_event_outside_the_subscribed_prefixes_is_not_delivered(world, receiver, django_capture_on_commit_callbacks):
    _subscribe(world, receiver, prefixes=["rights.referral."])

    _publish(django_capture_on_commit_callbacks, "rights.case.created", {"organization_id": world.org_a.pk})

    assert receiver.requests == []


def test_rolled_back_action_sends_nothing(world, receiver, django_capture_on_commit_callbacks):
    from django.db import transaction

    _subscribe(world, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                events.publish("rights.case.created", {"organization_id": world.org_a.pk})
                raise RuntimeError("the service failed")
        except RuntimeError:
            pass

    assert receiver.requests == []


def test_failed_delivery_is_retried_with_backoff_until_delivered(world, receiver, django_capture_on_commit_callbacks):
    _subscribe(world, receiver)
    receiver.status = 503
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        _publish(django_capture_on_commit_callbacks, "rights.case.created", {"organization_id": world.org_a.pk})
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.PENDING, 1, "HTTP 503")
    assert delivery.next_attempt_at == start + timedelta(seconds=30)

    with time_machine.travel(start + timedelta(seconds=10), tick=False):
        assert deliver_webhook.call(delivery.pk) == "not due"
        assert retry_due_deliveries.call() == 0
    receiver.status = 200
    with time_machine.travel(start + timedelta(seconds=31), tick=False):
        assert retry_due_deliveries.call() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 2, 200)
    assert len(receiver.requests) == 2
    # The same event id both times, so the receiver can drop the duplicate.
    ids = {json.loads(request["body"])["id"] for request in receiver.requests}
    assert len(ids) == 1


def test_delivery_gives_up_after_the_last_attempt(world, receiver, django_capture_on_commit_callbacks):
    _subscribe(world, receiver)
    receiver.status = 500
    moment = timezone.now()
    with time_machine.travel(moment, tick=False):
        _publish(django_capture_on_commit_callbacks, "rights.case.created", {"organization_id": world.org_a.pk})
    delivery = WebhookDelivery.objects.get()
    for _ in range(MAX_ATTEMPTS - 1):
        moment += timedelta(days=1)
        with time_machine.travel(moment, tick=False):
            deliver_webhook.call(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, MAX_ATTEMPTS)
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert deliver_webhook.call(delivery.pk) == "skipped"
    assert len(receiver.requests) == MAX_ATTEMPTS


def test_unreachable_receiver_is_logged_and_retried(world, receiver, django_capture_on_commit_callbacks):
    subscription, _secret = _subscribe(world, receiver)
    receiver.close()
    receiver.server = type("Closed", (), {"shutdown": lambda self: None, "server_close": lambda self: None})()
    receiver.thread = type("Done", (), {"join": lambda self: None})()

    _publish(django_capture_on_commit_callbacks, "rights.case.created", {"organization_id": world.org_a.pk})

    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.attempts == 1
    assert delivery.last_status_code is None
    assert delivery.last_error != ""


def test_revoked_token_stops_its_webhooks(world, receiver, django_capture_on_commit_callbacks):
    subscription, _secret = _subscribe(world, receiver)
    services.revoke_token(world.coordinator, subscription.token)

    _publish(django_capture_on_commit_callbacks, "rights.case.created", {"organization_id": world.org_a.pk})

    assert receiver.requests == []


def test_webhooks_need_an_integration_token_and_a_web_url(world, receiver):
    from shuniu.api.models import TokenKind, WebhookSubscription

    personal, _raw = issue_token(world, kind=TokenKind.PERSONAL, permissions=["people:view"])
    integration, _raw = issue_token(world)
    for token, url in [(personal, receiver.url), (integration, "file:///etc/passwd"), (integration, "ftp://x")]:
        try:
            services.add_webhook(world.coordinator, token, url=url, event_prefixes=["rights."])
        except DomainError:
            continue
        raise AssertionError(f"webhook accepted for {token.kind} {url}")
    assert WebhookSubscription.objects.count() == 0


def test_relief_events_reach_only_the_programmes_organisation(world, receiver, django_capture_on_commit_callbacks):
    from tests.relief.helpers import make_application, make_programme

    _subscribe(world, receiver, prefixes=["relief."])
    own = make_application(world)
    other = make_programme(world, code="union-aid", organization=world.org_b)

    _publish(
        django_capture_on_commit_callbacks,
        "relief.application.created",
        {"application_id": own.pk, "programme_id": own.programme_id},
    )
    _publish(django_capture_on_commit_callbacks, "relief.batch.paid", {"batch_id": 1, "programme_id": other.pk})

    assert [json.loads(request["body"])["data"] for request in receiver.requests] == [
        {"application_id": own.pk, "programme_id": own.programme_id}
    ]
