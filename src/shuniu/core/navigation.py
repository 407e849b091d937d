from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("Home"), "core:home", "core:home", icon="home", order=0),
    NavItem(_("Inbox"), "core:inbox", "core:inbox", icon="bell", order=1),
    NavItem(_("Accounts"), "core:users", "account:view", icon="users", order=890, section="admin"),
    NavItem(_("Audit log"), "core:audit_log", "audit:view", icon="shield", order=900, section="admin"),
    NavItem(_("Working-day calendar"), "core:calendar", "calendar:manage", icon="calendar", order=910, section="admin"),
]
