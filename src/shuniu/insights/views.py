"""The cockpit (district roles) and organisation dashboards, and period reports."""

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.scoping import get_scope, get_visible_or_404

from .figures import chart_payload, compute_sections, current_as_of, parse_period
from .models import PeriodKind, PeriodReport, ReportSubscription
from .tasks import generate_period_report

PAGE_SIZE = 50


@permission_required("insights:view")
def cockpit(request):
    period = parse_period(request.GET.get("period", ""))
    as_of = current_as_of()
    sections = compute_sections(request.user, period, as_of=as_of)
    scope = get_scope(request.user)
    today = timezone.localdate()
    choices = [
        ("", _("Last 12 months")),
        (str(today.year), str(today.year)),
        (str(today.year - 1), str(today.year - 1)),
        *[(f"{today.year}Q{q}", f"{today.year}Q{q}") for q in range(1, (today.month - 1) // 3 + 2)],
        (f"{today:%Y-%m}", f"{today:%Y-%m}"),
    ]
    return render(
        request,
        "insights/cockpit.html",
        {
            "sections": sections,
            "charts": chart_payload(sections),
            "period": period,
            "period_value": request.GET.get("period", ""),
            "period_choices": choices,
            "is_district": scope.is_district,
            "organization": scope.primary_organization,
            "as_of": as_of,
        },
    )


class ReportForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=PeriodKind.choices)
    period = forms.CharField(
        label=gettext_lazy("Period"), max_length=8, help_text=gettext_lazy("e.g. 2026-03, 2026Q1 or 2026")
    )

    def clean(self):
        data = super().clean()
        kind, value = data.get("kind"), (data.get("period") or "").strip().upper()
        shapes = {"monthly": 7, "quarterly": 6, "yearly": 4}
        if kind and value:
            parsed = parse_period(value)
            if len(value) != shapes[kind] or parsed.label != value:
                self.add_error(
                    "period",
                    _("Write the period as 2026-03 (monthly), 2026Q1 (quarterly) or 2026 (yearly), matching the kind."),
                )
            elif parsed.start > timezone.localdate():
                self.add_error("period", _("This period has not started yet."))
            data["period"] = value
        return data


@permission_required("insights:report")
@require_http_methods(["GET", "POST"])
def reports(request):
    scope = get_scope(request.user)
    organization = scope.primary_organization
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with transaction.atomic():
                report = PeriodReport.objects.create(
                    kind=form.cleaned_data["kind"],
                    period=form.cleaned_data["period"],
                    organization=organization,
                    requested_by=request.user,
                )
                log_action("insights.report.requested", actor=request.user, organization=organization, obj=report)
                transaction.on_commit(lambda: generate_period_report.enqueue(report.pk))
            messages.success(
                request, _("The report is being prepared; you will be told in your inbox when it is ready.")
            )
            return redirect("insights:reports")
        status = 422
    rows = PeriodReport.objects.visible_to(request.user).select_related("organization", "requested_by")
    before = request.GET.get("before")
    if before and before.isdigit():
        rows = rows.filter(pk__lt=int(before))
    rows = list(rows.order_by("-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    subscribed = set(
        ReportSubscription.objects.filter(user=request.user, organization=organization).values_list("kind", flat=True)
    )
    return render(
        request,
        "insights/reports.html",
        {
            "form": form,
            "reports": rows,
            "next_before": rows[-1].pk if more else None,
            "kinds": PeriodKind.choices,
            "subscribed": subscribed,
        },
        status=status,
    )


@permission_required("insights:report")
@require_POST
def subscribe(request):
    kind = request.POST.get("kind", "")
    if kind not in PeriodKind.values:
        raise Http404
    organization = get_scope(request.user).primary_organization
    existing = ReportSubscription.objects.filter(user=request.user, organization=organization, kind=kind)
    if existing.exists():
        existing.delete()
        messages.success(request, _("You will no longer receive these reports."))
    else:
        try:
            with transaction.atomic():
                ReportSubscription.objects.create(user=request.user, organization=organization, kind=kind)
        except IntegrityError:
            pass
        messages.success(request, _("You will receive each new report of this kind in your inbox."))
    return redirect("insights:reports")


@permission_required("insights:report")
def report_download(request, pk: int, fmt: str):
    report = get_visible_or_404(PeriodReport.objects, request.user, pk=pk)
    file = report.xlsx if fmt == "xlsx" else report.docx if fmt == "docx" else None
    if file is None or not file:
        raise Http404
    with file.open("rb") as handle:  # reports are small; read and close at once
        content = handle.read()
    log_action("insights.report.downloaded", actor=request.user, organization=report.organization, obj=report)
    content_type = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name.rsplit("/", 1)[-1]}"'
    return response
