from django import template
from django.utils.html import format_html

register = template.Library()

# Colour and a symbol, so status is never told by colour alone (the label is always written too).
ITEM_STATUS_STYLE = {
    "on_track": ("green", "●"),
    "at_risk": ("yellow", "▲"),
    "overdue": ("red", "■"),
    "done": ("secondary", "✓"),
}
OTHER_STYLE = {
    "proposed": "azure",
    "accepted": "green",
    "dismissed": "secondary",
    "draft": "yellow",
    "submitted": "green",
    "planned": "yellow",
    "scheduled": "azure",
    "held": "green",
}


@register.simple_tag
def item_status(item_or_status, label=None):
    status = getattr(item_or_status, "status", item_or_status)
    if label is None:
        label = item_or_status.get_status_display()
    colour, symbol = ITEM_STATUS_STYLE.get(status, ("secondary", "●"))
    return format_html(
        '<span class="badge bg-{}-lt status-{}"><span aria-hidden="true">{}</span> {}</span>',
        colour,
        status,
        symbol,
        label,
    )


@register.simple_tag
def status_badge(obj):
    colour = OTHER_STYLE.get(obj.status, "secondary")
    return format_html('<span class="badge bg-{}-lt">{}</span>', colour, obj.get_status_display())


@register.filter
def item_colour(status):
    return ITEM_STATUS_STYLE.get(status, ("secondary", ""))[0]
