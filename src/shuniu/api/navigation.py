from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("API tokens"), "api:tokens", "api:manage", icon="key", order=930, section="admin"),
]
