"""Enterprises and collective contracts: registration and expiry reminders."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.permissions import Role
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError, notify_role
from shuniu.rights.models import CollectiveContract, Enterprise
from shuniu.rights.models.contracts import EXPIRY_WARNING_DAYS


def save_enterprise(enterprise: Enterprise, actor) -> Enterprise:
    """Create or update an enterprise (a validated form instance)."""
    scope = get_scope(actor)
    if enterprise.pk:
        if not scope.has("rights:contract_manage", enterprise.registered_by):
            raise PermissionDenied
    elif not scope.has("rights:contract_manage"):
        raise PermissionDenied
    created = enterprise.pk is None
    with transaction.atomic():
        if created:
            enterprise.registered_by = scope.primary_organization
        enterprise.save()
        log_action(
            "rights.enterprise.created" if created else "rights.enterprise.updated",
            actor=actor,
            organization=enterprise.registered_by,
            obj=enterprise,
        )
    return enterprise


def register_contract(contract: CollectiveContract, actor) -> CollectiveContract:
    scope = get_scope(actor)
    if not scope.has("rights:contract_manage"):
        raise PermissionDenied
    if contract.ends_on <= contract.starts_on:
        raise DomainError(_("The contract must end after it starts."))
    if contract.signed_on > contract.starts_on + timedelta(days=365):
        raise DomainError(_("The signing date is long after the start of the term; please check the dates."))
    with transaction.atomic():
        contract.organization = scope.primary_organization
        contract.created_by = actor
        contract.save()
        log_action("rights.contract.registered", actor=actor, organization=contract.organization, obj=contract)
        from shuniu.rights.tasks import schedule_contract_reminder

        transaction.on_commit(lambda: schedule_contract_reminder(contract.pk))
    return contract


def remind_expiring_contracts(today=None) -> int:
    """Tell the registering organisation about every contract that ends within 90 days and has not
    been reminded yet; returns how many contracts were reminded. Idempotent (reminder_sent_at)."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    reminded = 0
    for contract in CollectiveContract.objects.filter(
        reminder_sent_at__isnull=True, ends_on__lte=horizon, ends_on__gte=today
    ).select_related("enterprise", "organization"):
        with transaction.atomic():
            changed = CollectiveContract.objects.filter(pk=contract.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=timezone.now()
            )
            if changed != 1:
                continue
            from django.urls import reverse

            notify_role(
                contract.organization,
                [Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN],
                _("The %(kind)s of %(enterprise)s ends on %(date)s: prepare the renewal consultation")
                % {
                    "kind": contract.get_kind_display(),
                    "enterprise": contract.enterprise.name,
                    "date": contract.ends_on.isoformat(),
                },
                "",
                reverse("rights:enterprise_detail", args=[contract.enterprise_id]),
                level="warning",
                dedupe_key=f"rights-contract-expiry-{contract.pk}",
            )
            log_action("rights.contract.reminded", organization=contract.organization, obj=contract)
            reminded += 1
    return reminded
