"""Affiliated social organisations, department contacts, procedures and news."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.models import Organization, OrganizationKind
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError
from shuniu.core.validators import normalize_credit_code, validate_credit_code
from shuniu.outreach.models import (
    DepartmentContact,
    NewsItem,
    Procedure,
    ProcedureStep,
    ProcedureVersion,
    SocialOrganizationProfile,
)


def _require(actor, key: str, organization=None) -> None:
    if not get_scope(actor).has(key, organization):
        raise DomainError(_("You may not do this for this organisation."), code="forbidden")


def save_social_organization(
    actor, *, hub: Organization, name: str, credit_code: str, profile: SocialOrganizationProfile, organization=None
) -> SocialOrganizationProfile:
    """Register (or update) an affiliated social organisation of `hub` with a valid, unique credit code."""
    _require(actor, "outreach:directory_manage", hub)
    code = normalize_credit_code(credit_code)
    try:
        validate_credit_code(code)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from None
    clash = Organization.objects.filter(credit_code=code)
    if organization is not None:
        clash = clash.exclude(pk=organization.pk)
    if clash.exists():
        raise DomainError(_("Another organisation is already registered with this credit code."))
    with transaction.atomic():
        created = organization is None
        if created:
            organization = Organization.objects.create(
                code=f"social-{code.lower()}",
                name=name,
                kind=OrganizationKind.SOCIAL_ORG,
                region=hub.region,
                hub=hub,
                credit_code=code,
            )
        else:
            organization.name = name
            organization.credit_code = code
            organization.save(update_fields=["name", "credit_code"])
        profile.organization = organization
        profile.save()
        log_action(
            "outreach.social_org.registered" if created else "outreach.social_org.updated",
            actor=actor,
            organization=hub,
            obj=organization,
            data={"status": profile.status},
        )
    return profile


def add_department_contact(actor, contact: DepartmentContact) -> DepartmentContact:
    _require(actor, "outreach:directory_manage")
    if contact.department.kind != OrganizationKind.GOV_DEPARTMENT:
        raise DomainError(_("Contacts can be added to government departments only."))
    with transaction.atomic():
        contact.save()
        log_action("outreach.department_contact.added", actor=actor, organization=contact.department, obj=contact)
    return contact


def add_procedure_version(actor, procedure: Procedure, version: ProcedureVersion, steps) -> ProcedureVersion:
    """A new version of a procedure (versions are never edited). The procedure row is locked so
    that two editors saving at once get numbers n+1 and n+2, not the same number."""
    _require(actor, "outreach:procedure_manage")
    steps = [step for step in steps if step.get("actor") and step.get("action")]
    if not steps:
        raise DomainError(_("A procedure needs at least one step: who does what."))
    with transaction.atomic():
        if procedure.pk is None:
            procedure.save()
        Procedure.objects.select_for_update().get(pk=procedure.pk)
        last = procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version.procedure = procedure
        version.number = last + 1
        version.created_by = actor
        version.save()
        ProcedureStep.objects.bulk_create(
            ProcedureStep(
                version=version,
                order=index,
                actor=step["actor"][:80],
                action=step["action"][:200],
                deadline_working_days=step.get("deadline_working_days"),
            )
            for index, step in enumerate(steps, start=1)
        )
        log_action(
            "outreach.procedure.version_added",
            actor=actor,
            organization=procedure.owner,
            obj=version,
            data={"code": procedure.code, "number": version.number},
        )
    return version


def publish_news(actor, item: NewsItem) -> NewsItem:
    _require(actor, "outreach:news_manage", item.organization)
    with transaction.atomic():
        item.created_by = actor
        item.save()
        log_action("outreach.news.published", actor=actor, organization=item.organization, obj=item)
    return item
