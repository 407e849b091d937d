from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("Activities"), "outreach:activities", "outreach:view", icon="calendar-event", order=600),
    NavItem(_("Volunteer hours"), "outreach:hours_queue", "outreach:hours_confirm", icon="clock", order=601),
    NavItem(_("Volunteers"), "outreach:volunteers", "outreach:view", icon="heart-handshake", order=602),
    NavItem(_("Stories"), "outreach:stories", "outreach:view", icon="award", order=603),
    NavItem(_("Social organisations"), "outreach:social_orgs", "outreach:view", icon="building-community", order=604),
    NavItem(_("Government partners"), "outreach:partners", "outreach:view", icon="building-bank", order=605),
    NavItem(_("Procedures"), "outreach:procedures", "outreach:view", icon="file-certificate", order=606),
    NavItem(_("Portal news"), "outreach:news", "outreach:view", icon="news", order=607),
    NavItem(
        pgettext_lazy("outreach", "Referrals to social organisations"),
        "outreach:referrals",
        "outreach:view",
        icon="arrows-right-left",
        order=608,
    ),
]
