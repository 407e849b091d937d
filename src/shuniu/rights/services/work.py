"""Recorded work on a case: notes, contacts, mediation sessions, attachments, legal-aid assignment."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.services import DomainError
from shuniu.rights.models import ActivityKind, CaseActivity, CaseAttachment, LegalAidProvider, RightsCase
from shuniu.rights.services.common import acting_org, record_event, require_handler

WORKING_STATUSES = ("received", "accepted", "assigned", "in_progress", "reopened", "resolved", "declined")


def add_activity(
    case: RightsCase, actor, *, kind: str, body: str, occurred_at=None, participants: str = "", result: str = ""
) -> CaseActivity:
    require_handler(case, actor)
    if kind not in ActivityKind.values:
        raise DomainError(_("Choose what kind of work this was."))
    body = (body or "").strip()
    if len(body) < 2:
        raise DomainError(_("Please write what happened."))
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
        raise DomainError(_("The time of the work cannot be in the future."))
    if case.status not in WORKING_STATUSES and kind != ActivityKind.NOTE:
        raise DomainError(_("Contacts and mediation can only be recorded while the case is open."))
    with transaction.atomic():
        activity = CaseActivity.objects.create(
            case=case,
            kind=kind,
            body=body,
            occurred_at=occurred_at,
            participants=(participants or "").strip(),
            result=(result or "").strip(),
            author=actor,
            organization=acting_org(actor, case) or case.lead_org,
        )
        record_event(case, actor, f"activity_{kind}", note=body[:300])
        log_action(f"rights.case.{kind}_added", actor=actor, organization=case.lead_org, obj=case)
    return activity


def add_attachment(case: RightsCase, actor, uploaded_file) -> CaseAttachment:
    require_handler(case, actor)
    if uploaded_file is None:
        raise DomainError(_("Choose a file to upload."))
    if uploaded_file.size > settings.SHUNIU_MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The file is too large (at most %(mb)d MB).") % {"mb": settings.SHUNIU_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    name = uploaded_file.name.rsplit("/", 1)[-1][:200]
    with transaction.atomic():
        attachment = CaseAttachment.objects.create(
            case=case,
            file=uploaded_file,
            name=name,
            size=uploaded_file.size,
            uploaded_by=actor,
            organization=acting_org(actor, case) or case.lead_org,
        )
        record_event(case, actor, "attachment_added", note=name)
        log_action(
            "rights.case.attachment_added", actor=actor, organization=case.lead_org, obj=case, data={"name": name}
        )
    return attachment


def assign_legal_aid(case: RightsCase, actor, provider: LegalAidProvider, note: str = "") -> RightsCase:
    """Give the case to a lawyer or volunteer of a pool of an organisation handling it."""
    require_handler(case, actor)
    if not provider.is_active:
        raise DomainError(_("%(name)s is not available at the moment.") % {"name": provider.name})
    allowed = {case.lead_org_id, *case.participants.filter(role="co_handler").values_list("organization_id", flat=True)}
    if provider.organization_id not in allowed and provider.organization.parent_id not in allowed:
        raise DomainError(_("Choose a lawyer or volunteer from the pool of an organisation handling the case."))
    if not case.is_open:
        raise DomainError(_("Legal aid can only be assigned while the case is open."))
    with transaction.atomic():
        RightsCase.objects.filter(pk=case.pk).update(legal_aid_provider=provider, updated_at=timezone.now())
        case.legal_aid_provider = provider
        record_event(
            case,
            actor,
            "legal_aid_assigned",
            note=(_("Legal aid: %(provider)s.") % {"provider": provider}) + (f" {note}" if note else ""),
        )
        log_action(
            "rights.case.legal_aid_assigned",
            actor=actor,
            organization=case.lead_org,
            obj=case,
            data={"provider": provider.pk},
        )
    return case
