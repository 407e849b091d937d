from django.core import checks

from shuniu.core import permissions


@checks.register()
def permission_registry(app_configs, **kwargs):
    errors = []
    for role, keys in permissions.ROLE_GRANTS.items():
        errors.extend(
            checks.Error(f"role {role!r} grants unknown permission key {key!r}", id="shuniu.E001")
            for key in keys
            if key not in permissions.PERMISSIONS
        )
    return errors
