"""Which models are searchable, and how to read them. See the package docstring for how to register."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models


class Audience:
    """Who may find an index entry before the model's own `visible_to` is asked.

    PUBLIC: everyone, anonymous visitors too. STAFF: every signed-in staff member.
    ORGANIZATION: staff of the entry's organisation (with its parents) and district roles.
    RESTRICTED: staff of any organisation, then the model's `visible` decides per record (for
    rules the index cannot express: co-handlers, sensitive categories).
    """

    PUBLIC = "public"
    STAFF = "staff"
    ORGANIZATION = "organization"
    RESTRICTED = "restricted"
    ALL = (PUBLIC, STAFF, ORGANIZATION, RESTRICTED)


@dataclass
class Chunk:
    """A piece of a record's body text and the page it is on (1-based; 0 when pages mean nothing)."""

    text: str
    page: int = 0


def _default_visible(model):
    return lambda user: model.objects.visible_to(user)


@dataclass
class Searchable:
    """How to index one model. Only `model`, `title`, `url` are required."""

    model: type[models.Model]
    title: Callable[[models.Model], str]
    url: Callable[[models.Model], str]
    label: str = ""
    body: Callable[[models.Model], str | list[Chunk]] = lambda obj: ""
    extra: Callable[[models.Model], str] = lambda obj: ""
    organization_id: Callable[[models.Model], int | None] = lambda obj: getattr(obj, "organization_id", None)
    audience: Callable[[models.Model], str] = lambda obj: Audience.ORGANIZATION
    category: Callable[[models.Model], str] = lambda obj: ""
    kind: Callable[[models.Model], str] = lambda obj: ""
    date: Callable[[models.Model], datetime | None] = lambda obj: getattr(obj, "created_at", None)
    should_index: Callable[[models.Model], bool] = lambda obj: True
    visible: Callable | None = None  # visible(user) -> queryset of records the user may see
    public_url: Callable[[models.Model], str] | None = None  # link for anonymous visitors
    key: str = field(init=False)

    def __post_init__(self):
        self.key = self.model._meta.label_lower
        if self.visible is None:
            self.visible = _default_visible(self.model)
        if not self.label:
            self.label = self.model._meta.verbose_name


_registry: dict[str, Searchable] = {}


def register(searchable: Searchable) -> Searchable:
    """Register a model (call from your AppConfig.ready()). Registering twice replaces."""
    _registry[searchable.key] = searchable
    return searchable


def get(key_or_model) -> Searchable | None:
    key = key_or_model if isinstance(key_or_model, str) else key_or_model._meta.label_lower
    return _registry.get(key)


def registered() -> list[Searchable]:
    return list(_registry.values())
