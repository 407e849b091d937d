"""Browser tests: Playwright driving Debian's chromium (/usr/bin/chromium) against pytest-django's
live server. Skipped with a clear reason when no chromium is installed (.ci/run installs it)."""

import os
import shutil
import threading

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from tests.world import PASSWORD


# One request at a time inside the test server: with the in-memory SQLite database every server
# thread shares one connection, and a page's parallel image requests used it at once ("bad
# parameter or other API misuse", then a broken session and the sign-in page). Connections stay
# threaded (keep-alive works); only the application call is serialised.
class _SerialServer(ThreadedWSGIServer):
    def set_app(self, application):
        lock = threading.Lock()

        def serial(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(serial)


LiveServerThread.server_class = _SerialServer

# Playwright's sync API runs an event loop in this thread; the ORM calls in test set-up are still
# plain synchronous code, so Django's async-safety guard must be told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SHUNIU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Ceilings, not expectations: with two test workers on two busy cores the first request to a fresh
# live server took over 15 s, and so did a click on a certificate link (the PDF is made on request).
ACTION_TIMEOUT_MS = 30000
NAVIGATION_TIMEOUT_MS = 60000
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    # expect() polls for 5 s by default: give it as long as an action may take on a loaded CI machine.
    expect.set_options(timeout=ACTION_TIMEOUT_MS)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def new_page(browser, live_server, phone=False):
    """A page in a browser context of its own (its own cookies: one person, one device), on a
    desktop or a phone-sized touch screen. Close it with page.context.close()."""
    options = {"viewport": PHONE if phone else DESKTOP, "locale": "zh-CN", "base_url": live_server.url}
    if phone:
        options.update(is_mobile=True, has_touch=True)
    page = browser.new_context(**options).new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS)
    page.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    return page


@pytest.fixture
def page(browser, live_server):
    page = new_page(browser, live_server)
    yield page
    page.context.close()


@pytest.fixture
def phone_page(browser, live_server):
    page = new_page(browser, live_server, phone=True)
    yield page
    page.context.close()


@pytest.fixture
def sign_in():
    """sign_in(page, user): the real sign-in form; users with a TOTP device enter a computed code."""

    def do(page, user, password=PASSWORD):
        page.goto("/accounts/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", password)
        # click() does not wait for the navigation it starts: wait for the next page before reading its URL.
        with page.expect_navigation():
            page.click("#main form button[type=submit]")
        if "/two-factor/" in page.url:
            from django_otp.oath import TOTP
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.filter(user=user).order_by("-id").first()
            page.fill("input[name=token]", f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}")
            with page.expect_navigation():
                page.click("#main form button[type=submit]")

    return do


@pytest.fixture
def axe():
    """axe(page) runs axe-core (served from our static files) and returns serious/critical violations."""

    def run(page):
        # Loaded from our own static files: the strict CSP allows same-origin scripts only.
        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return run
