"""Deadlines and escalation: an overdue case notifies the lead organisation's supervisors, and
after two more working days the district coordinator.

`escalate_case` is idempotent (compare-and-set on `escalation_level`, notifications with dedupe
keys), so the per-case tasks scheduled with `run_after` and the sweep may both run, late or twice.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.permissions import Role
from shuniu.core.services import notify_role
from shuniu.core.workdays import deadline_after
from shuniu.rights.models import OPEN_STATUSES, Referral, ReferralStatus, RightsCase, Status
from shuniu.rights.services.common import case_url, notify_coordinators, record_event

COORDINATOR_AFTER_WORKING_DAYS = 2


def effective_due(case: RightsCase) -> datetime:
    """The deadline that counts now: the first response while the case waits to be accepted."""
    if case.status == Status.RECEIVED:
        return min(case.first_response_due, case.resolution_due)
    return case.resolution_due


def level_due(case: RightsCase, now: datetime) -> int:
    if case.status not in OPEN_STATUSES:
        return 0
    due = effective_due(case)
    if due >= now:
        return 0
    return 2 if now > deadline_after(due, COORDINATOR_AFTER_WORKING_DAYS) else 1


def _notify_supervisors(case: RightsCase, title: str, body: str, key: str) -> int:
    sent = notify_role(case.lead_org, [Role.SUPERVISOR], title, body, case_url(case), level="warning", dedupe_key=key)
    if not sent and case.lead_org.parent_id:
        sent = notify_role(
            case.lead_org.root, [Role.SUPERVISOR], title, body, case_url(case), level="warning", dedupe_key=key
        )
    return sent


def escalate_case(case: RightsCase, now: datetime | None = None) -> int:
    """Raise the case to the level its lateness calls for; returns the new level (0 = nothing done)."""
    now = now or timezone.now()
    target = level_due(case, now)
    if target <= case.escalation_level:
        return 0
    due = effective_due(case)
    kind = "response" if case.status == Status.RECEIVED and due == case.first_response_due else "resolution"
    with transaction.atomic():
        changed = RightsCase.objects.filter(pk=case.pk, escalation_level=case.escalation_level).update(
            escalation_level=target
        )
        if changed != 1:
            return 0
        previous = case.escalation_level
        case.escalation_level = target
        params = {
            "code": case.tracking_code,
            "organization": case.lead_org.display_name,
            "due": timezone.localtime(due).strftime("%Y-%m-%d"),
        }
        if kind == "response":
            title = _("Overdue: case %(code)s has not been accepted by %(organization)s (due %(due)s)") % params
        else:
            title = _("Overdue: case %(code)s at %(organization)s was due for resolution on %(due)s") % params
        key_base = f"rights-overdue-{case.pk}-{kind}-{due:%Y%m%d}"
        if previous < 1:
            _notify_supervisors(case, title, "", f"{key_base}-1")
        if target >= 2:
            notify_coordinators(
                title,
                _("The lead organisation's supervisors were told earlier."),
                case_url(case),
                dedupe_key=f"{key_base}-2",
            )
        record_event(
            case,
            None,
            "escalated",
            note=_("Escalated to the supervisors.") if target == 1 else _("Escalated to the district coordinator."),
        )
        log_action("rights.case.escalated", organization=case.lead_org, obj=case, data={"level": target, "kind": kind})
    return target


def escalate_overdue(now: datetime | None = None, batch_size: int = 500) -> int:
    """Sweep every overdue open case (index on the open due date) and escalate it; returns how many
    cases were raised. Also reminds receivers of referrals past their answer deadline."""
    now = now or timezone.now()
    raised = 0
    coordinator_line = deadline_after(now, -COORDINATOR_AFTER_WORKING_DAYS)
    queries = [
        RightsCase.objects.filter(status=Status.RECEIVED, first_response_due__lt=now, escalation_level__lt=2),
        RightsCase.objects.filter(status__in=OPEN_STATUSES, resolution_due__lt=now, escalation_level=0),
        RightsCase.objects.filter(status__in=OPEN_STATUSES, resolution_due__lt=coordinator_line, escalation_level=1),
    ]
    for query in queries:
        last_id = 0
        while True:
            batch = list(query.filter(id__gt=last_id).select_related("lead_org").order_by("id")[:batch_size])
            if not batch:
                break
            for case in batch:
                if escalate_case(case, now):
                    raised += 1
            last_id = batch[-1].id
    for referral in Referral.objects.filter(status=ReferralStatus.PENDING, due_at__lt=now).select_related(
        "case", "to_org"
    ):
        notify_role(
            referral.to_org,
            [Role.CASEWORKER, Role.SUPERVISOR],
            _("Overdue: please answer the referral of case %(code)s") % {"code": referral.case.tracking_code},
            "",
            case_url(referral.case),
            level="warning",
            dedupe_key=f"rights-referral-overdue-{referral.pk}",
        )
    return raised
