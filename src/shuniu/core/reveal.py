"""Which encrypted fields can be revealed (with permission, a reason and an audit entry).

Apps register their models: `reveal.register("people.person", ["id_number", "phone"])`, usually in
their `AppConfig.ready` or at import of `models.py`. The model's manager must offer `visible_to`.
"""

from django.apps import apps

_registry: dict[str, set[str]] = {}


def register(model_label: str, fields: list[str]) -> None:
    _registry.setdefault(model_label.lower(), set()).update(fields)


def lookup(model_label: str, field: str):
    """The model class when (model, field) may be revealed, else None."""
    if field not in _registry.get(model_label.lower(), set()):
        return None
    try:
        return apps.get_model(model_label)
    except (LookupError, ValueError):
        return None
