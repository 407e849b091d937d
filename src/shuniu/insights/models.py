"""Period reports (monthly, quarterly, yearly) generated in the background, and who wants them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization
from shuniu.core.scoping import ScopedQuerySet


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PeriodReportQuerySet(ScopedQuerySet):
    view_permission = "insights:report"


class PeriodReport(models.Model):
    """The cockpit's figures for one period as .xlsx and .docx, computed with the scope of the
    person who asked (so a report never holds more than they may see) and kept for download."""

    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    period = models.CharField(_("period"), max_length=8, help_text=_("2026, 2026Q1 or 2026-03"))
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    xlsx = models.FileField(upload_to="insights/reports/", blank=True, max_length=200)
    docx = models.FileField(upload_to="insights/reports/", blank=True, max_length=200)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PeriodReportQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")

    def __str__(self):
        return f"{self.period} · {self.organization}"


class ReportSubscription(models.Model):
    """A user who wants each new report of `kind` for their organisation in their inbox."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "kind"], name="insights_subscription_unique")
        ]

    def __str__(self):
        return f"{self.user} · {self.kind}"
