"""The case lifecycle: one transition table, one function per action.

received → accepted → assigned → in progress → resolved → followed up → closed; also declined
(back to the joint office), withdrawn and reopened. Each action: guard the state → atomic
compare-and-set on the status (a concurrent change makes it fail cleanly) → timeline entry → audit
→ integration event after commit.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shuniu.core.audit import log_action
from shuniu.core.events import publish
from shuniu.core.models import Organization, User
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError
from shuniu.core.workdays import deadline_after
from shuniu.rights.models import (
    CaseParticipant,
    Complexity,
    FollowUp,
    FollowUpMethod,
    Outcome,
    ParticipantRole,
    RightsCase,
    Status,
)
from shuniu.rights.services.common import case_url, notify_org_staff, record_event, require_handler
from shuniu.rights.services.routing import deadlines_for, joint_office

FOLLOW_UP_WORKING_DAYS = 7


@dataclass(frozen=True)
class Transition:
    sources: frozenset
    target: str
    permission: str
    label: object


S = Status
TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.RECEIVED}), S.ACCEPTED, "rights:case_handle", gettext_lazy("accept")),
    "assign": Transition(
        frozenset({S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED}),
        S.ASSIGNED,
        "rights:case_handle",
        gettext_lazy("assign"),
    ),
    "start": Transition(
        frozenset({S.ACCEPTED, S.ASSIGNED, S.REOPENED}), S.IN_PROGRESS, "rights:case_handle", gettext_lazy("start")
    ),
    "resolve": Transition(frozenset({S.IN_PROGRESS}), S.RESOLVED, "rights:case_handle", gettext_lazy("resolve")),
    "follow_up": Transition(frozenset({S.RESOLVED}), S.FOLLOWED_UP, "rights:case_handle", gettext_lazy("follow up")),
    "close": Transition(frozenset({S.FOLLOWED_UP}), S.CLOSED, "rights:case_handle", gettext_lazy("close")),
    "decline": Transition(
        frozenset({S.RECEIVED, S.ACCEPTED}), S.DECLINED, "rights:case_handle", gettext_lazy("decline")
    ),
    "withdraw": Transition(
        frozenset({S.RECEIVED, S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS, S.REOPENED, S.DECLINED}),
        S.WITHDRAWN,
        "rights:case_handle",
        gettext_lazy("withdraw"),
    ),
    "reopen": Transition(
        frozenset({S.RESOLVED, S.FOLLOWED_UP, S.CLOSED, S.WITHDRAWN}),
        S.REOPENED,
        "rights:case_supervise",
        gettext_lazy("reopen"),
    ),
    "reroute": Transition(frozenset({S.RECEIVED, S.DECLINED}), S.RECEIVED, "rights:case_handle", gettext_lazy("route")),
}


def allowed_actions(case: RightsCase) -> set[str]:
    return {name for name, spec in TRANSITIONS.items() if case.status in spec.sources}


def _transition(case: RightsCase, action: str, actor, *, note: str = "", updates: dict | None = None) -> RightsCase:
    spec = TRANSITIONS[action]
    if case.status not in spec.sources:
        raise DomainError(
            _("A case that is “%(status)s” cannot be given the action “%(action)s”.")
            % {"status": case.get_status_display(), "action": spec.label},
            code="bad_transition",
        )
    require_handler(case, actor, spec.permission)
    updates = dict(updates or {})
    now = timezone.now()
    old_status = case.status
    with transaction.atomic():
        changed = RightsCase.objects.filter(pk=case.pk, status=old_status).update(
            status=spec.target, updated_at=now, **updates
        )
        if changed != 1:
            raise DomainError(
                _("Someone else changed this case a moment ago. Reload the page to see its current state."),
                code="conflict",
            )
        for field, value in updates.items():
            setattr(case, field, value)
        case.status = spec.target
        case.updated_at = now
        record_event(case, actor, action, from_status=old_status, to_status=spec.target, note=note)
        log_action(
            f"rights.case.{action}",
            actor=actor,
            organization=case.lead_org,
            obj=case,
            data={"from": old_status, "to": spec.target, "note": note[:500]},
        )
        publish(
            "rights.case.status_changed",
            {"case_id": case.pk, "from": old_status, "to": spec.target, "organization_id": case.lead_org_id},
        )
    return case


def _required_note(note: str, message: str) -> str:
    note = (note or "").strip()
    if len(note) < 2:
        raise DomainError(message, code="note_required")
    return note


def accept_case(case: RightsCase, actor, note: str = "") -> RightsCase:
    """The lead organisation takes the case on (the first response)."""
    return _transition(case, "accept", actor, note=note, updates={"accepted_at": timezone.now(), "escalation_level": 0})


def assign_case(case: RightsCase, actor, assignee: User, note: str = "") -> RightsCase:
    """Give the case to a caseworker of the lead organisation. Reassigning work in progress keeps
    its status; only an accepted or reopened case becomes "assigned"."""
    scope = get_scope(assignee)
    if not scope.has("rights:case_handle", case.lead_org):
        raise DomainError(
            _("%(name)s cannot handle cases of %(organization)s.")
            % {"name": assignee, "organization": case.lead_org.display_name}
        )
    if case.status in (S.ASSIGNED, S.IN_PROGRESS):
        if case.status not in TRANSITIONS["assign"].sources:
            raise DomainError(_("This case cannot be assigned now."))
        require_handler(case, actor, "rights:case_handle")
        with transaction.atomic():
            changed = RightsCase.objects.filter(pk=case.pk, status=case.status).update(
                assignee=assignee, updated_at=timezone.now()
            )
            if changed != 1:
                raise DomainError(
                    _("Someone else changed this case a moment ago. Reload the page to see its current state.")
                )
            case.assignee = assignee
            record_event(case, actor, "reassign", note=_("Assigned to %(name)s.") % {"name": assignee})
            log_action(
                "rights.case.reassign",
                actor=actor,
                organization=case.lead_org,
                obj=case,
                data={"assignee": assignee.pk},
            )
        return case
    return _transition(
        case,
        "assign",
        actor,
        note=note or _("Assigned to %(name)s.") % {"name": assignee},
        updates={"assignee": assignee},
    )


def start_work(case: RightsCase, actor, note: str = "") -> RightsCase:
    updates = {}
    if case.assignee_id is None and get_scope(actor).has("rights:case_handle", case.lead_org):
        updates["assignee"] = actor
    return _transition(case, "start", actor, note=note, updates=updates)


def resolve_case(case: RightsCase, actor, *, outcome: str, money_recovered, summary: str) -> RightsCase:
    """Record the outcome; the follow-up visit is then due within 7 working days."""
    if outcome not in Outcome.values:
        raise DomainError(_("Choose an outcome."))
    try:
        money = Decimal(str(money_recovered if money_recovered not in (None, "") else "0"))
    except InvalidOperation:
        raise DomainError(_("Enter the money recovered as an amount in yuan, e.g. 12000.50.")) from None
    if money < 0 or money.as_tuple().exponent < -2:
        raise DomainError(_("Enter the money recovered as an amount in yuan, e.g. 12000.50."))
    summary = _required_note(summary, _("Please summarise how the case was resolved."))
    now = timezone.now()
    return _transition(
        case,
        "resolve",
        actor,
        note=summary,
        updates={
            "outcome": outcome,
            "money_recovered": money,
            "outcome_summary": summary,
            "resolved_at": now,
            "follow_up_due": deadline_after(now, FOLLOW_UP_WORKING_DAYS),
        },
    )


def record_follow_up(case: RightsCase, actor, *, satisfaction: int, method: str, comment: str = "") -> RightsCase:
    """The follow-up visit with the person's satisfaction (1 = very unhappy … 5 = very satisfied)."""
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        satisfaction = 0
    if not 1 <= satisfaction <= 5:
        raise DomainError(_("Satisfaction is a number from 1 to 5."))
    if method not in FollowUpMethod.values:
        raise DomainError(_("Choose how the person was contacted."))
    now = timezone.now()
    with transaction.atomic():
        _transition(case, "follow_up", actor, note=comment or "")
        FollowUp.objects.create(
            case=case,
            method=method,
            visited_at=now,
            satisfaction=satisfaction,
            comment=comment or "",
            on_time=case.follow_up_due is None or now <= case.follow_up_due,
            recorded_by=actor,
        )
    return case


