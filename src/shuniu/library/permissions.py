from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "library:view": _("Browse and search the resource library"),
    "library:upload": _("Upload resources to the library for own organisation"),
    "library:moderate": _("Handle content reports about own organisation's resources"),
}

ROLE_GRANTS = {
    "hotline_operator": ["library:view"],
    "caseworker": ["library:view", "library:upload"],
    "supervisor": ["library:view", "library:upload", "library:moderate"],
    "org_admin": ["library:view", "library:upload", "library:moderate"],
    "district_coordinator": ["library:view", "library:upload", "library:moderate"],
    "auditor": ["library:view"],
    "system_admin": ["library:view"],
    "security_admin": ["library:view"],
}
