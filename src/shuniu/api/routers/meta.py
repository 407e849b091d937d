"""Who am I: the caller's identity, organisation and permission keys (for integrators checking a token)."""

from datetime import datetime

from ninja import Router, Schema

from shuniu.core.scoping import get_scope

from ..base import responses

router = Router(tags=["meta"])


class WhoAmI(Schema):
    username: str
    display_name: str
    authentication: str
    token_name: str | None = None
    token_kind: str | None = None
    token_expires_at: datetime | None = None
    organization_ids: list[int]
    permissions: list[str]


@router.get("/me", response=responses(WhoAmI), summary="The caller and what it may do")
def who_am_i(request):
    scope = get_scope(request.user)
    token = getattr(request, "api_token", None)
    return {
        "username": request.user.get_username(),
        "display_name": str(request.user),
        "authentication": "token" if token else "session",
        "token_name": token.name if token else None,
        "token_kind": token.kind if token else None,
        "token_expires_at": token.expires_at if token else None,
        "organization_ids": sorted({membership.organization.pk for membership in scope.memberships}),
        "permissions": sorted(scope.permissions),
    }
