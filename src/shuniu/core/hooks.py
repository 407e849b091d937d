"""Discovery of the optional per-app modules that let apps plug into the shell without editing core:

- `permissions.py`  PERMISSIONS and ROLE_GRANTS (merged at start-up)
- `navigation.py`   MENU: list of NavItem, shown by permission
- `home.py`         cards(request) -> list of HomeCard, for the role's home page
- `seed.py`         seed(context) for `shuniu seed-demo`
"""

from dataclasses import dataclass, field
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType

from django.conf import settings

from shuniu.core import permissions


def app_modules(name: str) -> list[ModuleType]:
    """Import `shuniu.<app>.<name>` for every Shuniu app that has it, in INSTALLED_APPS order."""
    found = []
    for app in settings.SHUNIU_APPS:
        dotted = f"{app}.{name}"
        if find_spec(dotted):
            found.append(import_module(dotted))
    return found


_loaded = False


def load_app_permissions() -> None:
    global _loaded
    if _loaded:
        return
    for module in app_modules("permissions"):
        if module.__name__ == "shuniu.core.permissions":
            continue
        permissions.register(
            getattr(module, "PERMISSIONS", {}), getattr(module, "ROLE_GRANTS", {}), source=module.__name__
        )
    permissions.validate()
    _loaded = True


@dataclass(frozen=True)
class NavItem:
    """One entry of the staff navigation; shown when the user holds `permission` (any organisation)."""

    label: str
    url_name: str
    permission: str
    icon: str = "circle"
    order: int = 100
    section: str = ""
    children: tuple["NavItem", ...] = field(default_factory=tuple)


@dataclass
class HomeCard:
    """A tile on a role's home page: a count of work with a link, and what to do when there is none."""

    title: str
    count: int | None
    url: str
    empty_text: str = ""
    tone: str = "primary"
    order: int = 100
    items: list[tuple[str, str]] = field(default_factory=list)  # (label, url) of the first few rows


def navigation_items() -> list[NavItem]:
    items: list[NavItem] = []
    for module in app_modules("navigation"):
        items.extend(getattr(module, "MENU", []))
    return sorted(items, key=lambda item: item.order)


def home_cards(request) -> list[HomeCard]:
    cards: list[HomeCard] = []
    for module in app_modules("home"):
        cards.extend(module.cards(request))
    return sorted(cards, key=lambda card: card.order)
