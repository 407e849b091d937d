"""Encryption of personal data at rest and the keyed blind index used to find it.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under the keys in SHUNIU_DATA_KEY
(comma-separated, newest first; older keys still decrypt, which is what lets `rotate-data-key`
re-encrypt without downtime). Exact lookup uses HMAC-SHA256 of the normalised value under
SHUNIU_INDEX_KEY, a separate key that data-key rotation leaves alone, so the database never
holds a plaintext to search and lookups keep working during a rotation.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "enc1:"


class DecryptionError(ValueError):
    """A stored value could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except (ValueError, TypeError):
        raise ImproperlyConfigured(
            "SHUNIU_DATA_KEY must hold Fernet keys (32 bytes, url-safe base64); make one with "
            "`shuniu generate-data-key`"
        ) from None


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.DATA_KEYS))


@lru_cache(maxsize=4)
def _index_key(secret: str) -> bytes:
    return hashlib.sha256(b"shuniu-blind-index:" + secret.encode()).digest()


def encrypt(plaintext: str) -> str:
    return PREFIX + fernet().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise DecryptionError("value is not encrypted")
    try:
        return fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise DecryptionError("value cannot be decrypted with the configured keys") from None


def rotate(token: str) -> str:
    """Re-encrypt under the newest key (used by `shuniu rotate-data-key`)."""
    return PREFIX + fernet().rotate(token[len(PREFIX) :].encode()).decode()


def blind_index(normalized: str, purpose: str) -> str:
    """HMAC of a normalised value. `purpose` separates the index spaces (ID numbers, phones)."""
    key = _index_key(settings.INDEX_KEY)
    return hmac.new(key, f"{purpose}:{normalized}".encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()


def mask_id_number(value: str) -> str:
    """110105199001011234 → 110105********1234 (first six and last four, as the national practice)."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 2, 0)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678; a landline keeps its area code and last four digits."""
    if not value:
        return ""
    digits = value
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    head = digits.split("-", 1)[0] + "-" if "-" in digits else digits[:3]
    return head + "*" * max(len(digits) - len(head) - 4, 1) + digits[-4:]


def mask_name(value: str) -> str:
    """张三丰 → 张**; used in public notices."""
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)
