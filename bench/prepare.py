"""Runs inside Django (same settings as the server under test): signed-in sessions, an API token
and sample ids for the web scenarios. Prints one JSON object."""

import json
import os
from datetime import timedelta
from urllib.parse import quote

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shuniu.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from shuniu.core.models import User  # noqa: E402


def session_cookie(username: str) -> str:
    user = User.objects.get(username=username)
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()  # the server's session engine
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store["otp_device_id"] = device.persistent_id
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def url(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def collect() -> dict:
    from shuniu.people.models import Person
    from shuniu.rights.models import RightsCase

    caseworker = "women_caseworker"
    worker_user = User.objects.get(username=caseworker)
    visible = RightsCase.objects.visible_to(worker_user).order_by("-id").values_list("id", flat=True)[:2000]
    cases = list(visible)
    people = list(Person.objects.visible_to(worker_user).order_by("-id")[:200])
    token = None
    try:
        from shuniu.api.services import create_token
        from shuniu.core.models import Organization

        admin = User.objects.get(username="women_admin")
        _token, token = create_token(
            admin,
            name="bench",
            kind="integration",
            organization=Organization.objects.get(code="womens-federation"),
            permissions=["rights:case_view"],
            expires_at=timezone.now() + timedelta(days=2),
            rate_limit_per_minute=6000,
        )
    except Exception as error:
        token = f"ERROR {error}"
    words = ["欠薪", "工伤", "家暴", "社保", "合同"]
    return {
        "caseworker_cookie": session_cookie(caseworker),
        "coordinator_cookie": session_cookie("coordinator"),
        "case_ids": cases,
        "queue": url("rights:queue"),
        "referral_inbox": (url("rights:queue") or "") + "?tab=referrals",
        "search_paths": [f"{url('rights:queue')}?tab=all&q={quote(word)}" for word in words],
        "person_lookup_paths": [f"{url('people:list')}?q={person.phone}" for person in people[:100]],
        "cockpit": url("insights:cockpit"),
        "api_cases": "/api/v1/rights/cases",
        "api_token": token,
    }


def main() -> None:
    print(json.dumps(collect()))


if __name__ == "__main__":
    main()
