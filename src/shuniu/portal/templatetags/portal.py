"""Links from the portal to other apps' public pages, which are built in parallel: a URL name that
does not resolve (yet) renders nothing, or a quiet "coming soon" hint, never an error."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def resolve(name: str, *args) -> str:
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.simple_tag
def public_url(name: str, *args) -> str:
    """`{% public_url "rights_public:intake" as url %}{% if url %}…{% endif %}`"""
    return resolve(name, *args)


@register.simple_tag
def public_link(name: str, label: str, css: str = "", hint: bool = True):
    """A link to another app's public page, or a disabled hint when it is not available."""
    url = resolve(name)
    if url:
        return format_html('<a class="{}" href="{}">{}</a>', css, url, label)
    if not hint:
        return ""
    return format_html(
        '<span class="{} disabled" aria-disabled="true">{} <span class="small">({})</span></span>',
        css,
        label,
        _("coming soon"),
    )
