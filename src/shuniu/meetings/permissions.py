from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "meetings:view": _("See the joint meetings own organisation takes part in"),
    "meetings:submit": _("Write own organisation's submissions and progress reports"),
    "meetings:host": _("Run a joint meeting hosted by own organisation"),
    "meetings:manage": _("Keep meeting series and supervise action items (joint office)"),
}
_STAFF = ["meetings:view", "meetings:submit", "meetings:host", "meetings:manage"]
ROLE_GRANTS = {
    "hotline_operator": ["meetings:view"],
    "caseworker": _STAFF,
    "supervisor": _STAFF,
    "org_admin": _STAFF,
    "district_coordinator": ["meetings:view", "meetings:host", "meetings:manage"],
    "auditor": ["meetings:view"],
}
