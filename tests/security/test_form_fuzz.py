"""Every form of the platform against hostile input (security issue, item 5).

For every page a signed-in caseworker or coordinator can open, the forms in its HTML are filled
with empty, oversized, wrong-type and script-laden values and submitted as a browser would. No
submission may cause a server error, and the script payload must never come back unescaped — on
the answer page or on the page after the redirect (no stored XSS).
"""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.permission_matrix import all_routes

SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = {
    "empty": lambda name, kind: "",
    "oversized": lambda name, kind: "长" * 20000,
    "wrong_type": lambda name, kind: "-99999999999999999999.5e9 abc",
    "script": lambda name, kind: SCRIPT + IMG,
}
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/")


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        posts = (attributes.get("method") or "get").lower() == "post" or attributes.get("hx-post") is not None
        if tag == "form" and posts:
            action = attributes.get("hx-post") or attributes.get("action") or ""
            self._current = {"action": action, "fields": [], "files": []}
            self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "textarea", "select"):
            name = attributes.get("name")
            kind = (attributes.get("type") or tag).lower()
            if not name or kind in ("submit", "button", "image", "reset") or name == "csrfmiddlewaretoken":
                return
            if kind == "file":
                self._current["files"].append(name)
            elif kind != "hidden":
                self._current["fields"].append((name, kind))

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


ROUTES = [
    r
    for r in all_routes()
    if r.method == "get" and not r.query and (r.expect.get("caseworker") == 200 or r.expect.get("coordinator") == 200)
]


def _client(world, route):
    persona = world.caseworker if route.expect.get("caseworker") == 200 else world.coordinator
    client = Client()
    world.sign_in(client, persona)
    return client


@pytest.mark.parametrize("route", ROUTES, ids=[r.id for r in ROUTES])
def test_forms_survive_hostile_input(route, world):
    client = _client(world, route)
    url = reverse(route.name, kwargs=route.kwargs(world) if route.kwargs else {})
    page = client.get(url)
    assert page.status_code == 200
    if page.streaming or "text/html" not in page.get("Content-Type", ""):
        pytest.skip("not an HTML page")
    parser = FormParser()
    parser.feed(page.content.decode(errors="replace"))
    forms = [form for form in parser.forms if not form["action"].startswith(SKIP_ACTIONS)]
    if not forms:
        pytest.skip("no form on this page")
    for form in forms:
        action = form["action"] or url
        if action.startswith("http"):
            continue
        for label, make in PAYLOADS.items():
            data = {name: make(name, kind) for name, kind in form["fields"]}
            response = client.post(action, data)
            assert response.status_code < 500, f"{label} payload to {action} gave {response.status_code}"
            if response.streaming:
                continue
            body = response.content.decode(errors="replace")
            assert SCRIPT not in body and IMG not in body, f"{label} payload echoed unescaped by {action}"
            if response.status_code in (301, 302, 303) and response["Location"].startswith("/"):
                follow = client.get(response["Location"])
                assert follow.status_code < 500
                if follow.streaming:
                    continue
                text = follow.content.decode(errors="replace")
                assert SCRIPT not in text and IMG not in text, f"stored script shown at {response['Location']}"
