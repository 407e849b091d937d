"""Referral and joint handling (转介, 联合办理).

A referral asks another organisation or department to take the case over (transfer) or to handle
it with us (joint). The receiver answers within its own deadline; the case's deadlines keep
running. Accepting is a compare-and-set on the referral's status, so when two people accept the
same referral at once exactly one wins and the other is told who answered first.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.events import publish
from shuniu.core.models import Organization
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError
from shuniu.core.workdays import deadline_after
from shuniu.rights.models import (
    CaseParticipant,
    ParticipantRole,
    Referral,
    ReferralMode,
    ReferralStatus,
    RightsCase,
    Status,
)
from shuniu.rights.services.common import case_url, notify_org_staff, record_event, require_handler
from shuniu.rights.services.lifecycle import _serve
from shuniu.rights.services.routing import deadlines_for

REFERABLE_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED)


def refer_case(
    case: RightsCase, actor, *, to_org: Organization, reason: str, consent: bool, mode: str = ReferralMode.TRANSFER
) -> Referral:
    """Send the case to another organisation with a reason; the person's consent is required and
    recorded, because their data goes with the case."""
    require_handler(case, actor)
    if case.status not in REFERABLE_STATUSES:
        raise DomainError(
            _("A case that is “%(status)s” cannot be referred.") % {"status": case.get_status_display()},
            code="bad_transition",
        )
    if mode not in ReferralMode.values:
        raise DomainError(_("Choose whether the case is transferred or handled jointly."))
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(_("Please give the reason for the referral."))
    if not consent:
        raise DomainError(
            _("Record the person's consent before referring: their details go to the other organisation.")
        )
    if to_org.pk == case.lead_org_id:
        raise DomainError(_("The case is already with %(organization)s.") % {"organization": to_org.display_name})
    if not to_org.is_active:
        raise DomainError(_("This organisation is no longer active."))
    from_org = case.lead_org
    deadlines = deadlines_for(case.category, case.complexity)
    with transaction.atomic():
        # Lock the case so two referrals to the same receiver cannot both pass the check below.
        RightsCase.objects.select_for_update().filter(pk=case.pk).first()
        if Referral.objects.filter(case=case, to_org=to_org, status=ReferralStatus.PENDING).exists():
            raise DomainError(
                _("A referral to %(organization)s is already waiting for an answer.")
                % {"organization": to_org.display_name}
            )
        referral = Referral.objects.create(
            case=case,
            from_org=from_org,
            to_org=to_org,
            mode=mode,
            reason=reason,
            consent_recorded=True,
            due_at=deadline_after(timezone.now(), deadlines.referral_response_days),
            created_by=actor,
        )
        participant = CaseParticipant.objects.filter(case=case, organization=to_org).first()
        if participant is None:
            CaseParticipant.objects.create(
                case=case, organization=to_org, role=ParticipantRole.REFERRAL_RECEIVER, sees_details=True
            )
        elif participant.role != ParticipantRole.CO_HANDLER:
            participant.role = ParticipantRole.REFERRAL_RECEIVER
            participant.sees_details = True
            participant.save(update_fields=["role", "sees_details"])
        RightsCase.objects.filter(pk=case.pk).update(consent_referral=True)
        case.consent_referral = True
        record_event(
            case,
            actor,
            "referral_created",
            note=_("Referred to %(organization)s (%(mode)s): %(reason)s")
            % {"organization": to_org.display_name, "mode": referral.get_mode_display(), "reason": reason},
        )
        log_action(
            "rights.referral.created",
            actor=actor,
            organization=from_org,
            obj=referral,
            data={"case": case.pk, "to": to_org.pk, "mode": mode},
        )
        publish(
            "rights.referral.created",
            {"case_id": case.pk, "referral_id": referral.pk, "from_org_id": from_org.pk, "to_org_id": to_org.pk},
        )
        notify_org_staff(
            to_org,
            _("Referral of case %(code)s from %(organization)s")
            % {"code": case.tracking_code, "organization": from_org.display_name},
            reason if not case.is_sensitive else "",
            case_url(case),
            dedupe_key=f"rights-referral-{referral.pk}",
        )
    return referral


def _require_receiver(referral: Referral, actor) -> None:
    if not get_scope(actor).has("rights:referral_respond", referral.to_org):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied


def _claim(referral: Referral, actor, status: str, note: str) -> None:
    """Compare-and-set the referral from pending to `status`; the loser learns who answered."""
    now = timezone.now()
    changed = Referral.objects.filter(pk=referral.pk, status=ReferralStatus.PENDING).update(
        status=status, responded_by=actor, responded_at=now, response_note=note
    )
    if changed != 1:
        current = Referral.objects.select_related("responded_by").get(pk=referral.pk)
        raise DomainError(
            _("This referral was already answered (%(status)s) by %(name)s. Nothing was changed.")
            % {"status": current.get_status_display(), "name": current.responded_by or "—"},
            code="conflict",
        )
    referral.status = status
    referral.responded_by = actor
    referral.responded_at = now
    referral.response_note = note


def accept_referral(referral: Referral, actor, note: str = "") -> Referral:
    """Take the referred case on. Transfer: we become the lead (status "accepted" with us, the
    sender keeps seeing it as former handler). Joint: we co-handle; the lead stays."""
    _require_receiver(referral, actor)
    note = (note or "").strip()
    with transaction.atomic():
        _claim(referral, actor, ReferralStatus.ACCEPTED, note)
        case = RightsCase.objects.select_for_update().get(pk=referral.case_id)
        if case.status not in REFERABLE_STATUSES:
            raise DomainError(
                _("The case is “%(status)s” now and can no longer be taken over.")
                % {"status": case.get_status_display()}
            )
        old_status = case.status
        if referral.mode == ReferralMode.TRANSFER:
            old_lead_id = case.lead_org_id
            case.lead_org = referral.to_org
            case.assignee = None
            case.status = Status.ACCEPTED
            case.accepted_at = case.accepted_at or timezone.now()
            case.save(update_fields=["lead_org", "assignee", "status", "accepted_at", "updated_at"])
            CaseParticipant.objects.filter(case=case, organization=referral.to_org).delete()
            CaseParticipant.objects.update_or_create(
                case=case,
                organization_id=old_lead_id,
                defaults={"role": ParticipantRole.FORMER_HANDLER, "sees_details": True},
            )
        else:
            CaseParticipant.objects.update_or_create(
                case=case,
                organization=referral.to_org,
                defaults={"role": ParticipantRole.CO_HANDLER, "sees_details": True},
            )
        _serve(case, referral.to_org)
        record_event(
            case,
            actor,
            "referral_accepted",
            from_status=old_status if case.status != old_status else "",
            to_status=case.status if case.status != old_status else "",
            note=_("%(organization)s accepted the referral. %(note)s")
            % {"organization": referral.to_org.display_name, "note": note},
        )
        log_action(
            "rights.referral.accepted", actor=actor, organization=referral.to_org, obj=referral, data={"case": case.pk}
        )
        publish(
            "rights.referral.accepted",
            {"case_id": case.pk, "referral_id": referral.pk, "to_org_id": referral.to_org_id},
        )
        if case.status != old_status:
            publish(
                "rights.case.status_changed",
                {"case_id": case.pk, "from": old_status, "to": case.status, "organization_id": case.lead_org_id},
            )
        notify_org_staff(
            referral.from_org,
            _("%(organization)s accepted the referral of case %(code)s")
            % {"organization": referral.to_org.display_name, "code": case.tracking_code},
            note,
            case_url(case),
            dedupe_key=f"rights-referral-answer-{referral.pk}",
        )
    return referral


def decline_referral(referral: Referral, actor, reason: str) -> Referral:
    """Not for us, with a reason: the case stays with the sender, who is told."""
    _require_receiver(referral, actor)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise DomainError(_("Please give the reason for declining the referral."))
    with transaction.atomic():
        _claim(referral, actor, ReferralStatus.DECLINED, reason)
        case = referral.case
        CaseParticipant.objects.filter(
            case=case, organization=referral.to_org, role=ParticipantRole.REFERRAL_RECEIVER
        ).update(role=ParticipantRole.DECLINED_REFERRAL, sees_details=False)
        record_event(
            case,
            actor,
            "referral_declined",
            note=_("%(organization)s declined the referral: %(reason)s")
            % {"organization": referral.to_org.display_name, "reason": reason},
        )
        log_action(
            "rights.referral.declined", actor=actor, organization=referral.to_org, obj=referral, data={"case": case.pk}
        )
        publish("rights.referral.declined", {"case_id": case.pk, "referral_id": referral.pk})
        notify_org_staff(
            referral.from_org,
            _("%(organization)s declined the referral of case %(code)s")
            % {"organization": referral.to_org.display_name, "code": case.tracking_code},
            reason,
            case_url(case),
            dedupe_key=f"rights-referral-answer-{referral.pk}",
            level="warning",
        )
    return referral
