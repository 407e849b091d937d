"""Permission keys `{area}:{action}` declared as data, and the roles that grant them.

Every app may declare more keys and grants in its own `permissions.py`:

    PERMISSIONS = {"rights:case_view": _("See rights cases of own organisation")}
    ROLE_GRANTS = {"caseworker": ["rights:case_view"]}

`hooks.load_app_permissions()` merges them at start-up; a role granting an unknown key, or a key
not of the form `area:action`, stops the start (ImproperlyConfigured).
"""

import re

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

KEY_PATTERN = re.compile(r"^[a-z][a-z_]*:[a-z][a-z_]*$")


class Role(models.TextChoices):
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    ORG_ADMIN = "org_admin", _("Organisation administrator")
    DISTRICT_COORDINATOR = "district_coordinator", _("District coordinator")
    AUDITOR = "auditor", _("Auditor")
    SYSTEM_ADMIN = "system_admin", _("System administrator")
    SECURITY_ADMIN = "security_admin", _("Security administrator")


# Roles whose reach is the whole district rather than their own organisation's branches.
DISTRICT_ROLES = {Role.DISTRICT_COORDINATOR, Role.AUDITOR}
# Roles that must use two-factor sign-in.
PRIVILEGED_ROLES = {Role.DISTRICT_COORDINATOR, Role.ORG_ADMIN, Role.AUDITOR, Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN}

PERMISSIONS: dict[str, str] = {
    "core:home": _("Use the staff workspace"),
    "core:inbox": _("Read own notifications"),
    "audit:view": _("Search the audit log"),
    "audit:verify": _("Verify the audit chain"),
    "personal_data:reveal": _("Reveal a full ID number or phone number, with a reason"),
    "calendar:manage": _("Manage working-day overrides"),
    "organization:manage": _("Manage organisations and memberships"),
    "user:manage": _("Manage user accounts"),
    "account:view": _("See the accounts one may administer"),
}

STAFF = ["core:home", "core:inbox"]
ROLE_GRANTS: dict[str, list[str]] = {
    Role.HOTLINE_OPERATOR: [*STAFF],
    Role.CASEWORKER: [*STAFF, "personal_data:reveal"],
    Role.SUPERVISOR: [*STAFF, "personal_data:reveal"],
    Role.ORG_ADMIN: [*STAFF, "personal_data:reveal", "organization:manage", "account:view"],
    Role.DISTRICT_COORDINATOR: [
        *STAFF,
        "personal_data:reveal",
        "calendar:manage",
        "organization:manage",
        "account:view",
    ],
    Role.AUDITOR: [*STAFF, "audit:view", "audit:verify"],
    Role.SYSTEM_ADMIN: [*STAFF, "user:manage", "calendar:manage", "account:view"],
    Role.SECURITY_ADMIN: [*STAFF, "user:manage", "audit:verify", "account:view"],
}


def register(permissions: dict[str, str], grants: dict[str, list[str]], source: str) -> None:
    """Merge one app's keys and grants into the registry, refusing malformed or unknown keys."""
    for key, label in permissions.items():
        if not KEY_PATTERN.match(key):
            raise ImproperlyConfigured(f"{source}: permission key {key!r} is not of the form area:action")
        if key in PERMISSIONS and PERMISSIONS[key] != label:
            raise ImproperlyConfigured(f"{source}: permission key {key!r} is declared twice")
        PERMISSIONS[key] = label
    for role, keys in grants.items():
        if role not in Role.values:
            raise ImproperlyConfigured(f"{source}: unknown role {role!r}")
        ROLE_GRANTS.setdefault(role, [])
        for key in keys:
            if key not in ROLE_GRANTS[role]:
                ROLE_GRANTS[role].append(key)


def validate() -> None:
    """Every granted key must be declared: a typo in a grant stops the start instead of hiding a page."""
    for role, keys in ROLE_GRANTS.items():
        for key in keys:
            if key not in PERMISSIONS:
                raise ImproperlyConfigured(f"role {role!r} grants unknown permission key {key!r}")


def role_permissions(role: str) -> frozenset[str]:
    return frozenset(ROLE_GRANTS.get(role, ()))


def require_known(key: str) -> str:
    """Used where code names a key (decorators, API): an unknown key is a programming error."""
    if key not in PERMISSIONS:
        raise ImproperlyConfigured(f"unknown permission key {key!r}")
    return key
