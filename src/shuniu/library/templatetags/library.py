from django import template

from shuniu.library.links import can_change_links, can_see_links, links_for, target_key

register = template.Library()


@register.inclusion_tag("library/_links.html", takes_context=True)
def library_links(context, record, editable=False):
    """Resources attached to `record` (see shuniu.library.links), with a picker when editable and
    the viewer may change them (`LINK_RULES`)."""
    request = context["request"]
    return {
        "links": links_for(request.user, record),
        "target": target_key(record),
        "editable": editable and can_change_links(request.user, record),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("library/_links_card.html", takes_context=True)
def library_links_card(context, record, editable=False, css_class="mb-3"):
    """`library_links` in a card with its heading; nothing at all when the viewer may not see the
    record's links (a sensitive case whose details are hidden from them)."""
    request = context["request"]
    return {
        "record": record,
        "editable": editable,
        "css_class": css_class,
        "visible": can_see_links(request.user, record),
        "target": target_key(record),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
