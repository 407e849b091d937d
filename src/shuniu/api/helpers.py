"""Building blocks every router uses: permission checks, cursor pagination and idempotent creates."""

import base64
import binascii
import hashlib
import json
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import create_model

from shuniu.core.scoping import get_scope

from .base import ApiError
from .models import IdempotencyKey

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def require(request, key: str, organization=None) -> None:
    """403 unless the caller holds `key` (in `organization`, when given)."""
    if not get_scope(request.user).has(key, organization):
        raise PermissionDenied


def principal_of(request) -> str:
    token = getattr(request, "api_token", None)
    return f"token:{token.pk}" if token is not None else f"user:{request.user.pk}"


# Cursor pagination ---------------------------------------------------------------------------


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"before": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
        before = value["before"]
        if isinstance(before, bool) or not isinstance(before, int) or before < 1:
            raise ValueError
        return before
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ApiError(
            422, "invalid_cursor", _("The cursor is not valid; use the next_cursor of the previous page.")
        ) from None


_pages: dict[type, type] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """The response schema of a list: `{"items": [...], "next_cursor": "..." | null}`."""
    if item_schema not in _pages:
        _pages[item_schema] = create_model(
            f"{item_schema.__name__}Page",
            __base__=Schema,
            items=(list[item_schema], ...),
            next_cursor=(str | None, None),
        )
    return _pages[item_schema]


def paginate(queryset, cursor: str | None, limit: int | None, serialize: Callable | None = None) -> dict:
    """Newest first by id, `limit` rows after the cursor (keyset, no OFFSET, no COUNT)."""
    limit = max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))
    if cursor:
        queryset = queryset.filter(pk__lt=decode_cursor(cursor))
    rows = list(queryset.order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    items = [serialize(row) for row in rows] if serialize else rows
    return {"items": items, "next_cursor": encode_cursor(rows[-1].pk) if more and rows else None}


# Idempotency ------------------------------------------------------------------------------------


def _fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _replay(stored: IdempotencyKey, operation: str, fingerprint: str):
    if stored.operation != operation or stored.fingerprint != fingerprint:
        raise ApiError(
            409,
            "idempotency_key_reused",
            _("This Idempotency-Key was already used for a different request; use a new key."),
        )
    return stored.status_code, stored.body


def idempotent(request, key: str | None, operation: str, payload, create: Callable[[], tuple[int, dict]]):
    """Run `create` once per (caller, key). `create` returns (status, JSON-able body). The stored key
    is written in the same transaction as the record, so a crash leaves neither; two concurrent
    requests with one key collide on the unique constraint and the loser replays the winner."""
    if not key:
        return create()
    principal = principal_of(request)
    fingerprint = _fingerprint(payload)
    stored = IdempotencyKey.objects.filter(principal=principal, key=key).first()
    if stored is not None:
        return _replay(stored, operation, fingerprint)
    try:
        with transaction.atomic():
            status, body = create()
            body = json.loads(json.dumps(body, default=str))
            IdempotencyKey.objects.create(
                principal=principal,
                key=key,
                operation=operation,
                fingerprint=fingerprint,
                status_code=status,
                body=body,
            )
    except IntegrityError:
        stored = IdempotencyKey.objects.filter(principal=principal, key=key).first()
        if stored is None:
            raise
        return _replay(stored, operation, fingerprint)
    return status, body
