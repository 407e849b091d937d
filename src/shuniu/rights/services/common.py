"""Helpers shared by the rights services: who may act, timeline entries, notifications."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from shuniu.core.models import Membership, User
from shuniu.core.permissions import Role
from shuniu.core.scoping import get_scope
from shuniu.core.services import notify, notify_role
from shuniu.rights.models import CaseEvent, ParticipantRole, RightsCase


def require_handler(case: RightsCase, actor, key: str = "rights:case_handle") -> None:
    """The actor holds `key` in the lead organisation or a co-handling one (district roles: any).
    Views have already checked that the case is visible; this is the second, action-level gate."""
    scope = get_scope(actor)
    org_ids = scope.org_ids_with(key)
    if org_ids is None:
        return
    if case.lead_org_id in org_ids:
        return
    if case.participants.filter(organization_id__in=org_ids, role=ParticipantRole.CO_HANDLER).exists():
        return
    raise PermissionDenied(_("You may not do this for a case your organisation does not handle."))


def acting_org(actor, case: RightsCase | None = None):
    """The actor's organisation for the timeline: the one involved in the case when there is one."""
    scope = get_scope(actor)
    if not scope.memberships:
        return None
    if case is not None:
        for membership in scope.memberships:
            if membership.organization_id == case.lead_org_id:
                return membership.organization
    return scope.primary_organization


def record_event(case, actor, action: str, *, from_status: str = "", to_status: str = "", note: str = "") -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        organization=acting_org(actor, case) if actor is not None else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


def case_url(case: RightsCase) -> str:
    from django.urls import reverse

    return reverse("rights:case_detail", args=[case.pk])


def notify_org_staff(organization, title: str, body: str, url: str, *, dedupe_key: str = "", level: str = "info"):
    """Tell the people who pick up new work in an organisation (caseworkers and supervisors)."""

    def send():
        notify_role(
            organization,
            [Role.CASEWORKER, Role.SUPERVISOR],
            title,
            body,
            url,
            level=level,
            dedupe_key=dedupe_key,
        )

    transaction.on_commit(send)


def coordinators():
    return User.objects.filter(
        memberships__in=Membership.objects.filter(role=Role.DISTRICT_COORDINATOR, is_active=True), is_active=True
    ).distinct()


def notify_coordinators(title: str, body: str, url: str, *, dedupe_key: str = "", level: str = "warning") -> int:
    return notify(coordinators(), title, body, url, level=level, dedupe_key=dedupe_key)
