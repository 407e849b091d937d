"""Staff pages: programmes (budgets, rules, approval chain), public notices, disbursement batches,
the ledger and the cross-organisation reports."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.htmx import render_page
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.relief import exports, reports, services
from shuniu.relief.forms import BudgetForm, ProgrammeForm, ReverseForm, RuleForm, StepForm
from shuniu.relief.models import (
    Application,
    Budget,
    DisbursementBatch,
    EligibilityRule,
    LedgerEntry,
    Programme,
    Status,
)

PAGE_SIZE = 50


def _programme_or_404(request, pk):
    return get_visible_or_404(Programme.objects.select_related("organization"), request.user, pk=pk)


def _require_manage(request, programme):
    if not get_scope(request.user).has("relief:manage", programme.organization):
        raise PermissionDenied


@permission_required("relief:view")
def programmes(request):
    rows = list(Programme.objects.visible_to(request.user).select_related("organization"))
    year = timezone.localdate().year
    budgets = {b.programme_id: b for b in Budget.objects.filter(programme__in=rows, year=year)}
    for programme in rows:
        programme.budget_this_year = budgets.get(programme.pk)
    return render(request, "relief/programmes.html", {"programmes": rows, "year": year})


@permission_required("relief:manage")
@require_http_methods(["GET", "POST"])
def programme_create(request):
    scope = get_scope(request.user)
    organizations = [m.organization for m in scope.memberships if scope.has("relief:manage", m.organization)]
    if not organizations:
        raise PermissionDenied
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            programme = form.save(commit=False)
            programme.organization = organizations[0]
            programme.save()
            log_action(
                "relief.programme.created", actor=request.user, organization=programme.organization, obj=programme
            )
        messages.success(request, _("Programme created. Add its budget, rules and approval steps."))
        return redirect("relief:programme_detail", pk=programme.pk)
    return render(request, "relief/programme_form.html", {"form": form, "organization": organizations[0]})


@permission_required("relief:manage")
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk: int):
    programme = _programme_or_404(request, pk)
    _require_manage(request, programme)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            log_action(
                "relief.programme.changed",
                actor=request.user,
                organization=programme.organization,
                obj=programme,
                data={"fields": form.changed_data},
            )
        messages.success(request, _("Programme saved."))
        return redirect("relief:programme_detail", pk=programme.pk)
    return render(request, "relief/programme_form.html", {"form": form, "programme": programme})


@permission_required("relief:view")
def programme_detail(request, pk: int):
    programme = _programme_or_404(request, pk)
    can_manage = get_scope(request.user).has("relief:manage", programme.organization)
    budgets = list(programme.budgets.all())
    for budget in budgets:
        budget.used_amount = budget.used()
        budget.remaining_amount = budget.amount - budget.used_amount
    approved = Application.objects.visible_to(request.user).filter(programme=programme, status=Status.APPROVED)
    return render(
        request,
        "relief/programme_detail.html",
        {
            "programme": programme,
            "budgets": budgets,
            "rules": list(programme.rules.all()),
            "steps": list(programme.steps.all()),
            "notices": list(programme.notices.all()[:10]),
            "batches": list(programme.batches.all()[:10]),
            "approved_count": approved.count(),
            "payable_count": services.payable_applications(programme).count(),
            "can_manage": can_manage,
            "rule_form": RuleForm(initial={"position": len(programme.rules.all()) + 1}),
            "step_form": StepForm(initial={"position": programme.steps.count() + 1, "level": "organization"}),
            "budget_form": BudgetForm(
                initial={"year": timezone.localdate().year, "funding_source": programme.funding_source}
            ),
        },
    )


@permission_required("relief:manage")
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int, rule_pk: int | None = None):
    programme = _programme_or_404(request, pk)
    _require_manage(request, programme)
    rule = get_object_or_404(programme.rules, pk=rule_pk) if rule_pk else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.programme = programme
            saved.save()
            log_action(
                "relief.rule.saved",
                actor=request.user,
                organization=programme.organization,
                obj=saved,
                data={"field": saved.field, "operator": saved.operator, "value": saved.value},
            )
        messages.success(request, _("Eligibility rule saved; new applications are judged by it."))
        return redirect("relief:programme_detail", pk=programme.pk)
    return render(request, "relief/rule_form.html", {"form": form, "programme": programme, "rule": rule})


@permission_required("relief:manage")
@require_POST
def rule_delete(request, pk: int, rule_pk: int):
    programme = _programme_or_404(request, pk)
    _require_manage(request, programme)
    rule = get_object_or_404(EligibilityRule, pk=rule_pk, programme=programme)
    with transaction.atomic():
        log_action(
            "relief.rule.deleted",
            actor=request.user,
            organization=programme.organization,
            obj=rule,
            data={"explanation": rule.explanation},
        )
        rule.delete()
    messages.success(request, _("Rule removed."))
    return redirect("relief:programme_detail", pk=programme.pk)


@permission_required("relief:manage")
@require_POST
def step_add(request, pk: int):
    programme = _programme_or_404(request, pk)
    _require_manage(request, programme)
    form = StepForm(request.POST, programme=programme)
    if form.is_valid():
        with transaction.atomic():
            step = form.save(commit=False)
            step.programme = programme
            step.save()
            log_action("relief.step.added", actor=request.user, organization=programme.organization, obj=step)
        messages.success(request, _("Approval step added."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("relief:programme_detail", pk=programme.pk)


@permission_required("relief:manage")
@require_POST
def step_delete(request, pk: int, step_pk: int):
    programme = _programme_or_404(request, pk)
    _require_manage(request, programme)
    step = get_object_or_404(programme.steps, pk=step_pk)
    if Application.objects.filter(programme=programme, status=Status.IN_REVIEW).exists():
        messages.error(request, _("Applications are in review; change the chain when none is waiting."))
        return redirect("relief:programme_detail", pk=programme.pk)
    with transaction.atomic():
        log_action("relief.step.deleted", actor=request.user, organization=programme.organization, obj=step)
        step.delete()
    messages.success(request, _("Approval step removed."))
    return redirect("relief:programme_detail", pk=programme.pk)


@permission_required("relief:manage")
@require_POST
def budget_save(request, pk: int):
    programme = _programme_or_404(request, pk)
    _require_manage(request, programme)
    form = BudgetForm(request.POST, programme=programme)
    if form.is_valid():
        with transaction.atomic():
            data = form.cleaned_data
            # Locked so that a batch being paid right now cannot slip under a lowered amount.
            budget = Budget.objects.select_for_update().filter(programme=programme, year=data["year"]).first()
            if budget is not None and data["amount"] < budget.used():
                messages.error(request, _("The budget cannot be set below what is already paid."))
                return redirect("relief:programme_detail", pk=programme.pk)
            budget, _created = Budget.objects.update_or_create(
                programme=programme,
                year=data["year"],
                defaults={"amount": data["amount"], "funding_source": data["funding_source"]},
            )
            log_action(
                "relief.budget.saved",
                actor=request.user,
                organization=programme.organization,
                obj=budget,
                data={"year": budget.year, "amount": str(budget.amount)},
            )
        messages.success(request, _("Budget saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("relief:programme_detail", pk=programme.pk)


@permission_required("relief:notice")
@require_http_methods(["GET", "POST"])
def notice_create(request, pk: int):
    programme = _programme_or_404(request, pk)
    approved = list(
        Application.objects.visible_to(request.user)
        .filter(programme=programme, status=Status.APPROVED)
        .select_related("person", "community")
    )
    if request.method == "POST":
        if not get_scope(request.user).has("relief:notice", programme.organization):
            raise PermissionDenied
        chosen_ids = {int(v) for v in request.POST.getlist("application") if v.isdigit()}
        chosen = [a for a in approved if a.pk in chosen_ids]
        try:
            notice = services.publish_notice(programme, chosen, actor=request.user, title=request.POST.get("title", ""))
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Published %(count)d application(s) until %(date)s.")
                % {"count": len(chosen), "date": timezone.localtime(notice.ends_at).strftime("%Y-%m-%d %H:%M")},
            )
            return redirect("relief:programme_detail", pk=programme.pk)
    return render(request, "relief/notice_form.html", {"programme": programme, "approved": approved})


@permission_required("relief:disburse")
@require_http_methods(["GET", "POST"])
def batch_create(request, pk: int):
    programme = _programme_or_404(request, pk)
    payable = list(services.payable_applications(programme).filter(pk__in=Application.objects.visible_to(request.user)))
    year = timezone.localdate().year
    budget = Budget.objects.filter(programme=programme, year=year).first()
    if request.method == "POST":
        if not get_scope(request.user).has("relief:disburse", programme.organization):
            raise PermissionDenied
        chosen_ids = {int(v) for v in request.POST.getlist("application") if v.isdigit()}
        chosen = [a for a in payable if a.pk in chosen_ids]
        try:
            batch = services.create_batch(
                programme, chosen, actor=request.user, idempotency_key=request.POST.get("idempotency_key", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Batch %(code)s prepared; another colleague confirms the payment.") % {"code": batch.code}
            )
            return redirect("relief:batch_detail", pk=batch.pk)
    return render(
        request,
        "relief/batch_form.html",
        {
            "programme": programme,
            "payable": payable,
            "budget": budget,
            "remaining": budget.remaining() if budget else None,
            "idempotency_key": uuid.uuid4().hex,
        },
    )


@permission_required("relief:view")
def batches(request):
    rows = list(DisbursementBatch.objects.visible_to(request.user).select_related("programme", "created_by")[:100])
    return render(request, "relief/batches.html", {"batches": rows})


@permission_required("relief:view")
def batch_detail(request, pk: int):
    batch = get_visible_or_404(
        DisbursementBatch.objects.select_related("programme", "budget", "created_by", "paid_by"), request.user, pk=pk
    )
    lines = list(batch.lines.select_related("application__person", "application__community", "application__notice"))
    for line in lines:
        line.refusal = services.payable_refusal(line.application) if batch.status == "prepared" else None
    return render(
        request,
        "relief/batch_detail.html",
        {
            "batch": batch,
            "lines": lines,
            "remaining": batch.budget.remaining(),
            "can_pay": batch.status == "prepared"
            and batch.created_by_id != request.user.pk
            and get_scope(request.user).has("relief:disburse", batch.organization),
        },
    )


@permission_required("relief:disburse")
@require_POST
def batch_pay(request, pk: int):
    batch = get_visible_or_404(DisbursementBatch.objects.all(), request.user, pk=pk)
    already_paid = batch.status == "paid"
    try:
        services.pay_batch(batch, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if already_paid:
            messages.info(request, _("This batch was already paid; nothing was paid again."))
        else:
            messages.success(request, _("Batch paid; the ledger has one entry per application."))
    return redirect("relief:batch_detail", pk=batch.pk)


@permission_required("relief:view")
def batch_export(request, pk: int):
    batch = get_visible_or_404(DisbursementBatch.objects.select_related("programme"), request.user, pk=pk)
    log_action("relief.batch.exported", actor=request.user, organization=batch.organization, obj=batch)
    return exports.batch_response(batch)


@permission_required("relief:view")
def ledger(request):
    entries = LedgerEntry.objects.visible_to(request.user).select_related(
        "programme", "person", "application", "batch", "operator", "reversed_by"
    )
    programme = request.GET.get("programme", "")
    if programme.isdigit():
        entries = entries.filter(programme_id=int(programme))
    before = request.GET.get("before", "")
    if before.isdigit():
        entries = entries.filter(id__lt=int(before))
    rows = list(entries.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render_page(
        request,
        "relief/ledger.html",
        {
            "entries": rows,
            "next_before": rows[-1].id if more else None,
            "programmes": Programme.objects.visible_to(request.user),
            "programme": programme,
            "reverse_form": ReverseForm(),
            "can_reverse": get_scope(request.user).has("relief:ledger"),
        },
        fragment="relief/_ledger_rows.html",
    )


@permission_required("relief:ledger")
@require_POST
def ledger_reverse(request, pk: int):
    entry = get_visible_or_404(LedgerEntry.objects.select_related("organization"), request.user, pk=pk)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the reason for the reversal (at least 4 characters)."))
        return redirect("relief:ledger")
    try:
        services.reverse_entry(entry, reason=form.cleaned_data["reason"], actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Reversal recorded; the original entry stays in the ledger."))
    return redirect("relief:ledger")


def _year(request) -> int:
    value = request.GET.get("year", "")
    current = timezone.localdate().year
    return int(value) if value.isdigit() and 2000 <= int(value) <= current + 1 else current


@permission_required("relief:report")
def duplicate_aid(request):
    year = _year(request)
    rows = reports.duplicate_aid(request.user, year)
    return render(request, "relief/duplicate_aid.html", {"rows": rows, "year": year})


@permission_required("relief:report")
def coverage_gap(request):
    areas, people, total = reports.coverage_gap(request.user)
    return render(request, "relief/coverage_gap.html", {"areas": areas, "people": people, "total": total})


@permission_required("relief:report")
def reconciliation(request):
    year = _year(request)
    rows = reports.reconciliation(request.user, year)
    if request.GET.get("format") == "xlsx":
        entries = (
            LedgerEntry.objects.filter(budget__in=[row.budget for row in rows])
            .select_related("programme", "application", "batch", "operator")
            .order_by("id")
        )
        log_action("relief.reconciliation.exported", actor=request.user, data={"year": year})
        return exports.reconciliation_response(rows, entries, year)
    return render(request, "relief/reconciliation.html", {"rows": rows, "year": year})
