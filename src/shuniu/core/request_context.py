"""The current request's IP address and user, for audit entries written deep in services."""

from contextvars import ContextVar

_ip: ContextVar[str | None] = ContextVar("shuniu_ip", default=None)


def set_ip(value: str | None):
    return _ip.set(value)


def reset_ip(token) -> None:
    _ip.reset(token)


def current_ip() -> str | None:
    return _ip.get()
