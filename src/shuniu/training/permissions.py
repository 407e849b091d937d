from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "training:view": _("See courses, sessions and participants of own organisation"),
    "training:manage": _("Run courses: sessions, enrolments, attendance, course requests"),
    "training:revoke": _("Revoke training certificates"),
    "training:reach": _("See training reach figures"),
}
ROLE_GRANTS = {
    "hotline_operator": ["training:view"],
    "caseworker": ["training:view", "training:manage", "training:reach"],
    "supervisor": ["training:view", "training:manage", "training:revoke", "training:reach"],
    "org_admin": ["training:view", "training:manage", "training:revoke", "training:reach"],
    "district_coordinator": ["training:view", "training:reach"],
    "auditor": ["training:view"],
}
