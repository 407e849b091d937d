"""A government department's cases and action items, read from the rights and meetings apps when
they are there (both are built in parallel; missing models or fields give empty lists)."""

from importlib import import_module

from django.db.models import Q


def _model(module: str, name: str):
    try:
        return getattr(import_module(module), name, None)
    except ImportError:
        return None


def _field_names(model) -> set[str]:
    return {field.name for field in model._meta.get_fields()}


def department_cases(user, department, limit: int = 20) -> list:
    """Rights cases the user may see that the department leads or handles (referrals to it)."""
    model = _model("shuniu.rights.models", "RightsCase")
    if model is None or not hasattr(model.objects, "visible_to"):
        return []
    names = _field_names(model)
    query = Q()
    for name in ("lead_org", "organization", "co_handlers"):
        if name in names:
            query |= Q(**{name: department})
    if "referrals" in names:
        query |= Q(referrals__to_organization=department) if _has_referral_target(model) else Q()
    if not query:
        return []
    return list(model.objects.visible_to(user).filter(query).distinct().order_by("-pk")[:limit])


def _has_referral_target(model) -> bool:
    related = model._meta.get_field("referrals").related_model
    return "to_organization" in _field_names(related)


def department_action_items(user, department, limit: int = 20) -> list:
    """Supervised action items (督办) assigned to the department, when the meetings app has them."""
    model = _model("shuniu.meetings.models", "ActionItem")
    if model is None:
        return []
    names = _field_names(model)
    field = next((name for name in ("responsible_org", "owner", "organization", "assignee_org") if name in names), None)
    if field is None:
        return []
    queryset = model.objects.visible_to(user) if hasattr(model.objects, "visible_to") else model.objects.none()
    return list(queryset.filter(**{field: department}).order_by("-pk")[:limit])