def close_case(case: RightsCase, actor, note: str = "") -> RightsCase:
    return _transition(case, "close", actor, note=note, updates={"closed_at": timezone.now()})


def decline_case(case: RightsCase, actor, reason: str) -> RightsCase:
    """Not for us: the case goes back to the joint office's queue, with the reason."""
    reason = _required_note(reason, _("Please give the reason for declining the case."))
    office = joint_office()
    if case.lead_org_id == office.pk:
        raise DomainError(_("The joint office cannot decline a case; route it to an organisation or withdraw it."))
    old_lead = case.lead_org
    with transaction.atomic():
        _transition(case, "decline", actor, note=reason, updates={"lead_org": office, "assignee": None})
        CaseParticipant.objects.update_or_create(
            case=case,
            organization=old_lead,
            defaults={"role": ParticipantRole.FORMER_HANDLER, "sees_details": False},
        )
        notify_org_staff(
            office,
            _("Case %(code)s was declined by %(organization)s")
            % {"code": case.tracking_code, "organization": old_lead.display_name},
            reason if not case.is_sensitive else "",
            case_url(case),
            dedupe_key=f"rights-declined-{case.pk}-{case.updated_at.timestamp()}",
        )
    return case


def reroute_case(case: RightsCase, actor, organization: Organization, note: str = "") -> RightsCase:
    """The joint office places a case no rule matched (or a declined one) with an organisation."""
    office = joint_office()
    if case.lead_org_id != office.pk:
        raise DomainError(_("Only a case in the joint office's queue can be routed from there."))
    if organization.pk == office.pk:
        raise DomainError(_("Choose an organisation other than the joint office."))
    with transaction.atomic():
        _transition(
            case,
            "reroute",
            actor,
            note=note or _("Routed to %(organization)s.") % {"organization": organization.display_name},
            updates={"lead_org": organization, "assignee": None, "escalation_level": 0},
        )
        CaseParticipant.objects.filter(case=case, organization=organization).delete()
        CaseParticipant.objects.update_or_create(
            case=case, organization=office, defaults={"role": ParticipantRole.FORMER_HANDLER, "sees_details": True}
        )
        _serve(case, organization)
        notify_org_staff(
            organization,
            _("New rights case %(code)s: %(category)s") % {"code": case.tracking_code, "category": case.category.label},
            "",
            case_url(case),
            dedupe_key=f"rights-routed-{case.pk}-{organization.pk}-{case.updated_at.timestamp()}",
        )
    return case


