"""Background generation of period reports (django.tasks; ids in, idempotent)."""

from django.core.files.base import ContentFile
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shuniu.core.services import notify

from .documents import build_docx, build_xlsx
from .figures import compute_sections, parse_period
from .models import PeriodReport, ReportStatus, ReportSubscription


@task
def generate_period_report(report_id: int) -> str:
    report = PeriodReport.objects.select_related("organization", "requested_by").filter(pk=report_id).first()
    if report is None or report.status != ReportStatus.QUEUED:
        return "skipped"
    with translation.override("zh-hans"):
        period = parse_period(report.period)
        sections = compute_sections(report.requested_by, period, use_cache=False)
        title = _("%(organization)s report for %(period)s") % {
            "organization": report.organization.display_name,
            "period": report.period,
        }
        stem = f"shuniu-{report.organization.code}-{report.period}-{report.pk}"
        xlsx, docx = build_xlsx(title, sections), build_docx(title, sections)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    report.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    # Compare-and-set: a second run of the same task finds the report no longer queued.
    changed = PeriodReport.objects.filter(pk=report.pk, status=ReportStatus.QUEUED).update(
        status=ReportStatus.READY, xlsx=report.xlsx.name, docx=report.docx.name, finished_at=timezone.now()
    )
    if changed != 1:
        return "skipped"
    subscribers = [
        subscription.user
        for subscription in ReportSubscription.objects.filter(
            organization=report.organization, kind=report.kind, user__is_active=True
        ).select_related("user")
    ]
    with translation.override("zh-hans"):
        notify(
            [report.requested_by, *subscribers],
            _("Report ready: %(title)s") % {"title": title},
            url=reverse("insights:reports"),
            dedupe_key=f"insights-report-{report.pk}",
        )
    return "ready"
