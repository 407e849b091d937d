from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("Aid applications"), "relief:applications", "relief:view", icon="heart-handshake", order=30),
    NavItem(_("Aid review"), "relief:review", "relief:approve", icon="checks", order=31),
    NavItem(_("Aid programmes"), "relief:programmes", "relief:view", icon="gift", order=32),
    NavItem(_("Aid ledger"), "relief:ledger", "relief:view", icon="coin", order=33),
    NavItem(_("Duplicate aid"), "relief:duplicate_aid", "relief:report", icon="copy", order=34),
    NavItem(_("Coverage gaps"), "relief:coverage_gap", "relief:report", icon="map", order=35),
]
