import time
from datetime import timedelta

import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuniu.core.middleware import LAST_SEEN_KEY
from shuniu.core.models import AuditEntry
from tests.world import PASSWORD


def sign_in(client, username, password=PASSWORD):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_sign_in_and_out_are_audited(world):
    client = Client()
    response = sign_in(client, "caseworker")
    assert response.status_code == 302
    assert response["Location"] == "/home/"
    client.post("/accounts/logout/")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", "actor_label"))
    assert actions == [("core.auth.login", "caseworker"), ("core.auth.logout", "caseworker")]


def test_failed_sign_in_says_why_and_is_audited(world):
    response = sign_in(Client(), "caseworker", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    entry = AuditEntry.objects.get(action="core.auth.login_failed")
    assert entry.data == {"username": "caseworker"}


def test_account_locks_after_repeated_failures(world):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "caseworker", "wrong-password")
    response = sign_in(client, "caseworker")  # even the right password is refused now
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert AuditEntry.objects.filter(action="core.auth.locked_out").exists()


def test_coordinator_must_set_up_two_factor_before_working(world):
    client = Client()
    sign_in(client, "coordinator")
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/setup/"
    page = client.get("/accounts/two-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=world.coordinator, confirmed=False)
    wrong = client.post("/accounts/two-factor/setup/", {"token": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    # django-otp throttles after a wrong code (1 s, doubling); a person waits a moment, so does the test.
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
        response = client.post("/accounts/two-factor/setup/", {"token": code})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/home/").status_code == 200


def test_user_with_device_must_enter_code_after_password(world):
    device = TOTPDevice.objects.create(user=world.caseworker, name="phone", confirmed=True)
    client = Client()
    sign_in(client, "caseworker")
    response = client.get("/home/")
    assert response["Location"].startswith("/accounts/two-factor/verify/")
    response = client.post("/accounts/two-factor/verify/?next=/inbox/", {"token": "12345x"})
    assert "六位数字" in response.content.decode()
    response = client.post("/accounts/two-factor/verify/", {"token": "000000"})
    assert "验证码不正确" in response.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        code = f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"
        response = client.post("/accounts/two-factor/verify/", {"token": code, "next": "/inbox/"})
    assert response["Location"] == "/inbox/"


def test_caseworker_without_device_is_not_forced_to_two_factor(world):
    client = Client()
    sign_in(client, "caseworker")
    assert client.get("/home/").status_code == 200


def test_idle_session_ends_with_a_message(world, client_for):
    client = client_for(world.caseworker)
    assert client.get("/home/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.IDLE_TIMEOUT_MINUTES * 60 - 5
    session.save()
    response = client.get("/home/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "会话已结束" in response.content.decode()
    assert client.get("/home/").status_code == 302


def test_passwords_are_hashed_with_argon2_in_real_settings():
    import shuniu.settings as real

    assert real.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_security_headers_and_strict_csp(world, client_for):
    response = client_for(world.caseworker).get("/home/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()  # no inline script at all


def test_staff_pages_need_a_signed_in_user(client, world):
    response = client.get("/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
