"""Staff pages: applications and their review. Programmes, notices, money and reports are in
views_admin.py."""

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.htmx import render_page
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.people.services import find_or_create_person
from shuniu.relief import services
from shuniu.relief.forms import AdjustmentForm, DecisionForm, ResolveForm, ReviseForm, StaffApplicationForm
from shuniu.relief.models import Application, Decision, Programme, Status

PAGE_SIZE = 50


def application_input(data, document=None) -> services.ApplicationInput:
    return services.ApplicationInput(
        household_size=data["household_size"],
        monthly_income=data["monthly_income"],
        reason=data["reason"],
        student_enrolled=data.get("student_enrolled", False),
        school=data.get("school", ""),
        disability_level=data.get("disability_level"),
        amount=data.get("amount"),
        contact_phone=data.get("phone", ""),
        documents=[document] if document else [],
    )


@permission_required("relief:view")
def applications(request):
    queryset = Application.objects.visible_to(request.user).select_related("programme", "person", "community")
    status = request.GET.get("status", "")
    if status in Status.values:
        queryset = queryset.filter(status=status)
    programme = request.GET.get("programme", "")
    if programme.isdigit():
        queryset = queryset.filter(programme_id=int(programme))
    search = request.GET.get("q", "").strip()
    if search:
        queryset = queryset.filter(Q(code__iexact=search) | Q(person__name__startswith=search))
    before = request.GET.get("before", "")
    if before.isdigit():
        queryset = queryset.filter(id__lt=int(before))
    rows = list(queryset.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render_page(
        request,
        "relief/applications.html",
        {
            "applications": rows,
            "next_before": rows[-1].id if more else None,
            "statuses": Status.choices,
            "status": status,
            "programmes": Programme.objects.visible_to(request.user),
            "programme": programme,
            "q": search,
        },
        fragment="relief/_application_rows.html",
    )


@permission_required("relief:apply")
@require_http_methods(["GET", "POST"])
def application_create(request):
    programmes = Programme.objects.visible_to(request.user).filter(is_active=True)
    initial = {}
    if request.GET.get("programme", "").isdigit():
        initial["programme"] = int(request.GET["programme"])
    form = StaffApplicationForm(request.POST or None, request.FILES or None, programmes=programmes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        programme = data["programme"]
        try:
            person, _created = find_or_create_person(
                name=data["name"],
                organization=programme.organization,
                actor=request.user,
                id_number=data["id_number"],
                phone=data["phone"],
                community=data["community"],
            )
            application = services.create_application(
                programme=programme,
                person=person,
                data=application_input(data, data.get("document")),
                actor=request.user,
                community=data["community"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Application %(code)s registered.") % {"code": application.code})
            return redirect("relief:application_detail", pk=application.pk)
    return render(request, "relief/application_form.html", {"form": form})


def _detail_context(request, application):
    step = services.current_step(application)
    refusal = services.refusal_to_decide(application, request.user, step) if step else None
    decision_form = DecisionForm(initial={"step": application.current_step}) if step and not refusal else None
    steps = list(application.programme.steps.all())
    decisions = list(application.decisions.select_related("step", "actor", "organization"))
    return {
        "application": application,
        "step": step,
        "steps": steps,
        "refusal": refusal,
        "decision_form": decision_form,
        "decisions": decisions,
        "aid": services.aid_this_year(application.person, application.year, viewer=request.user),
        "objections": list(application.objections.all()),
        "resolve_form": ResolveForm(),
        "can_notice": get_scope(request.user).has("relief:notice", application.organization),
        "can_revise": application.status == Status.RETURNED and get_scope(request.user).has("relief:apply"),
        "documents": list(application.documents.all()),
        "entries": list(application.entries.all()),
        "can_adjust": application.status == Status.PAID
        and get_scope(request.user).has("relief:ledger", application.organization),
        "adjust_form": AdjustmentForm(),
    }


@permission_required("relief:view")
def application_detail(request, pk: int):
    application = get_visible_or_404(
        Application.objects.select_related("programme", "person", "community", "notice", "organization", "branch"),
        request.user,
        pk=pk,
    )
    log_action("relief.application.viewed", actor=request.user, organization=application.organization, obj=application)
    return render(request, "relief/application_detail.html", _detail_context(request, application))


@permission_required("relief:approve")
@require_POST
def application_decide(request, pk: int):
    application = get_visible_or_404(Application.objects.select_related("programme"), request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("relief:application_detail", pk=pk)
    try:
        services.decide(
            application,
            step_position=form.cleaned_data["step"],
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        labels = {
            Decision.APPROVE: _("Approved."),
            Decision.RETURN: _("Returned for revision."),
            Decision.REJECT: _("Rejected."),
        }
        messages.success(request, labels[form.cleaned_data["decision"]])
    return redirect("relief:application_detail", pk=pk)


@permission_required("relief:apply")
@require_http_methods(["GET", "POST"])
def application_revise(request, pk: int):
    application = get_visible_or_404(Application.objects.select_related("programme"), request.user, pk=pk)
    if application.status != Status.RETURNED:
        messages.error(request, _("Only an application returned for revision can be revised."))
        return redirect("relief:application_detail", pk=pk)
    initial = {
        "household_size": application.household_size,
        "monthly_income": application.monthly_income,
        "student_enrolled": application.student_enrolled,
        "school": application.school,
        "disability_level": application.disability_level,
        "reason": application.reason,
        "amount": application.amount,
    }
    form = ReviseForm(request.POST or None, initial=initial)
    if application.programme.amount_mode != "assessed":
        del form.fields["amount"]
    if request.method == "POST" and form.is_valid():
        try:
            services.resubmit(application, data=application_input(form.cleaned_data), actor=request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Resubmitted; the review starts again at the first step."))
            return redirect("relief:application_detail", pk=pk)
    return render(request, "relief/application_revise.html", {"form": form, "application": application})


@permission_required("relief:view")
def document_download(request, pk: int, document_pk: int):
    application = get_visible_or_404(Application.objects.all(), request.user, pk=pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    log_action("relief.document.downloaded", actor=request.user, organization=application.organization, obj=application)
    # Documents are small (at most 10 MB); reading them whole closes the file before responding.
    with document.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=document.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("relief:notice")
@require_POST
def objection_resolve(request, pk: int):
    from shuniu.relief.models import Objection

    objection = get_object_or_404(Objection.objects.select_related("application"), pk=pk)
    application = get_visible_or_404(Application.objects.all(), request.user, pk=objection.application_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome and write how the objection was checked."))
        return redirect("relief:application_detail", pk=application.pk)
    try:
        services.resolve_objection(
            objection,
            upheld=form.cleaned_data["outcome"] == "upheld",
            resolution=form.cleaned_data["resolution"],
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Objection resolved."))
    return redirect("relief:application_detail", pk=application.pk)


@permission_required("relief:ledger")
@require_POST
def application_adjust(request, pk: int):
    application = get_visible_or_404(Application.objects.select_related("programme", "person"), request.user, pk=pk)
    form = AdjustmentForm(request.POST)
    budget = application.programme.budgets.filter(year=application.year).first()
    if not form.is_valid() or budget is None:
        messages.error(request, _("Enter a non-zero amount and explain the adjustment."))
        return redirect("relief:application_detail", pk=pk)
    try:
        services.record_adjustment(
            budget,
            person=application.person,
            amount=form.cleaned_data["amount"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Adjustment recorded in the ledger."))
    return redirect("relief:application_detail", pk=pk)


def _awaiting_me(user):
    """Applications whose current step this user may decide."""
    candidates = (
        Application.objects.visible_to(user)
        .filter(status=Status.IN_REVIEW)
        .select_related("programme", "person", "community", "organization", "branch")
        .order_by("id")[:500]
    )
    return [a for a in candidates if services.refusal_to_decide(a, user) is None]


@permission_required("relief:approve")
@require_http_methods(["GET", "POST"])
def review(request):
    """Bulk approval: choose applications, look at them on a review screen, then confirm."""
    awaiting = _awaiting_me(request.user)
    by_id = {a.pk: a for a in awaiting}
    if request.method == "POST":
        chosen = [by_id[int(v)] for v in request.POST.getlist("application") if v.isdigit() and int(v) in by_id]
        if not chosen:
            messages.error(request, _("Choose at least one application."))
            return redirect("relief:review")
        if request.POST.get("confirm") != "1":
            for application in chosen:
                application.aid = services.aid_this_year(application.person, application.year, viewer=request.user)
                application.step_name = services.current_step(application).name
            return render(request, "relief/review_confirm.html", {"chosen": chosen})
        result = services.bulk_approve(chosen, comment=request.POST.get("comment", ""), actor=request.user)
        if result.decided:
            messages.success(request, _("%(count)d application(s) approved.") % {"count": len(result.decided)})
        for application, reason in result.refused:
            messages.error(request, f"{application.code}: {reason}")
        return redirect("relief:review")
    for application in awaiting:
        application.step_name = services.current_step(application).name
    return render(request, "relief/review.html", {"awaiting": awaiting, "now": timezone.now()})
