"""Account administration services: create staff users, grant and end memberships, deactivate.

Separation of duties (MLPS level 3): system administrators manage accounts; organisation
administrators manage the ordinary roles in their own organisation and its branches; security
administrators reset two-factor devices; auditors only read the audit log. Nobody changes their
own roles or account, and every action here is audited.
"""

import secrets

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuniu.core.audit import log_action
from shuniu.core.models import Membership, Organization, User
from shuniu.core.permissions import Role
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError

ORDINARY_ROLES = {Role.HOTLINE_OPERATOR, Role.CASEWORKER, Role.SUPERVISOR}


def grantable_roles(actor) -> list[str]:
    scope = get_scope(actor)
    if Role.SYSTEM_ADMIN in scope.roles:
        return list(Role.values)
    if scope.has("organization:manage"):
        return [role for role in Role.values if role in ORDINARY_ROLES]
    return []


def manageable_organizations(actor):
    scope = get_scope(actor)
    if Role.SYSTEM_ADMIN in scope.roles:
        return Organization.objects.filter(is_active=True)
    org_ids = scope.org_ids_with("organization:manage")
    if org_ids is None:
        return Organization.objects.filter(is_active=True)
    return Organization.objects.filter(pk__in=org_ids, is_active=True)


def manageable_users(actor):
    organizations = manageable_organizations(actor)
    return User.objects.filter(memberships__organization__in=organizations).distinct()


def _check_grant(actor, organization: Organization, role: str) -> None:
    if role not in grantable_roles(actor):
        raise DomainError(_("You may not grant the role %(role)s.") % {"role": Role(role).label})
    if not manageable_organizations(actor).filter(pk=organization.pk).exists():
        raise DomainError(_("You may not manage accounts of %(organization)s.") % {"organization": organization})


def create_user(
    actor, *, username: str, display_name: str, email: str, organization: Organization, role: str
) -> tuple[User, str]:
    """Create an account with one membership; returns (user, one-time initial password)."""
    _check_grant(actor, organization, role)
    username = username.strip()
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError(_("The user name %(username)s is taken.") % {"username": username})
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, display_name=display_name, email=email)
        Membership.objects.create(user=user, organization=organization, role=role)
        log_action(
            "core.account.created",
            actor=actor,
            organization=organization,
            obj=user,
            data={"role": role, "organization": organization.code},
        )
    return user, password


def grant_membership(actor, user: User, organization: Organization, role: str) -> Membership:
    if user.pk == actor.pk:
        raise DomainError(_("You cannot change your own roles."))
    _check_grant(actor, organization, role)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(user=user, organization=organization, role=role)
        if not created and membership.is_active:
            raise DomainError(_("This user already has that role there."))
        if not membership.is_active:
            membership.is_active = True
            membership.save(update_fields=["is_active"])
        log_action(
            "core.membership.granted",
            actor=actor,
            organization=organization,
            obj=user,
            data={"role": role, "organization": organization.code},
        )
    return membership


def end_membership(actor, membership: Membership) -> None:
    if membership.user_id == actor.pk:
        raise DomainError(_("You cannot change your own roles."))
    _check_grant(actor, membership.organization, membership.role)
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, is_active=True).update(is_active=False)
        if not updated:
            raise DomainError(_("This membership has already ended."))
        log_action(
            "core.membership.ended",
            actor=actor,
            organization=membership.organization,
            obj=membership.user,
            data={"role": membership.role},
        )


def set_active(actor, user: User, active: bool) -> None:
    """Deactivating ends the user's sessions at once: Django refuses inactive users on every request."""
    if user.pk == actor.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    if not manageable_users(actor).filter(pk=user.pk).exists():
        raise DomainError(_("You may not manage this account."))
    if get_scope(user).is_privileged and Role.SYSTEM_ADMIN not in get_scope(actor).roles:
        raise DomainError(_("Only a system administrator can deactivate a privileged account."))
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=active)
        log_action("core.account.activated" if active else "core.account.deactivated", actor=actor, obj=user)


def reset_two_factor(actor, user: User) -> int:
    """Security administrators remove a lost device; the user sets up a new one at next sign-in."""
    if Role.SECURITY_ADMIN not in get_scope(actor).roles:
        raise DomainError(_("Only a security administrator can reset two-factor sign-in."))
    if user.pk == actor.pk:
        raise DomainError(_("You cannot reset your own two-factor sign-in."))
    with transaction.atomic():
        count, _details = TOTPDevice.objects.filter(user=user).delete()
        log_action("core.account.two_factor_reset", actor=actor, obj=user, data={"devices": count})
    return count
