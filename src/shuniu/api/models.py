"""Tokens, idempotency keys and webhooks of the open API.

Tokens are shown once at creation and stored as a SHA-256 hash (they are long random strings, so a
plain hash is enough — no salt or slow hash is needed to resist guessing). A token is scoped to one
organisation (with its branches) and to a list of permission keys; what it may do is the
intersection of those with what its user may do (see `shuniu.api.scope`).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.fields import EncryptedTextField
from shuniu.core.models import Organization
from shuniu.core.scoping import ScopedQuerySet

TOKEN_PREFIX = "snu_"  # noqa: S105 - a marker, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class TokenKind(models.TextChoices):
    PERSONAL = "personal", _("Personal access token")
    INTEGRATION = "integration", _("Integration token")


class ApiTokenQuerySet(ScopedQuerySet):
    view_permission = "api:manage"

    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A credential for the open API. A personal token acts as its user; an integration token acts
    as a service account of its own (an outside system such as a 12345 hotline)."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=TokenKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="api_tokens", verbose_name=_("acts as")
    )
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="api_tokens", verbose_name=_("organisation")
    )
    permissions = models.JSONField(_("permissions"), default=list)
    prefix = models.CharField(max_length=12, db_index=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and not self.is_expired


class IdempotencyKey(models.Model):
    """The stored answer to a create request sent with an `Idempotency-Key` header: a retry with the
    same key gets the same answer and never creates a second record."""

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=100)
    operation = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="api_idempotency_unique")]

    def __str__(self):
        return f"{self.principal} {self.key}"


class WebhookSubscriptionQuerySet(ScopedQuerySet):
    scope_field = "token__organization"
    view_permission = "api:manage"


class WebhookSubscription(models.Model):
    """An integration's wish to be told about events whose names start with one of `event_prefixes`
    (e.g. `rights.referral.`). Only events about organisations the token reaches are delivered."""

    token = models.ForeignKey(ApiToken, models.CASCADE, related_name="webhooks", verbose_name=_("integration"))
    url = models.URLField(_("URL"), max_length=500)
    secret = EncryptedTextField(_("signing secret"))
    event_prefixes = models.JSONField(_("events"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WebhookSubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")

    def __str__(self):
        return self.url

    def matches(self, event: str) -> bool:
        return any(event.startswith(prefix) for prefix in self.event_prefixes)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDeliveryQuerySet(ScopedQuerySet):
    scope_field = "subscription__token__organization"
    view_permission = "api:manage"


class WebhookDelivery(models.Model):
    """One event sent to one subscription, with every attempt's outcome (the delivery log)."""

    subscription = models.ForeignKey(WebhookSubscription, models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return f"{self.event} → {self.subscription_id}"
