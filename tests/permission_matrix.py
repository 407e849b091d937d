"""The permission matrix: every named URL × every persona, with the status each must get.

Each app lists its routes in `tests/<app>/routes.py`:

    from tests.permission_matrix import Route, ORG_SCOPED, STAFF, PUBLIC

    ROUTES = [
        Route("rights:queue", expect=STAFF),
        Route("rights:case_detail", kwargs=lambda w: {"pk": make_case(w).pk}, expect=ORG_SCOPED),
        Route("rights:case_accept", method="post", kwargs=..., expect={...}),
    ]

`kwargs(world)` builds what the URL needs; records it creates belong to the caseworker's
organisation (org_a), so `outsider` (org_b) must get 404. `tests/core/test_permission_matrix.py`
fails when any named URL in the project has no Route, so a new view cannot skip the matrix.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

PERSONAS = ("caseworker", "colleague", "outsider", "coordinator", "anonymous")

# Common expectations. 302 for anonymous means "sent to the sign-in page".
PUBLIC = dict.fromkeys(PERSONAS, 200)
STAFF = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 200, "anonymous": 302}
ORG_SCOPED = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 200, "anonymous": 302}
COORDINATOR_ONLY = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 200, "anonymous": 302}


@dataclass
class Route:
    name: str
    expect: dict[str, int]
    kwargs: Callable | None = None
    method: str = "get"
    data: Callable | dict | None = None
    query: str = ""
    htmx: bool = False
    note: str = ""
    id: str = field(default="")

    def __post_init__(self):
        missing = set(PERSONAS) - set(self.expect)
        if missing:
            raise ValueError(f"route {self.name}: no expectation for {sorted(missing)}")
        if not self.id:
            self.id = f"{self.name}:{self.method}{':' + self.note if self.note else ''}"


# Named URLs that are not Shuniu views (Django's own) or are covered elsewhere, with the reason.
EXEMPT = {
    "set_language": "Django's language switch (POST only, no data)",
}
EXEMPT_NAMESPACES = {"admin": "Django admin, superusers only; not part of the staff UI"}


def all_routes() -> list[Route]:
    routes: list[Route] = []
    for path in sorted(Path(__file__).parent.glob("*/routes.py")):
        module = import_module(f"tests.{path.parent.name}.routes")
        routes.extend(module.ROUTES)
    return routes


def project_url_names() -> set[str]:
    """Every named URL pattern of the project, as `namespace:name`."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names: set[str] = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, "")
    return names
