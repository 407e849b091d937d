"""Per-IP limits for anonymous forms (sign-ups, volunteer registration, code look-ups), counted in
Django's cache per clock hour. The cache is shared by all web processes when Redis is configured."""

from django.core.cache import cache
from django.utils import timezone

from shuniu.core.middleware import client_ip

LIMITS = {"signup": 10, "volunteer_register": 5, "volunteer_sign_in": 10, "shift_signup": 20}


def _key(bucket: str, ip: str) -> str:
    return f"outreach:rate:{bucket}:{ip}:{timezone.now():%Y%m%d%H}"


def is_limited(request, bucket: str) -> bool:
    """True when this IP has used up the bucket for the current hour."""
    return (cache.get(_key(bucket, client_ip(request) or "-")) or 0) >= LIMITS[bucket]


def hit(request, bucket: str) -> None:
    key = _key(bucket, client_ip(request) or "-")
    if cache.add(key, 1, timeout=3700):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=3700)
