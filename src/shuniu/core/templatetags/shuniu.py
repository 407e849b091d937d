from django import template
from django.urls import reverse
from django.utils.html import format_html

from shuniu.core import crypto
from shuniu.core.scoping import get_scope

register = template.Library()

MASKS = {"id": crypto.mask_id_number, "phone": crypto.mask_phone, "name": crypto.mask_name}


@register.simple_tag(takes_context=True)
def masked(context, obj, field: str, kind: str = "id"):
    """The masked value, with a "show" button (reason asked, audited) for users who may reveal it."""
    value = getattr(obj, field, "") or ""
    if not value:
        return "—"
    shown = MASKS[kind](value)
    request = context.get("request")
    if request is None or not get_scope(request.user).has("personal_data:reveal"):
        return format_html('<span class="font-monospace">{}</span>', shown)
    url = reverse("core:reveal", args=[obj._meta.label_lower, obj.pk, field])
    return format_html(
        '<span class="masked-value" id="reveal-{}-{}-{}"><span class="font-monospace">{}</span> '
        '<button type="button" class="btn btn-outline-primary btn-sm py-0 px-2 ms-1" hx-get="{}" '
        'hx-target="#reveal-{}-{}-{}">{}</button>'
        "</span>",
        obj._meta.model_name,
        obj.pk,
        field,
        shown,
        url,
        obj._meta.model_name,
        obj.pk,
        field,
        _show_label(),
    )


def _show_label():
    from django.utils.translation import gettext

    return gettext("Show")


@register.simple_tag
def mask(value: str, kind: str = "id"):
    return MASKS[kind](value or "")


@register.filter
def has_perm_key(user, key: str) -> bool:
    return get_scope(user).has(key)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for filters and pagination links)."""
    request = context["request"]
    query = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag
def styled_field(bound_field, extra_class: str = ""):
    """Render a form field with Tabler's classes and the accessibility attributes for its errors."""
    widget = bound_field.field.widget
    input_type = getattr(widget, "input_type", "")
    if input_type in ("checkbox", "radio"):
        css = "form-check-input"
    elif widget.__class__.__name__ in ("Select", "SelectMultiple", "NullBooleanSelect"):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{css} {extra_class}".strip()}
    if bound_field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{bound_field.id_for_label}-error"
    elif bound_field.help_text:
        attrs["aria-describedby"] = f"{bound_field.id_for_label}-hint"
    return bound_field.as_widget(attrs=attrs)