def withdraw_case(case: RightsCase, actor, reason: str) -> RightsCase:
    reason = _required_note(reason, _("Please note why the request is withdrawn."))
    return _transition(case, "withdraw", actor, note=reason, updates={"outcome": Outcome.WITHDRAWN})


def reopen_case(case: RightsCase, actor, reason: str) -> RightsCase:
    """Reopening restarts the resolution deadline from today (the old one has run out)."""
    reason = _required_note(reason, _("Please give the reason for reopening the case."))
    deadlines = deadlines_for(case.category, case.complexity)
    return _transition(
        case,
        "reopen",
        actor,
        note=reason,
        updates={
            "resolution_due": deadline_after(timezone.now(), deadlines.resolution_days),
            "escalation_level": 0,
            "closed_at": None,
        },
    )


def set_complexity(case: RightsCase, actor, complexity: str, reason: str) -> RightsCase:
    """Re-grade the case; the resolution deadline is recomputed from the day it was received."""
    if complexity not in Complexity.values:
        raise DomainError(_("Choose a complexity."))
    if not case.is_open:
        raise DomainError(_("The complexity of a finished case cannot be changed."))
    reason = _required_note(reason, _("Please give the reason for changing the complexity."))
    require_handler(case, actor)
    deadlines = deadlines_for(case.category, complexity)
    due = deadline_after(case.received_at, deadlines.resolution_days)
    with transaction.atomic():
        changed = RightsCase.objects.filter(pk=case.pk, status=case.status, complexity=case.complexity).update(
            complexity=complexity, resolution_due=due, escalation_level=0, updated_at=timezone.now()
        )
        if changed != 1:
            raise DomainError(
                _("Someone else changed this case a moment ago. Reload the page to see its current state.")
            )
        old = case.get_complexity_display()
        case.complexity = complexity
        case.resolution_due = due
        case.escalation_level = 0
        record_event(
            case,
            actor,
            "complexity",
            note=_("%(old)s → %(new)s: %(reason)s")
            % {"old": old, "new": case.get_complexity_display(), "reason": reason},
        )
        log_action("rights.case.complexity", actor=actor, organization=case.lead_org, obj=case, data={"to": complexity})
        from shuniu.rights.tasks import schedule_deadline_checks

        transaction.on_commit(lambda: schedule_deadline_checks(case.pk))
    return case


def _serve(case: RightsCase, organization: Organization) -> None:
    """The organisation now serves the person (so it may see them in the registry)."""
    from shuniu.people.models import Serving

    Serving.objects.get_or_create(person_id=case.person_id, organization=organization)
