"""Core services: notifications and revealing personal data."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.models import Membership, Notification, Organization, User


class DomainError(Exception):
    """A refused action; `message` is translated and shown to the user as it is."""

    def __init__(self, message: str, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


def notify(
    recipients: Iterable[User], title: str, body: str = "", url: str = "", *, level: str = "info", dedupe_key: str = ""
) -> int:
    """Put a message in each recipient's inbox. With `dedupe_key`, sending again is a no-op, so a
    task that re-runs after a crash does not notify twice. Returns how many were created."""
    created = 0
    for user in {user.pk: user for user in recipients}.values():
        try:
            with transaction.atomic():
                Notification.objects.create(
                    recipient=user, title=title[:200], body=body, url=url, level=level, dedupe_key=dedupe_key
                )
            created += 1
        except IntegrityError:
            continue
    return created


def notify_role(
    organization: Organization,
    roles: Iterable[str],
    title: str,
    body: str = "",
    url: str = "",
    *,
    level: str = "info",
    dedupe_key: str = "",
) -> int:
    users = User.objects.filter(
        memberships__organization=organization,
        memberships__role__in=list(roles),
        memberships__is_active=True,
        is_active=True,
    ).distinct()
    return notify(users, title, body, url, level=level, dedupe_key=dedupe_key)


def members_with_role(organization: Organization, roles: Iterable[str]):
    return User.objects.filter(
        memberships__in=Membership.objects.filter(organization=organization, role__in=list(roles), is_active=True),
        is_active=True,
    ).distinct()


def mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    queryset = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())


def reveal_personal_data(user, obj, field: str, reason: str) -> str:
    """Return the full value of an encrypted field and audit who saw it and why."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(_("Please give the reason for viewing the full value (at least 4 characters)."))
    value = getattr(obj, field) or ""
    log_action(
        "core.personal_data.revealed",
        actor=user,
        organization=getattr(obj, "organization", None)
        if isinstance(getattr(obj, "organization", None), Organization)
        else None,
        obj=obj,
        data={"field": field, "reason": reason[:500]},
    )
    return value
