from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "insights:view": _("See the dashboard of own organisation (district roles: the district cockpit)"),
    "insights:report": _("Generate and subscribe to period reports"),
}
ROLE_GRANTS = {
    "caseworker": ["insights:view"],
    "supervisor": ["insights:view", "insights:report"],
    "org_admin": ["insights:view", "insights:report"],
    "district_coordinator": ["insights:view", "insights:report"],
    "auditor": ["insights:view"],
}
