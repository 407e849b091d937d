"""Webhooks: domain events → deliveries → signed HTTP POSTs, retried with back-off, logged.

An event is delivered to an integration's subscription only when it concerns an organisation the
integration's token reaches (any `*organization_id`/`*org_id(s)` value in the event data, and for
rights events the case's lead and participating organisations, for relief events the programme's
organisation and the application's branch), so one organisation's integration
never hears about another's work.
Payloads carry ids only; the receiver reads details through the API with its token (scoped).

Signature: `X-Shuniu-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the secret>`
and `X-Shuniu-Timestamp: <unix seconds>`; receivers should reject old timestamps.
"""

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta

from django.db import models, transaction
from django.tasks import task
from django.utils import timezone

from shuniu.core.models import Organization

from .models import ApiToken, DeliveryStatus, TokenKind, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
TIMEOUT_SECONDS = 10
USER_AGENT = "Shuniu-Webhooks/1"


def backoff(attempts: int) -> timedelta:
    """30 s, 2 min, 8 min, 32 min, ~2 h after the 1st…5th failure."""
    return timedelta(seconds=30 * 4 ** (attempts - 1))


ORG_ID_SUFFIXES = ("organization_id", "org_id")
ORG_IDS_SUFFIXES = ("organization_ids", "org_ids")


def organization_ids_in(data: dict) -> set[int]:
    """Organisation ids named in an event (`organization_id`, `to_org_id`, `co_handler_org_ids`…)."""
    ids: set[int] = set()
    for key, value in (data or {}).items():
        if key.endswith(ORG_ID_SUFFIXES):
            if isinstance(value, int) and not isinstance(value, bool):
                ids.add(value)
        elif key.endswith(ORG_IDS_SUFFIXES) and isinstance(value, list | tuple):
            ids.update(item for item in value if isinstance(item, int) and not isinstance(item, bool))
    return ids


def _rights_case_organizations(data: dict) -> set[int]:
    """A rights event naming only its case concerns the case's lead and participating organisations."""
    case_id = data.get("case_id")
    if not isinstance(case_id, int) or isinstance(case_id, bool):
        return set()
    from shuniu.rights.models import CaseParticipant, RightsCase

    ids = set(RightsCase.objects.filter(pk=case_id).values_list("lead_org_id", flat=True))
    ids |= set(CaseParticipant.objects.filter(case_id=case_id).values_list("organization_id", flat=True))
    return ids


def _relief_organizations(data: dict) -> set[int]:
    """A relief event naming an application or a programme concerns the programme's organisation
    (and the branch that reviews the application's first steps)."""
    from shuniu.relief.models import Application, Programme

    ids: set[int] = set()
    application_id = data.get("application_id")
    if isinstance(application_id, int) and not isinstance(application_id, bool):
        for organization_id, branch_id in Application.objects.filter(pk=application_id).values_list(
            "organization_id", "branch_id"
        ):
            ids |= {organization_id} | ({branch_id} if branch_id else set())
    programme_id = data.get("programme_id")
    if isinstance(programme_id, int) and not isinstance(programme_id, bool):
        ids |= set(Programme.objects.filter(pk=programme_id).values_list("organization_id", flat=True))
    return ids


# Events whose data may not name every organisation concerned: how to find them.
ENRICHERS = {"rights.": _rights_case_organizations, "relief.": _relief_organizations}


def organizations_concerned(event: str, data: dict) -> set[int]:
    ids = organization_ids_in(data)
    for prefix, enrich in ENRICHERS.items():
        if event.startswith(prefix):
            try:
                ids |= enrich(data)
            except ImportError:  # the app is not installed in this deployment
                continue
    return ids


def on_event(event: str, data: dict) -> None:
    """Subscriber of every domain event (runs after the publishing transaction committed)."""
    org_ids = organizations_concerned(event, data)
    if not org_ids:
        return
    now = timezone.now()
    subscriptions = (
        WebhookSubscription.objects.filter(is_active=True, token__kind=TokenKind.INTEGRATION, token__revoked_at=None)
        .filter(models.Q(token__expires_at__isnull=True) | models.Q(token__expires_at__gt=now))
        .select_related("token__organization")
    )
    paths = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "path"))
    created = []
    for subscription in subscriptions:
        if not subscription.matches(event):
            continue
        token_path = subscription.token.organization.path
        if not any(path.startswith(token_path) for path in paths.values()):
            continue
        payload = {
            "id": str(uuid.uuid4()),
            "event": event,
            "occurred_at": now.isoformat(),
            "data": json.loads(json.dumps(data, default=str)),
        }
        created.append(WebhookDelivery.objects.create(subscription=subscription, event=event, payload=payload))
    for delivery in created:
        transaction.on_commit(lambda delivery_id=delivery.pk: deliver_webhook.enqueue(delivery_id))


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST and return the status code; network failures raise OSError (URLError is one)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - http(s) only, checked at subscription
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  # nosec B310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _schedule_retry(delivery: WebhookDelivery) -> None:
    backend = deliver_webhook.get_backend()
    if backend.supports_defer:
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    # Without a deferring backend (tests), `retry_due_deliveries` picks it up when it is due.


@task
def deliver_webhook(delivery_id: int) -> str:
    """One attempt. Idempotent: a delivered, failed or not-yet-due delivery is left alone, and the
    attempt is claimed by compare-and-set so that two workers never send the same attempt."""
    delivery = WebhookDelivery.objects.select_related("subscription__token").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != DeliveryStatus.PENDING:
        return "skipped"
    now = timezone.now()
    if delivery.next_attempt_at and delivery.next_attempt_at > now:
        return "not due"
    claimed = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    ).update(attempts=models.F("attempts") + 1, next_attempt_at=None)
    if claimed != 1:
        return "skipped"
    attempts = delivery.attempts + 1
    subscription = delivery.subscription
    token: ApiToken = subscription.token
    if not subscription.is_active or not token.is_usable:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error="subscription inactive or token revoked"
        )
        return "failed"
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Shuniu-Event": delivery.event,
        "X-Shuniu-Delivery": delivery.payload.get("id", str(delivery.pk)),
        "X-Shuniu-Timestamp": str(timestamp),
        "X-Shuniu-Signature": sign(subscription.secret, timestamp, body),
    }
    status_code, error = None, ""
    try:
        status_code = post(subscription.url, body, headers)
    except (OSError, ValueError) as exc:  # URLError, timeouts, refused connections, bad URLs
        error = str(exc)[:300]
    if status_code is not None and 200 <= status_code < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.DELIVERED, last_status_code=status_code, last_error="", delivered_at=timezone.now()
        )
        return "delivered"
    if status_code is not None:
        error = f"HTTP {status_code}"
    if attempts >= MAX_ATTEMPTS:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_status_code=status_code, last_error=error
        )
        logger.warning("webhook delivery %s failed for good after %s attempts: %s", delivery.pk, attempts, error)
        return "failed"
    delivery.next_attempt_at = timezone.now() + backoff(attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        last_status_code=status_code, last_error=error, next_attempt_at=delivery.next_attempt_at
    )
    _schedule_retry(delivery)
    return "retry"


@task
def retry_due_deliveries() -> int:
    """Enqueue every pending delivery whose next attempt is due (a safety net after a worker
    restart, and the retry path for backends that cannot defer)."""
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
    ids = list(due.values_list("pk", flat=True)[:500])
    for delivery_id in ids:
        deliver_webhook.enqueue(delivery_id)
    return len(ids)
