from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("Training"), "training:index", "training:view", icon="school", order=40),
    NavItem(_("Venues and instructors"), "training:venues", "training:view", icon="building", order=41),
    NavItem(_("Course requests"), "training:requests", "training:view", icon="inbox", order=42),
    NavItem(_("Training reach"), "training:reach", "training:reach", icon="chart-bar", order=43),
]
