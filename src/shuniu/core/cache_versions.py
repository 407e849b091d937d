"""Version numbers for cached fragments that depend on slowly changing tables.

A fragment (say, the case queue's filter bar with its category and street options) is cached under
a key that includes `current("rights.queue-choices")`; saving or deleting a row of a table it
depends on bumps that number, so the next request renders it anew. This replaces reading the whole
table on every request only to fingerprint it.

With a shared cache (Redis, `SHUNIU_REDIS_URL`) every process sees the bump at once. With the
per-process memory cache a bump in one web process is not seen by another; callers therefore give
their fragments a short lifetime (`FRAGMENT_SECONDS`) as the upper bound of that staleness.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

FRAGMENT_SECONDS = 60
_PREFIX = "cache-version:"


def current(name: str) -> int:
    version = cache.get(_PREFIX + name)
    if version is None:
        version = 1
        cache.add(_PREFIX + name, version, None)
    return version


def bump(name: str) -> None:
    key = _PREFIX + name
    try:
        cache.incr(key)
    except ValueError:  # not in the cache (evicted or never read): any new number will do
        cache.set(key, 2, None)


def bump_on_change(name: str, *models) -> None:
    """Bump `name` when a row of any of `models` is saved or deleted, and once more when that
    change commits: a request rendering between the two would otherwise keep the old rows under
    the new number. (Bulk updates send no signals; the fragments' lifetime bounds those.)"""

    def handler(sender, **kwargs):
        bump(name)
        transaction.on_commit(lambda: bump(name))

    for model in models:
        dispatch_uid = f"cache-version:{name}:{model._meta.label}"
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=dispatch_uid + ":save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=dispatch_uid + ":delete")
