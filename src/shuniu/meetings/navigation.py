from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("Joint meetings"), "meetings:index", "meetings:view", icon="users", order=60),
    NavItem(_("Supervision board"), "meetings:board", "meetings:view", icon="checklist", order=61),
]
