"""Every state change of relief: guard → atomic → save → audit → side effects on commit.

Money rules: ledger rows are only inserted; a batch is paid under a lock on its budget row (rows
locked in primary-key order), so concurrent batches cannot overspend; paying an already paid batch
does nothing, and a second disbursement for one application is refused by a unique constraint.
"""

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.events import publish
from shuniu.core.models import Organization
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError, notify_role
from shuniu.people.models import Serving
from shuniu.relief import eligibility
from shuniu.relief.models import (
    CLOSED_STATUSES,
    ZERO,
    AmountMode,
    Application,
    ApprovalDecision,
    ApprovalStep,
    BatchLine,
    BatchStatus,
    Budget,
    Channel,
    Decision,
    DisbursementBatch,
    Document,
    EntryKind,
    LedgerEntry,
    Objection,
    ObjectionStatus,
    Programme,
    PublicNotice,
    Status,
    StepLevel,
    money,
)

REVIEWER_ROLES = ["caseworker", "supervisor", "org_admin"]


def is_merged(person) -> bool:
    """The people app marks a person merged into another record; such a record gets no money.
    Checked defensively until the people app's merge marker lands."""
    return bool(getattr(person, "merged_into_id", None) or getattr(person, "is_merged", False))


def branch_for(programme: Programme, community) -> Organization | None:
    """The owner's branch in the applicant's street, which handles community and street steps."""
    if community is None or community.parent_id is None:
        return None
    return Organization.objects.filter(parent=programme.organization, region_id=community.parent_id).first()


def step_organization(application: Application, step: ApprovalStep) -> Organization:
    if step.level in (StepLevel.COMMUNITY, StepLevel.STREET) and application.branch_id:
        return application.branch
    return application.organization


def compute_amount(programme: Programme, household_size: int, requested: Decimal | None) -> Decimal:
    if programme.amount_mode == AmountMode.FIXED:
        return programme.base_amount
    if programme.amount_mode == AmountMode.PER_MEMBER:
        return min(programme.base_amount * max(household_size, 1), programme.person_cap)
    return requested if requested is not None else programme.base_amount


