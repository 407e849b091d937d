"""The NinjaAPI instance: authentication, rate limiting, error bodies and the local docs page.

Every error answers with the same body, `{"error": {"code": ..., "message": ..., "details": [...]}}`:
a refused action (DomainError) is 400 with the service's translated message (409 when its code says
the record changed meanwhile), a failed validation is 422, out of scope or missing is 404.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.docs import DocsBase
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import BaseThrottle

from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError

from .models import ApiToken, hash_token
from .scope import bind_token

SESSION_RATE_PER_MINUTE = 300
CONFLICT_CODES = {"conflict", "stale", "changed", "idempotency_key_reused"}


class ErrorDetail(Schema):
    code: str
    message: str
    details: list[dict] = []


class ErrorBody(Schema):
    error: ErrorDetail


ERROR_STATUSES = frozenset({400, 401, 403, 404, 409, 422, 429})


def responses(ok: dict | type, status: int = 200) -> dict:
    """The `response=` argument of an operation: the success schema and the documented errors."""
    return {status: ok, ERROR_STATUSES: ErrorBody}


class ApiError(HttpError):
    """An error with a code, raised by the API layer itself (e.g. a bad cursor)."""

    def __init__(self, status_code: int, code: str, message: str, details: list | None = None):
        super().__init__(status_code, message)
        self.code = code
        self.details = details or []


class TokenAuth(HttpBearer):
    """`Authorization: Bearer snu_…` — personal access tokens and integration tokens."""

    def authenticate(self, request, token: str):
        if not token or len(token) > 200:
            return None
        try:
            api_token = (
                ApiToken.objects.select_related("user", "organization").usable().get(token_hash=hash_token(token))
            )
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active or not api_token.organization.is_active:
            return None
        now = timezone.now()
        # Write "last used" at most once a minute: a busy integration should not write on every call.
        if api_token.last_used_at is None or api_token.last_used_at < now - timedelta(minutes=1):
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.api_token = api_token
        request.user = bind_token(api_token)
        return request.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in staff member's session (with CSRF on unsafe methods), for the docs page and
    the UI's own scripts. A session still waiting for its two-factor code is not signed in here."""

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        if not user.is_verified():
            from django_otp import user_has_device

            if user_has_device(user, confirmed=True):
                return None
            if settings.REQUIRE_TWO_FACTOR and get_scope(user).is_privileged:
                return None
        request.api_token = None
        return user


class RatePerToken(BaseThrottle):
    """A fixed one-minute window per token (or per signed-in user), counted in the shared cache so
    that every web process sees the same count."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "api_token", None)
        if token is not None:
            ident, limit = f"t{token.pk}", token.rate_limit_per_minute
        elif getattr(request, "user", None) is not None and request.user.is_authenticated:
            ident, limit = f"u{request.user.pk}", SESSION_RATE_PER_MINUTE
        else:
            return True
        key = f"shuniu-api-rate:{ident}:{int(time.time() // 60)}"
        cache.add(key, 0, timeout=90)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=90)
            count = 1
        return count <= limit

    def wait(self) -> float:
        return 60 - time.time() % 60


class LocalSwagger(DocsBase):
    """Swagger UI from our own static files; its initialiser is a static script (CSP: no inline)."""

    def render_page(self, request, api, **kwargs):
        return render(request, "api/docs.html", {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)})


class ShuniuAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__.rsplit(".", 1)[-1]
        return f"{module}_{operation.view_func.__name__}"


api = ShuniuAPI(
    title="Shuniu API",
    version="1",
    description=(
        "The open API of the Shuniu joint work platform. Authenticate with `Authorization: Bearer <token>` "
        "(personal access or integration token from an administrator) or a signed-in browser session. "
        "Lists use cursor pagination (`cursor`, `limit`; follow `next_cursor`). Create operations accept an "
        "`Idempotency-Key` header: a retry with the same key returns the first answer and never creates twice."
    ),
    urls_namespace="api:v1",
    auth=[TokenAuth(), BrowserSessionAuth()],
    throttle=[RatePerToken()],
    docs=LocalSwagger(),
    docs_url="/docs/",
)


def _error(request, status: int, code: str, message: str, details: list | None = None):
    return api.create_response(
        request, {"error": {"code": code, "message": str(message), "details": details or []}}, status=status
    )


def _clean_validation_errors(errors: list[dict]) -> list[dict]:
    cleaned = []
    for error in errors:
        cleaned.append(
            {
                "loc": [str(part) for part in error.get("loc", [])],
                "type": str(error.get("type", "")),
                "message": str(error.get("msg", "")),
            }
        )
    return cleaned


@api.exception_handler(DomainError)
def _domain_error(request, exc: DomainError):
    status = 409 if exc.code in CONFLICT_CODES else 400
    return _error(request, status, exc.code, exc.message)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    return _error(
        request, 422, "invalid", _("The request is not valid; see the details."), _clean_validation_errors(exc.errors)
    )


@api.exception_handler(DjangoValidationError)
def _django_validation_error(request, exc: DjangoValidationError):
    details = [{"loc": [], "type": "invalid", "message": str(message)} for message in exc.messages]
    return _error(request, 422, "invalid", exc.messages[0] if exc.messages else _("The request is not valid."), details)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found, or not visible to you."))


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return _error(request, 403, "forbidden", _("You do not have the permission for this."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    response = _error(request, 401, "unauthenticated", _("Authentication is required (a valid, unexpired token)."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Throttled)
def _throttled(request, exc):
    return _error(request, 429, "rate_limited", _("Too many requests; please slow down and retry later."))


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc, ApiError):
        return _error(request, exc.status_code, exc.code, exc.message, exc.details)
    codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))
