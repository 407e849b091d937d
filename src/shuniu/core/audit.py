"""The audit log: `log_action` appends a hash-chained entry; `verify_chain` recomputes the chain.

Actions are namespaced (`core.auth.login`, `rights.referral.accepted`) and written explicitly by
services and views, never from signals, so that what is logged is what was meant.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import models, transaction
from django.utils import timezone

from shuniu.core.models import AuditEntry, AuditHead
from shuniu.core.request_context import current_ip

GENESIS = "0" * 64


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "prev": entry.prev_hash,
        "time": entry.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "org": entry.organization_id,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "data": entry.data,
        "ip": entry.ip,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def compute_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def _json_safe(data) -> dict:
    return json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))


def log_action(
    action: str,
    *,
    actor=None,
    organization=None,
    obj: models.Model | None = None,
    data: dict | None = None,
    ip: str | None = None,
) -> AuditEntry:
    """Append one entry. Runs inside the caller's transaction when there is one, so an action
    that rolls back leaves no audit row claiming it happened."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=actor,
        actor_label=(actor.get_username() if actor else ""),
        organization=organization,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        data=_json_safe(data),
        ip=ip if ip is not None else current_ip(),
    )
    with transaction.atomic():
        head, _created = AuditHead.objects.select_for_update().get_or_create(pk=1)
        entry.prev_hash = head.last_hash
        entry.hash = compute_hash(entry)
        entry.save()
        AuditHead.objects.filter(pk=1).update(last_hash=entry.hash, length=models.F("length") + 1)
    return entry


@dataclass
class ChainProblem:
    entry_id: int | None
    message: str


def verify_chain(batch_size: int = 2000) -> tuple[int, list[ChainProblem]]:
    """Walk the whole chain in id order. Returns (entries checked, problems)."""
    problems: list[ChainProblem] = []
    previous = GENESIS
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEntry.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for entry in batch:
            if entry.prev_hash != previous:
                problems.append(ChainProblem(entry.id, "link to the previous entry is broken (a row was removed)"))
            if compute_hash(entry) != entry.hash:
                problems.append(ChainProblem(entry.id, "content does not match its hash (the row was changed)"))
            previous = entry.hash
            checked += 1
            last_id = entry.id
    head = AuditHead.objects.filter(pk=1).first()
    if head is not None:
        if head.length != checked:
            problems.append(ChainProblem(None, f"the chain head counts {head.length} entries but {checked} exist"))
        elif head.last_hash != previous:
            problems.append(ChainProblem(None, "the last entry does not match the chain head"))
    elif checked:
        problems.append(ChainProblem(None, "the chain head is missing"))
    return checked, problems