def _check_amount(programme: Programme, amount: Decimal, household, year: int, exclude_pk=None) -> None:
    if amount is None or amount <= 0:
        raise DomainError(_("The amount must be more than zero."), code="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("The amount can have at most two decimal places (fen)."), code="amount")
    if amount > programme.person_cap:
        raise DomainError(
            _("%(amount)s yuan is more than this programme's annual cap per person (%(cap)s yuan).")
            % {"amount": amount, "cap": programme.person_cap},
            code="amount",
        )
    if household is not None and programme.household_cap:
        others = (
            Application.objects.filter(programme=programme, household=household, year=year)
            .exclude(status__in=CLOSED_STATUSES)
            .exclude(pk=exclude_pk)
            .aggregate(total=Sum("amount"))["total"]
            or ZERO
        )
        if others + amount > programme.household_cap:
            raise DomainError(
                _(
                    "With this application the household would receive %(total)s yuan from this programme this "
                    "year, more than the cap per household (%(cap)s yuan)."
                )
                % {"total": others + amount, "cap": programme.household_cap},
                code="amount",
            )


@dataclass
class ApplicationInput:
    household_size: int
    monthly_income: Decimal
    reason: str
    student_enrolled: bool = False
    school: str = ""
    disability_level: int | None = None
    amount: Decimal | None = None
    contact_phone: str = ""
    documents: list = field(default_factory=list)  # UploadedFile objects


def create_application(
    *, programme: Programme, person, data: ApplicationInput, actor=None, channel=Channel.STAFF, community=None
) -> Application:
    """Register an application and judge it against the programme's rules."""
    today = timezone.localdate()
    if not programme.is_open(today):
        raise DomainError(
            _("%(programme)s does not take applications now (open %(opens)s to %(closes)s).")
            % {"programme": programme.name, "opens": programme.opens_on, "closes": programme.closes_on},
            code="closed",
        )
    if is_merged(person):
        raise DomainError(_("This person's record was merged into another; apply for the remaining record."))
    if data.household_size < 1:
        raise DomainError(_("A household has at least one member."), code="household_size")
    if data.monthly_income is None or data.monthly_income < 0:
        raise DomainError(_("The household income cannot be negative."), code="monthly_income")
    community = community or person.community
    household = person.household
    year = today.year
    amount = compute_amount(programme, data.household_size, data.amount)
    _check_amount(programme, amount, household, year)
    if (
        Application.objects.filter(programme=programme, person=person, year=year)
        .exclude(status__in=CLOSED_STATUSES)
        .exists()
    ):
        raise DomainError(
            _("%(name)s already has an application for %(programme)s this year.")
            % {"name": person.name, "programme": programme.name},
            code="duplicate",
        )
    branch = branch_for(programme, community)
    application = Application(
        programme=programme,
        organization=programme.organization,
        branch=branch,
        person=person,
        household=household,
        community=community,
        year=year,
        channel=channel,
        contact_phone=data.contact_phone,
        household_size=data.household_size,
        monthly_income=data.monthly_income,
        student_enrolled=data.student_enrolled,
        school=data.school,
        disability_level=data.disability_level,
        reason=data.reason,
        amount=amount,
        submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    application.eligibility = eligibility.evaluate(application, today)
    application.is_eligible = all(result["passed"] for result in application.eligibility)
    has_steps = programme.steps.exists()
    if not has_steps:
        application.status = Status.APPROVED
    try:
        with transaction.atomic():
            application.save()
            for upload in data.documents:
                Document.objects.create(application=application, file=upload, name=upload.name[:150])
            for organization in filter(None, [programme.organization, branch]):
                Serving.objects.get_or_create(person=person, organization=organization)
            log_action(
                "relief.application.created",
                actor=actor,
                organization=programme.organization,
                obj=application,
                data={"channel": channel, "amount": str(amount), "eligible": application.is_eligible},
            )
            publish("relief.application.created", {"application_id": application.pk, "programme_id": programme.pk})
    except IntegrityError:
        # Two submissions of the same form at once: the unique constraint let only one through.
        raise DomainError(
            _("%(name)s already has an application for %(programme)s this year.")
            % {"name": person.name, "programme": programme.name},
            code="duplicate",
        ) from None
    if has_steps:
        _notify_step(application)
    return application


def _notify_step(application: Application) -> None:
    step = application.programme.steps.filter(position=application.current_step).first()
    if step is None:
        return
    organization = step_organization(application, step)
    url = reverse("relief:application_detail", args=[application.pk])
    transaction.on_commit(
        lambda: notify_role(
            organization,
            REVIEWER_ROLES,
            _("Aid application %(code)s awaits %(step)s") % {"code": application.code, "step": step.name},
            url=url,
            dedupe_key=f"relief:{application.pk}:step:{step.position}:{application.updated_at.timestamp()}",
        )
    )


def current_step(application: Application) -> ApprovalStep | None:
    if application.status != Status.IN_REVIEW:
        return None
    return application.programme.steps.filter(position=application.current_step).first()


def refusal_to_decide(application: Application, actor, step: ApprovalStep | None = None) -> str | None:
    """Why `actor` may not decide the application's current step now, or None when they may."""
    step = step or current_step(application)
    if step is None:
        return _("This application is not waiting for a review decision.")
    organization = step_organization(application, step)
    if not get_scope(actor).has("relief:approve", organization):
        return _("The step %(step)s is decided by %(organization)s.") % {
            "step": step.name,
            "organization": organization.display_name,
        }
    if application.submitted_by_id == actor.pk:
        return _("You registered this application, so someone else must review it.")
    earlier = ApprovalDecision.objects.filter(
        application=application, actor=actor, decision=Decision.APPROVE, step__position__lt=step.position
    )
    last_resubmit = application.decisions.filter(decision=Decision.RESUBMIT).order_by("-id").first()
    if last_resubmit is not None:
        earlier = earlier.filter(id__gt=last_resubmit.id)
    if earlier.exists():
        return _("You approved an earlier step; each step needs a different reviewer.")
    return None


def decide(application: Application, *, step_position: int, decision: str, comment: str, actor) -> Application:
    """Approve, return for revision or reject at the current step. `step_position` is the step the
    reviewer saw: a stale or out-of-order decision is refused and changes nothing."""
    comment = (comment or "").strip()
    if decision not in (Decision.APPROVE, Decision.RETURN, Decision.REJECT):
        raise DomainError(_("Choose approve, return for revision or reject."))
    if application.status != Status.IN_REVIEW or application.current_step != step_position:
        raise DomainError(
            _("This application is no longer at that step (someone decided it already); reload the page."),
            code="stale",
        )
    step = current_step(application)
    reason = refusal_to_decide(application, actor, step)
    if reason:
        raise DomainError(reason, code="not_allowed")
    if decision in (Decision.RETURN, Decision.REJECT) and not comment:
        raise DomainError(_("Please say why in the comment; the applicant reads it."), code="comment")
    if decision == Decision.APPROVE and not application.is_eligible and not comment:
        raise DomainError(
            _("This application does not meet every eligibility rule; approving it needs a comment explaining why."),
            code="comment",
        )
    last = not application.programme.steps.filter(position__gt=step.position).exists()
    if decision == Decision.APPROVE:
        changes = {"status": Status.APPROVED} if last else {"current_step": step.position + 1}
    elif decision == Decision.RETURN:
        changes = {"status": Status.RETURNED}
    else:
        changes = {"status": Status.REJECTED}
    with transaction.atomic():
        now = timezone.now()
        updated = Application.objects.filter(
            pk=application.pk, status=Status.IN_REVIEW, current_step=step.position
        ).update(updated_at=now, **changes)
        if updated != 1:
            raise DomainError(
                _("This application is no longer at that step (someone decided it already); reload the page."),
                code="stale",
            )
        ApprovalDecision.objects.create(
            application=application,
            step=step,
            decision=decision,
            comment=comment,
            actor=actor,
            organization=step_organization(application, step),
        )
        log_action(
            f"relief.application.{decision}",
            actor=actor,
            organization=application.organization,
            obj=application,
            data={"step": step.position, "comment": comment[:200]},
        )
    application.refresh_from_db()
    if application.status == Status.IN_REVIEW:
        _notify_step(application)
    return application


@dataclass
class BulkResult:
    decided: list[Application]
    refused: list[tuple[Application, str]]


def bulk_approve(applications, *, comment: str, actor) -> BulkResult:
    """Approve each application at its current step; each is its own transaction, so one refusal
    does not undo the others (the review screen lists which were refused and why)."""
    result = BulkResult([], [])
    for application in applications:
        try:
            result.decided.append(
                decide(
                    application,
                    step_position=application.current_step,
                    decision=Decision.APPROVE,
                    comment=comment,
                    actor=actor,
                )
            )
        except DomainError as error:
            result.refused.append((application, error.message))
    return result


def resubmit(application: Application, *, data: ApplicationInput, actor) -> Application:
    """A returned application, revised, starts the approval chain again."""
    if application.status != Status.RETURNED:
        raise DomainError(_("Only an application returned for revision can be resubmitted."))
    if data.household_size < 1:
        raise DomainError(_("A household has at least one member."), code="household_size")
    if data.monthly_income is None or data.monthly_income < 0:
        raise DomainError(_("The household income cannot be negative."), code="monthly_income")
    amount = compute_amount(application.programme, data.household_size, data.amount)
    _check_amount(application.programme, amount, application.household, application.year, exclude_pk=application.pk)
    application.household_size = data.household_size
    application.monthly_income = data.monthly_income
    application.student_enrolled = data.student_enrolled
    application.school = data.school
    application.disability_level = data.disability_level
    application.reason = data.reason
    application.amount = amount
    application.eligibility = eligibility.evaluate(application)
    application.is_eligible = all(result["passed"] for result in application.eligibility)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.RETURNED:
            raise DomainError(_("Only an application returned for revision can be resubmitted."), code="stale")
        application.status = Status.IN_REVIEW
        application.current_step = 1
        application.save()
        ApprovalDecision.objects.create(application=application, decision=Decision.RESUBMIT, actor=actor)
        log_action(
            "relief.application.resubmitted", actor=actor, organization=application.organization, obj=application
        )
    _notify_step(application)
    return application


def _fresh(applications) -> list[Application]:
    """The applications as they are in the database now (callers may hold stale copies)."""
    ids = [application.pk for application in applications]
    return list(Application.objects.filter(pk__in=ids).select_related("person", "notice", "programme").order_by("id"))


def publish_notice(programme: Programme, applications, *, actor, title: str = "", now=None) -> PublicNotice:
    """Publish approved applications for the programme's notice period; all or none."""
    now = now or timezone.now()
    applications = _fresh(applications)
    if not applications:
        raise DomainError(_("Choose at least one approved application to publish."))
    for application in applications:
        if application.programme_id != programme.pk:
            raise DomainError(_("A notice lists applications of one programme only."))
        if application.status != Status.APPROVED:
            raise DomainError(
                _("%(code)s is not approved and waiting for its notice (it is: %(status)s).")
                % {"code": application.code, "status": application.get_status_display()}
            )
    title = (title or "").strip() or _("Public notice of %(programme)s recipients") % {"programme": programme.name}
    with transaction.atomic():
        notice = PublicNotice.objects.create(
            programme=programme,
            organization=programme.organization,
            title=title[:150],
            starts_at=now,
            ends_at=now + timedelta(days=programme.notice_days),
            created_by=actor,
        )
        for application in applications:
            updated = Application.objects.filter(pk=application.pk, status=Status.APPROVED).update(
                status=Status.IN_NOTICE, notice=notice, updated_at=now
            )
            if updated != 1:
                raise DomainError(
                    _("%(code)s changed while you were publishing; nothing was published, please try again.")
                    % {"code": application.code},
                    code="stale",
                )
        log_action(
            "relief.notice.published",
            actor=actor,
            organization=programme.organization,
            obj=notice,
            data={"applications": [a.pk for a in applications], "ends_at": notice.ends_at.isoformat()},
        )
    return notice


def file_objection(application: Application, *, text: str, contact: str = "", now=None) -> Objection:
    """Anyone may object while the notice runs; the application pauses until the objection is resolved."""
    now = now or timezone.now()
    application.refresh_from_db(fields=["status", "notice"])
    text = (text or "").strip()
    if len(text) < 10:
        raise DomainError(_("Please describe the objection in at least 10 characters."), code="text")
    if application.status not in (Status.IN_NOTICE, Status.PAUSED) or application.notice is None:
        raise DomainError(_("This application is not in public notice, so it cannot receive objections."))
    if application.notice.has_ended(now):
        raise DomainError(
            _("The public notice ended on %(date)s; objections are no longer accepted.")
            % {"date": timezone.localtime(application.notice.ends_at).strftime("%Y-%m-%d %H:%M")},
            code="ended",
        )
    with transaction.atomic():
        objection = Objection.objects.create(application=application, text=text, contact=contact.strip(), filed_at=now)
        Application.objects.filter(pk=application.pk, status=Status.IN_NOTICE).update(
            status=Status.PAUSED, updated_at=now
        )
        log_action("relief.objection.filed", organization=application.organization, obj=objection)
    url = reverse("relief:application_detail", args=[application.pk])
    organization = application.organization
    transaction.on_commit(
        lambda: notify_role(
            organization,
            REVIEWER_ROLES,
            _("Objection to aid application %(code)s") % {"code": application.code},
            url=url,
            level="warning",
            dedupe_key=f"relief:objection:{objection.pk}",
        )
    )
    application.refresh_from_db()
    return objection


def resolve_objection(objection: Objection, *, upheld: bool, resolution: str, actor) -> Objection:
    """Upheld: the application is rejected. Dismissed: it returns to notice once no objection is open."""
    resolution = (resolution or "").strip()
    if not resolution:
        raise DomainError(_("Please write how the objection was checked and resolved."), code="resolution")
    application = objection.application
    if not get_scope(actor).has("relief:notice", application.organization):
        raise DomainError(
            _("Objections are resolved by %(organization)s.") % {"organization": application.organization}
        )
    now = timezone.now()
    with transaction.atomic():
        updated = Objection.objects.filter(pk=objection.pk, status=ObjectionStatus.OPEN).update(
            status=ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED,
            resolution=resolution,
            resolved_by=actor,
            resolved_at=now,
        )
        if updated != 1:
            raise DomainError(_("This objection was already resolved."), code="stale")
        if upheld:
            Application.objects.filter(pk=application.pk, status__in=[Status.PAUSED, Status.IN_NOTICE]).update(
                status=Status.REJECTED, updated_at=now
            )
            ApprovalDecision.objects.create(
                application=application, decision=Decision.REJECT, comment=resolution, actor=actor
            )
        elif not application.objections.filter(status=ObjectionStatus.OPEN).exists():
            Application.objects.filter(pk=application.pk, status=Status.PAUSED).update(
                status=Status.IN_NOTICE, updated_at=now
            )
        log_action(
            "relief.objection.upheld" if upheld else "relief.objection.dismissed",
            actor=actor,
            organization=application.organization,
            obj=objection,
            data={"application": application.pk},
        )
    objection.refresh_from_db()
    return objection


def payable_refusal(application: Application, now=None) -> str | None:
    """Why the application cannot be paid now, or None."""
    now = now or timezone.now()
    if application.status == Status.PAUSED:
        return _("%(code)s has an open objection.") % {"code": application.code}
    if application.status != Status.IN_NOTICE or application.notice is None:
        return _("%(code)s is not approved and published (it is: %(status)s).") % {
            "code": application.code,
            "status": application.get_status_display(),
        }
    if not application.notice.has_ended(now):
        return _("The public notice of %(code)s runs until %(date)s; it cannot be paid before.") % {
            "code": application.code,
            "date": timezone.localtime(application.notice.ends_at).strftime("%Y-%m-%d %H:%M"),
        }
    if is_merged(application.person):
        return _("%(code)s: the person's record was merged into another, so it cannot be paid.") % {
            "code": application.code
        }
    return None


def payable_applications(programme: Programme, now=None):
    now = now or timezone.now()
    return (
        Application.objects.filter(programme=programme, status=Status.IN_NOTICE, notice__ends_at__lte=now)
        .filter(batch_line__isnull=True)
        .select_related("person", "notice")
    )


def create_batch(
    programme: Programme, applications, *, actor, idempotency_key: str = "", now=None
) -> DisbursementBatch:
    """Prepare a batch of payable applications. The same idempotency key gives back the same batch."""
    now = now or timezone.now()
    idempotency_key = (idempotency_key or "").strip() or uuid.uuid4().hex
    existing = DisbursementBatch.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    applications = _fresh(applications)
    if not applications:
        raise DomainError(_("Choose at least one application whose notice has ended."))
    year = timezone.localtime(now).year
    budget = Budget.objects.filter(programme=programme, year=year).first()
    if budget is None:
        raise DomainError(
            _("%(programme)s has no budget for %(year)s; a programme admin must enter it first.")
            % {"programme": programme.name, "year": year}
        )
    for application in applications:
        if application.programme_id != programme.pk:
            raise DomainError(_("A batch pays applications of one programme only."))
        reason = payable_refusal(application, now)
        if reason:
            raise DomainError(reason)
    total = sum((application.amount for application in applications), ZERO)
    remaining = budget.remaining()
    if total > remaining:
        raise DomainError(
            _("The batch needs %(total)s yuan but only %(remaining)s yuan of the %(year)s budget is left.")
            % {"total": total, "remaining": remaining, "year": year},
            code="budget",
        )
    try:
        with transaction.atomic():
            batch = DisbursementBatch.objects.create(
                code=f"PF{timezone.localtime(now):%Y%m%d}-{uuid.uuid4().hex[:6].upper()}",
                idempotency_key=idempotency_key,
                programme=programme,
                organization=programme.organization,
                budget=budget,
                total=total,
                created_by=actor,
                created_at=now,
            )
            BatchLine.objects.bulk_create(
                [BatchLine(batch=batch, application=a, amount=a.amount) for a in applications]
            )
            log_action(
                "relief.batch.prepared",
                actor=actor,
                organization=programme.organization,
                obj=batch,
                data={"total": str(total), "applications": [a.pk for a in applications]},
            )
    except IntegrityError:
        existing = DisbursementBatch.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        raise DomainError(
            _("Some of these applications are already in another batch; reload the page and choose again."),
            code="stale",
        ) from None
    return batch


def pay_batch(batch: DisbursementBatch, *, actor, now=None) -> DisbursementBatch:
    """Pay every line of the batch: one ledger entry each. Retrying a paid batch does nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = DisbursementBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status == BatchStatus.PAID:
            return locked
        if locked.created_by_id == actor.pk:
            raise DomainError(_("You prepared this batch, so someone else must confirm the payment."))
        if not get_scope(actor).has("relief:disburse", locked.organization):
            raise DomainError(
                _("Payments of this programme are confirmed by %(organization)s.")
                % {"organization": locked.organization}
            )
        # Lock every budget the batch draws on, in primary-key order, so two batches never wait on
        # each other in opposite orders (deadlock) and each sees the other's committed spending.
        budgets = {b.pk: b for b in Budget.objects.select_for_update().filter(pk=locked.budget_id).order_by("pk")}
        budget = budgets[locked.budget_id]
        lines = list(locked.lines.select_related("application__person", "application__notice", "application"))
        for line in lines:
            reason = payable_refusal(line.application, now)
            if reason:
                raise DomainError(reason)
        total = sum((line.amount for line in lines), ZERO)
        used = money(LedgerEntry.objects.filter(budget=budget).aggregate(total=Sum("amount"))["total"])
        if used + total > budget.amount:
            raise DomainError(
                _("Paying %(total)s yuan would overspend the budget: %(remaining)s yuan of %(amount)s is left.")
                % {"total": total, "remaining": budget.amount - used, "amount": budget.amount},
                code="budget",
            )
        entries = []
        for line in lines:
            application = line.application
            entries.append(
                LedgerEntry(
                    kind=EntryKind.DISBURSEMENT,
                    amount=line.amount,
                    programme_id=locked.programme_id,
                    budget=budget,
                    organization_id=locked.organization_id,
                    funding_source=budget.funding_source,
                    person_id=application.person_id,
                    household_id=application.household_id,
                    application=application,
                    batch=locked,
                    year=budget.year,
                    operator=actor,
                    created_at=now,
                )
            )
        try:
            with transaction.atomic():
                LedgerEntry.objects.bulk_create(entries)
        except IntegrityError:
            raise DomainError(
                _("An application of this batch was already paid; nothing was paid."), code="stale"
            ) from None
        paid = Application.objects.filter(
            pk__in=[line.application_id for line in lines], status=Status.IN_NOTICE
        ).update(status=Status.PAID, updated_at=now)
        if paid != len(lines):
            raise DomainError(
                _("An application changed while paying; nothing was paid, please try again."), code="stale"
            )
        DisbursementBatch.objects.filter(pk=locked.pk).update(status=BatchStatus.PAID, paid_by=actor, paid_at=now)
        log_action(
            "relief.batch.paid",
            actor=actor,
            organization=locked.organization,
            obj=locked,
            data={"total": str(total), "entries": len(entries)},
        )
        publish("relief.batch.paid", {"batch_id": locked.pk, "programme_id": locked.programme_id})
    locked.refresh_from_db()
    return locked


def reverse_entry(entry: LedgerEntry, *, reason: str, actor) -> LedgerEntry:
    """Undo a disbursement or adjustment with a new, opposite entry (the original stays)."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError(_("Please give the reason for the reversal (at least 4 characters)."))
    if entry.kind == EntryKind.REVERSAL:
        raise DomainError(_("A reversal cannot itself be reversed; record an adjustment instead."))
    if not get_scope(actor).has("relief:ledger", entry.organization):
        raise DomainError(_("Only the programme's organisation can reverse its entries."))
    try:
        with transaction.atomic():
            Budget.objects.select_for_update().get(pk=entry.budget_id)
            if LedgerEntry.objects.filter(reverses=entry).exists():
                raise DomainError(_("This entry was already reversed."), code="stale")
            reversal = LedgerEntry.objects.create(
                kind=EntryKind.REVERSAL,
                amount=-entry.amount,
                programme_id=entry.programme_id,
                budget_id=entry.budget_id,
                organization_id=entry.organization_id,
                funding_source=entry.funding_source,
                person_id=entry.person_id,
                household_id=entry.household_id,
                application_id=entry.application_id,
                reverses=entry,
                year=entry.year,
                note=reason[:200],
                operator=actor,
            )
            log_action(
                "relief.ledger.reversed",
                actor=actor,
                organization=entry.organization,
                obj=reversal,
                data={"reverses": entry.pk, "amount": str(entry.amount), "reason": reason[:200]},
            )
    except IntegrityError:
        raise DomainError(_("This entry was already reversed."), code="stale") from None
    return reversal


def aid_this_year(person, year: int | None = None, *, viewer=None) -> list[dict]:
    """The person's and household's aid from every organisation this year: programme, organisation
    and amount only (no case details cross organisation lines). When the person withdrew consent to
    sharing, only the viewer's own organisations' aid is shown."""
    year = year or timezone.localdate().year
    query = Q(person=person)
    if person.household_id:
        query |= Q(household_id=person.household_id)
    entries = LedgerEntry.objects.filter(query, year=year)
    if getattr(person, "sharing_withdrawn_at", None) and viewer is not None:
        org_ids = get_scope(viewer).org_ids_with("relief:view")
        if org_ids is not None:
            entries = entries.filter(organization_id__in=org_ids)
    rows = (
        entries.values("programme__name", "organization__short_name", "organization__name", "person_id")
        .annotate(total=Sum("amount"))
        .order_by("programme__name")
    )
    return [
        {
            "programme": row["programme__name"],
            "organization": row["organization__short_name"] or row["organization__name"],
            "total": money(row["total"]),
            "same_person": row["person_id"] == person.pk,
        }
        for row in rows
        if row["total"]
    ]


def record_adjustment(budget: Budget, *, person, amount: Decimal, note: str, actor) -> LedgerEntry:
    """A correction that is neither a payment nor a reversal (e.g. a bank fee refunded). A positive
    adjustment uses budget, so it is checked under the same lock as a batch."""
    note = (note or "").strip()
    if len(note) < 4:
        raise DomainError(_("Please explain the adjustment (at least 4 characters)."))
    if amount is None or amount == 0:
        raise DomainError(_("An adjustment must not be zero."))
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(_("The amount can have at most two decimal places (fen)."), code="amount")
    if not get_scope(actor).has("relief:ledger", budget.programme.organization):
        raise DomainError(_("Only the programme's organisation can adjust its ledger."))
    if is_merged(person):
        raise DomainError(_("This person's record was merged into another; use the remaining record."))
    with transaction.atomic():
        locked = Budget.objects.select_for_update().select_related("programme").get(pk=budget.pk)
        used = money(LedgerEntry.objects.filter(budget=locked).aggregate(total=Sum("amount"))["total"])
        if amount > 0 and used + amount > locked.amount:
            raise DomainError(
                _("Paying %(total)s yuan would overspend the budget: %(remaining)s yuan of %(amount)s is left.")
                % {"total": amount, "remaining": locked.amount - used, "amount": locked.amount},
                code="budget",
            )
        entry = LedgerEntry.objects.create(
            kind=EntryKind.ADJUSTMENT,
            amount=amount,
            programme=locked.programme,
            budget=locked,
            organization=locked.programme.organization,
            funding_source=locked.funding_source,
            person=person,
            household_id=person.household_id,
            year=locked.year,
            note=note[:200],
            operator=actor,
        )
        log_action(
            "relief.ledger.adjusted",
            actor=actor,
            organization=locked.programme.organization,
            obj=entry,
            data={"amount": str(amount), "note": note[:200]},
        )
    return entry
