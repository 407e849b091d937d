"""State changes of the API app: issuing and revoking tokens, adding and pausing webhooks."""

import re
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.models import Organization, User
from shuniu.core.permissions import PERMISSIONS
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError

from .models import ApiToken, TokenKind, WebhookSubscription, hash_token, new_raw_token

MAX_TOKEN_DAYS = 366
EVENT_PREFIX_PATTERN = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)*\.?$")
# Keys a token may never carry: administration of accounts, organisations, tokens, the calendar
# and the audit log, and revealing full personal data (the API only ever shows masked values).
NEVER_ON_TOKENS = {"api", "audit", "user", "account", "accounts", "organization", "calendar", "backup", "security"}
NEVER_KEYS = {"personal_data:reveal"}


def grantable_keys() -> list[str]:
    return sorted(key for key in PERMISSIONS if key.split(":", 1)[0] not in NEVER_ON_TOKENS and key not in NEVER_KEYS)


def _guard_manage(actor, organization: Organization) -> None:
    if not get_scope(actor).has("api:manage", organization):
        raise DomainError(_("You may only manage tokens of your own organisation."), code="forbidden")


def create_token(
    actor,
    *,
    name: str,
    kind: str,
    organization: Organization,
    permissions: list[str],
    expires_at: datetime,
    user: User | None = None,
    rate_limit_per_minute: int = 120,
) -> tuple[ApiToken, str]:
    """Issue a token; returns (token, the raw token to show once). Only its hash is stored."""
    _guard_manage(actor, organization)
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Please give the token a name that says who uses it."))
    if kind not in TokenKind.values:
        raise DomainError(_("Unknown token kind."))
    unknown = sorted(set(permissions) - set(grantable_keys()))
    if unknown:
        raise DomainError(_("These permissions cannot be given to a token: %(keys)s") % {"keys": ", ".join(unknown)})
    if not permissions:
        raise DomainError(_("Choose at least one permission for the token."))
    now = timezone.now()
    if expires_at is None or expires_at <= now:
        raise DomainError(_("The expiry date must be in the future."))
    if expires_at > now + timedelta(days=MAX_TOKEN_DAYS):
        raise DomainError(_("A token may be valid for at most one year."))
    if not 1 <= rate_limit_per_minute <= 6000:
        raise DomainError(_("The rate limit must be between 1 and 6000 requests per minute."))
    if kind == TokenKind.PERSONAL:
        if user is None:
            raise DomainError(_("Choose the staff member the personal token belongs to."))
        reaches = any(
            organization.path.startswith(membership.organization.path) for membership in get_scope(user).memberships
        )
        if not reaches:
            raise DomainError(_("This staff member does not work in the chosen organisation."))
    raw = new_raw_token()
    with transaction.atomic():
        if kind == TokenKind.INTEGRATION:
            user = User(
                username=f"integration-{secrets.token_hex(6)}",
                display_name=_("Integration: %(name)s") % {"name": name[:40]},
            )
            user.set_unusable_password()
            user.save()
        token = ApiToken.objects.create(
            name=name,
            kind=kind,
            user=user,
            organization=organization,
            permissions=sorted(set(permissions)),
            prefix=raw[:10],
            token_hash=hash_token(raw),
            rate_limit_per_minute=rate_limit_per_minute,
            expires_at=expires_at,
            created_by=actor,
        )
        log_action(
            "api.token.created",
            actor=actor,
            organization=organization,
            obj=token,
            data={"kind": kind, "user": user.get_username(), "permissions": token.permissions},
        )
    return token, raw


def revoke_token(actor, token: ApiToken) -> None:
    _guard_manage(actor, token.organization)
    with transaction.atomic():
        # Compare-and-set: two administrators revoking at once write one revocation.
        changed = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if changed != 1:
            raise DomainError(_("This token was already revoked."), code="conflict")
        if token.kind == TokenKind.INTEGRATION:
            User.objects.filter(pk=token.user_id).update(is_active=False)
        WebhookSubscription.objects.filter(token=token).update(is_active=False)
        log_action("api.token.revoked", actor=actor, organization=token.organization, obj=token)
    token.refresh_from_db()


def add_webhook(actor, token: ApiToken, *, url: str, event_prefixes: list[str]) -> tuple[WebhookSubscription, str]:
    """Subscribe an integration to events; returns (subscription, signing secret to show once)."""
    _guard_manage(actor, token.organization)
    if token.kind != TokenKind.INTEGRATION:
        raise DomainError(_("Webhooks belong to integration tokens, not personal tokens."))
    if not token.is_usable:
        raise DomainError(_("This token is revoked or expired."))
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        raise DomainError(_("The webhook URL must start with http:// or https://."))
    prefixes = sorted({prefix.strip() for prefix in event_prefixes if prefix.strip()})
    if not prefixes:
        raise DomainError(_("Choose at least one kind of event."))
    bad = [prefix for prefix in prefixes if not EVENT_PREFIX_PATTERN.match(prefix)]
    if bad:
        raise DomainError(_("Not an event name or prefix: %(names)s") % {"names": ", ".join(bad)})
    secret = "whsec_" + secrets.token_urlsafe(24)
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(token=token, url=url, secret=secret, event_prefixes=prefixes)
        log_action(
            "api.webhook.created",
            actor=actor,
            organization=token.organization,
            obj=subscription,
            data={"token": token.pk, "events": prefixes},
        )
    return subscription, secret


def set_webhook_active(actor, subscription: WebhookSubscription, active: bool) -> None:
    _guard_manage(actor, subscription.token.organization)
    if active and not subscription.token.is_usable:
        raise DomainError(_("This token is revoked or expired."))
    with transaction.atomic():
        changed = WebhookSubscription.objects.filter(pk=subscription.pk, is_active=not active).update(is_active=active)
        if changed != 1:
            raise DomainError(_("The webhook was changed meanwhile; please reload the page."), code="conflict")
        log_action(
            "api.webhook.resumed" if active else "api.webhook.paused",
            actor=actor,
            organization=subscription.token.organization,
            obj=subscription,
        )
    subscription.refresh_from_db()
