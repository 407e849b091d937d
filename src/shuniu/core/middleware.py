import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from shuniu.core import request_context
from shuniu.core.scoping import get_scope

LAST_SEEN_KEY = "shuniu_last_seen"
OPEN_PREFIXES = (
    "/static/",
    "/i18n/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/portal/",
    "/api/",
    "/favicon",
)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client IP available to audit entries written inside services."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_context.set_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            request_context.reset_ip(token)


class IdleTimeoutMiddleware:
    """Ends a staff session after SHUNIU_IDLE_TIMEOUT_MINUTES without a request, and says so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            if last_seen is not None and now - last_seen > settings.IDLE_TIMEOUT_MINUTES * 60:
                from shuniu.core.audit import log_action

                log_action("core.auth.session_expired", actor=request.user)
                logout(request)
                messages.warning(request, _("Your session ended after a period of inactivity. Please sign in again."))
                return redirect(f"{reverse('core:login')}?next={request.get_full_path()}")
            if last_seen is None or now - last_seen > 30:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Users with a TOTP device must enter a code after the password; privileged roles must set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES) and not user.is_verified():
            from django_otp import user_has_device

            if user_has_device(user, confirmed=True):
                return redirect(f"{reverse('core:two_factor_verify')}?next={request.get_full_path()}")
            if settings.REQUIRE_TWO_FACTOR and get_scope(user).is_privileged:
                return redirect(reverse("core:two_factor_setup"))
        return self.get_response(request)
