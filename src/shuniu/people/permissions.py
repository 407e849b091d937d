from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "people:view": _("See people served by own organisation"),
    "people:edit": _("Register and edit people"),
}
ROLE_GRANTS = {
    "hotline_operator": ["people:view", "people:edit"],
    "caseworker": ["people:view", "people:edit"],
    "supervisor": ["people:view", "people:edit"],
    "org_admin": ["people:view", "people:edit"],
    "district_coordinator": ["people:view"],
    "auditor": ["people:view"],
}
