from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "api:manage": _("Create and revoke API tokens and webhooks of own organisation"),
}
ROLE_GRANTS = {
    "org_admin": ["api:manage"],
    "district_coordinator": ["api:manage"],
    "system_admin": ["api:manage"],
}
