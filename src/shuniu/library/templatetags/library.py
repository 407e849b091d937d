from django import template

from shuniu.library.links import links_for, target_key

register = template.Library()


@register.inclusion_tag("library/_links.html", takes_context=True)
def library_links(context, record, editable=False):
    """Resources attached to `record` (see shuniu.library.links), with a picker when editable."""
    request = context["request"]
    return {
        "links": links_for(request.user, record),
        "target": target_key(record),
        "editable": editable,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
