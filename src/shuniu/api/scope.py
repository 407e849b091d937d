"""What a request authenticated with a token may see and do.

A token narrows its user's reach to the token's organisation (with branches) and its permission
keys to the token's list. For a personal token the user's own roles still apply (a token never
grants more than its user holds); an integration token's service account has no memberships, so
the token's keys in the token's organisation are all it holds. The resulting `TokenScope` is put
on the user object where `get_scope(user)` finds it, so every `visible_to(user)` and service guard
works unchanged.
"""

from functools import cached_property

from shuniu.core.models import Membership
from shuniu.core.permissions import DISTRICT_ROLES, Role, require_known, role_permissions
from shuniu.core.scoping import Scope

from .models import ApiToken, TokenKind


class TokenScope(Scope):
    def __init__(self, token: ApiToken):
        self.user = token.user
        self.token = token
        token_keys = frozenset(token.permissions)
        organization = token.organization
        # Each grant: (organisation path prefix or None for district-wide, permission keys, role).
        grants: list[tuple[str | None, frozenset[str], str]] = []
        if token.kind == TokenKind.INTEGRATION:
            grants.append((organization.path, token_keys, Role.CASEWORKER))
        else:
            for membership in Scope(token.user).memberships:
                keys = role_permissions(membership.role) & token_keys
                if not keys:
                    continue
                if membership.organization_id == organization.pk and membership.role in DISTRICT_ROLES:
                    grants.append((None, keys, membership.role))
                elif organization.path.startswith(membership.organization.path):
                    grants.append((organization.path, keys, membership.role))
        self.grants = grants
        self.memberships = [
            Membership(user=token.user, organization=organization, role=role, is_active=True) for _p, _k, role in grants
        ]

    @cached_property
    def roles(self) -> set[str]:
        return {role for _path, _keys, role in self.grants}

    @cached_property
    def permissions(self) -> frozenset[str]:
        keys: set[str] = set()
        for _path, grant_keys, _role in self.grants:
            keys |= grant_keys
        return frozenset(keys)

    @cached_property
    def is_district(self) -> bool:
        return any(path is None for path, _keys, _role in self.grants)

    @cached_property
    def is_privileged(self) -> bool:
        return False

    def has(self, key: str, organization=None) -> bool:
        require_known(key)
        for path, keys, _role in self.grants:
            if key not in keys:
                continue
            if organization is None or path is None or organization.path.startswith(path):
                return True
        return False

    def org_ids_with(self, key: str) -> set[int] | None:
        require_known(key)
        paths = []
        for path, keys, _role in self.grants:
            if key in keys:
                if path is None:
                    return None
                paths.append(path)
        return self._subtree_ids(tuple(paths))

    @cached_property
    def reachable_org_ids(self) -> set[int] | None:
        if self.is_district:
            return None
        return self._subtree_ids(tuple(path for path, _keys, _role in self.grants))


def bind_token(token: ApiToken):
    """The token's user with the token's scope attached (what `request.user` becomes)."""
    user = token.user
    user._shuniu_scope = TokenScope(token)
    return user
