"""Domain events for integrations: services publish, subscribers (webhooks, insights) listen.

    events.publish("rights.referral.created", {"case_id": 1, "referral_id": 2, "organization_id": 5})

Delivery happens after the surrounding transaction commits, so a rolled-back action publishes
nothing. Subscribers register with `events.subscribe("rights.", handler)` (prefix match) in their
AppConfig.ready(); a handler should only enqueue a task (ids in, idempotent), never do slow work.
"""

from collections.abc import Callable

from django.db import transaction

_subscribers: list[tuple[str, Callable[[str, dict], None]]] = []


def subscribe(prefix: str, handler: Callable[[str, dict], None]) -> None:
    if (prefix, handler) not in _subscribers:
        _subscribers.append((prefix, handler))


def publish(event: str, data: dict) -> None:
    def deliver():
        for prefix, handler in list(_subscribers):
            if event.startswith(prefix):
                handler(event, data)

    transaction.on_commit(deliver)
