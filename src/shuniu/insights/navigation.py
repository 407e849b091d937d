from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("Cockpit"), "insights:cockpit", "insights:view", icon="chart-bar", order=5),
    NavItem(_("Period reports"), "insights:reports", "insights:report", icon="file-spreadsheet", order=6),
]
