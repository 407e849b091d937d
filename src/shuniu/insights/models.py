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
    automatic = models.BooleanField(
        default=False, editable=False, help_text="Made by the schedule at the end of the period for the subscribers."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = PeriodReportQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")
        constraints = [
            # The schedule makes one report per organisation, kind and period, however often it runs.
            models.UniqueConstraint(
                fields=["organization", "kind", "period"],
                condition=models.Q(automatic=True),
                name="insights_report_automatic_once",
            )
        ]

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


# Pre-aggregated figures --------------------------------------------------------------------------
# The cockpit reads only these tables. They are refreshed by `shuniu.insights.aggregates` (a recurring
# task, incrementally, plus a full rebuild command); they hold counts and sums, never people's data.
# Foreign keys carry no database constraint and do nothing on delete: a row is a number about an
# organisation at a time, rebuilt from the records, and must never block deleting those records.


def _reference(model, **options):
    return models.ForeignKey(model, models.DO_NOTHING, db_constraint=False, related_name="+", **options)


class AggregateRow(models.Model):
    """Base of the aggregate tables: numbers only, described by their table and id."""

    class Meta:
        abstract = True

    def __str__(self):
        return f"{type(self).__name__} {self.pk}"


class CaseMonth(AggregateRow):
    """Rights cases of one lead organisation, street and category in one month: received (by
    received date), closed, closed on time and money recovered (by closing date), satisfaction of
    the follow-up visits (by visit date)."""

    organization = _reference(Organization)
    street = _reference("core.Region", null=True)
    category = _reference("rights.CaseCategory")
    month = models.DateField()
    received = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    closed_on_time = models.PositiveIntegerField(default=0)
    money_recovered = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    satisfaction_sum = models.PositiveIntegerField(default=0)
    satisfaction_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["month", "organization"], name="insights_casemonth_month"),
            models.Index(fields=["organization", "month"], name="insights_casemonth_org"),
        ]


class ReferralMonth(AggregateRow):
    """Referrals from one organisation to another made in one month."""

    from_org = _reference(Organization)
    to_org = _reference(Organization)
    month = models.DateField()
    referrals = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month"], name="insights_referralmonth_month")]


class AidMonth(AggregateRow):
    """Ledger sums (disbursements, reversals and adjustments) of one programme and funding channel
    per budget year and month of posting."""

    programme = _reference("relief.Programme")
    organization = _reference(Organization)
    funding_source = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    month = models.DateField()
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        indexes = [models.Index(fields=["year", "organization"], name="insights_aidmonth_year")]


class BudgetYear(AggregateRow):
    """A programme's budget for one year (copied from relief's budgets)."""

    programme = _reference("relief.Programme")
    organization = _reference(Organization)
    funding_source = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        indexes = [models.Index(fields=["year", "organization"], name="insights_budgetyear_year")]


class DuplicateAidFinding(AggregateRow):
    """One person or household flagged by the duplicate-aid rules in a year, once per organisation
    whose programme paid them (so an organisation counts the findings that involve it)."""

    year = models.PositiveSmallIntegerField()
    subject = models.CharField(max_length=10)  # person or household
    subject_id = models.PositiveBigIntegerField()
    organization = _reference(Organization)

    class Meta:
        indexes = [models.Index(fields=["year", "organization"], name="insights_duplicate_year")]


class CoverageArea(AggregateRow):
    """People in difficulty in one community, and how many of them received no aid in the last 12
    months. `organization` empty: the whole district; otherwise the people that organisation serves."""

    organization = _reference(Organization, null=True)
    community = _reference("core.Region", null=True)
    tagged = models.PositiveIntegerField(default=0)
    uncovered = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["organization"], name="insights_coverage_org")]


class TrainingMonth(AggregateRow):
    """Training sessions (not cancelled) of one organisation and course category starting in one
    month: sessions, confirmed participants and course hours."""

    organization = _reference(Organization)
    category = models.CharField(max_length=32)
    month = models.DateField()
    sessions = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(default=0)
    hours = models.DecimalField(max_digits=12, decimal_places=1, default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "organization"], name="insights_trainingmonth_month")]


class VolunteerMonth(AggregateRow):
    """Confirmed volunteer minutes of one volunteer for one organisation's activities in one month
    (per volunteer, so that "volunteers with confirmed hours" over a period counts each person once)."""

    organization = _reference(Organization)
    volunteer_id = models.PositiveBigIntegerField()
    month = models.DateField()
    minutes = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "organization"], name="insights_volunteermonth_month")]


class OrganizationCount(AggregateRow):
    """A count as it stands now, per organisation: open cases past their deadline, registered
    volunteers, action items per status (`key` names which). No organisation: counted for the
    district only (volunteers who registered without one)."""

    organization = _reference(Organization, null=True)
    key = models.CharField(max_length=40)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["key", "organization"], name="insights_orgcount_key")]


class RefreshState(models.Model):
    """Where each part of the aggregates stands: when it was last refreshed and the last record ids
    it has seen (for the incremental refresh)."""

    name = models.CharField(max_length=40, unique=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    full_rebuild_at = models.DateTimeField(null=True, blank=True)
    marks = models.JSONField(default=dict, blank=True)

    def __str__(self):
        return self.name
