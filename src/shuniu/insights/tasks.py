"""Background generation of period reports (django.tasks; ids in, idempotent), the reports made
by the schedule at the end of each period, and the refresh of the cockpit's aggregate tables."""

from datetime import date, timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.scoping import get_scope
from shuniu.core.services import notify

from .aggregates import refresh
from .documents import build_docx, build_xlsx
from .figures import compute_sections, parse_period
from .models import PeriodKind, PeriodReport, ReportStatus, ReportSubscription


@task
def refresh_aggregates() -> dict:
    """Bring the cockpit's aggregate tables up to date (incremental; idempotent)."""
    return refresh()


@task
def generate_period_report(report_id: int) -> str:
    report = PeriodReport.objects.select_related("organization", "requested_by").filter(pk=report_id).first()
    if report is None or report.status != ReportStatus.QUEUED:
        return "skipped"
    refresh()  # incremental: the report holds the figures as they are now
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


def due_periods(today: date) -> dict[str, str]:
    """The latest period of each kind that has ended by `today` (reports are made from the day after)."""
    last_month = today.replace(day=1) - timedelta(days=1)
    quarter = (today.month - 1) // 3  # the previous quarter: 0 means the last one of last year
    return {
        PeriodKind.MONTHLY: f"{last_month:%Y-%m}",
        PeriodKind.QUARTERLY: f"{today.year}Q{quarter}" if quarter else f"{today.year - 1}Q4",
        PeriodKind.YEARLY: str(today.year - 1),
    }


def make_due_period_reports(today: date | None = None) -> int:
    """For each organisation and kind with subscribers, make the report of the period just ended
    (once: the schedule may run this any number of times) and generate it in the background; the
    generation sends it to the subscribers. The report is computed with the scope of the first
    subscriber who may make reports for that organisation. Returns how many reports were made."""
    today = today or timezone.localdate()
    due = due_periods(today)
    made = 0
    pairs = (
        ReportSubscription.objects.filter(user__is_active=True)
        .values_list("organization_id", "kind")
        .distinct()
        .order_by("organization_id", "kind")
    )
    for organization_id, kind in pairs:
        period = due[kind]
        if PeriodReport.objects.filter(
            organization_id=organization_id, kind=kind, period=period, automatic=True
        ).exists():
            continue
        subscriptions = ReportSubscription.objects.filter(
            organization_id=organization_id, kind=kind, user__is_active=True
        ).select_related("user", "organization")
        requester = next(
            (
                subscription.user
                for subscription in subscriptions.order_by("id")
                if get_scope(subscription.user).has("insights:report", subscription.organization)
            ),
            None,
        )
        if requester is None:
            continue
        try:
            with transaction.atomic():
                report = PeriodReport.objects.create(
                    kind=kind, period=period, organization_id=organization_id, requested_by=requester, automatic=True
                )
                log_action("insights.report.scheduled", actor=None, organization=report.organization, obj=report)
                transaction.on_commit(partial(generate_period_report.enqueue, report.pk))
        except IntegrityError:  # another run made it meanwhile
            continue
        made += 1
    return made
