"""Assistance and relief (帮扶救助): programmes with budgets and eligibility rules, applications
with a multi-step approval chain, public notices with objections, and an append-only ledger."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.fields import EncryptedTextField
from shuniu.core.models import Organization, Region
from shuniu.core.scoping import ScopedQuerySet, get_scope
from shuniu.people.models import Household, Person

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def money(value) -> Decimal:
    """Sums come back from SQLite without their scale; show and compare them in yuan and fen."""
    return Decimal(value or 0).quantize(CENT)


MONEY = {"max_digits": 14, "decimal_places": 2}


class FundingSource(models.TextChoices):
    FISCAL = "fiscal", _("Fiscal funds")
    DONATION = "donation", _("Donations")
    HIGHER_ALLOCATION = "higher_allocation", _("Higher-level allocation")
    MEMBERSHIP_DUES = "membership_dues", _("Union dues")
    LOTTERY_WELFARE = "lottery_welfare", _("Welfare lottery funds")


class BenefitType(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")
    SERVICE = "service", _("Service")


class AmountMode(models.TextChoices):
    FIXED = "fixed", _("Fixed amount")
    PER_MEMBER = "per_member", _("Amount per household member")
    ASSESSED = "assessed", _("Assessed by staff, up to the cap")


class Purpose(models.TextChoices):
    """Programmes with the same purpose overlap: funding one person twice is duplicate aid."""

    EDUCATION = "education", _("Education")
    LIVING = "living", _("Living costs")
    MEDICAL = "medical", _("Medical costs")
    DISABILITY = "disability", _("Disability support")
    EMERGENCY = "emergency", _("Emergency relief")


def _ancestor_ids(scope) -> set[int]:
    ids: set[int] = set()
    for membership in scope.memberships:
        ids |= {int(part) for part in membership.organization.path.strip("/").split("/") if part}
    return ids


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Programmes of the organisations the user works in, their branches and their parents
        (a street branch handles its district organisation's programmes); district roles see all."""
        scope = get_scope(user)
        if not scope.memberships:
            return self.none()
        org_ids = scope.org_ids_with("relief:view")
        if org_ids is None:
            return self
        if not org_ids:
            return self.none()
        return self.filter(organization_id__in=org_ids | _ancestor_ids(scope))

    def open_to_public(self, today=None):
        today = today or timezone.localdate()
        return self.filter(is_active=True, accepts_public_applications=True, opens_on__lte=today, closes_on__gte=today)


class Programme(models.Model):
    """An aid programme of one organisation (希望工程, 春蕾计划, 金秋助学…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="programmes", verbose_name=_("owner"))
    description = models.TextField(_("description"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices, default=Purpose.LIVING)
    funding_source = models.CharField(_("funding channel"), max_length=20, choices=FundingSource.choices)
    benefit_type = models.CharField(_("benefit type"), max_length=10, choices=BenefitType.choices)
    amount_mode = models.CharField(_("amount"), max_length=12, choices=AmountMode.choices, default=AmountMode.FIXED)
    base_amount = models.DecimalField(
        _("amount (yuan)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("The fixed amount, or the amount per household member."),
    )
    person_cap = models.DecimalField(
        _("annual cap per person (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    household_cap = models.DecimalField(
        _("annual cap per household (yuan)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    opens_on = models.DateField(_("applications open"))
    closes_on = models.DateField(_("applications close"))
    target_tags = models.JSONField(_("target groups"), default=list, blank=True)
    required_documents = models.TextField(_("required documents"), blank=True, help_text=_("One per line."))
    notice_days = models.PositiveSmallIntegerField(_("public notice (days)"), default=7)
    accepts_public_applications = models.BooleanField(_("citizens may apply on the portal"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["organization_id", "code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self):
        return self.name

    @property
    def documents_list(self) -> list[str]:
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.is_active and self.opens_on <= today <= self.closes_on


class Budget(models.Model):
    """A programme's money for one year. What is used is the sum of its ledger entries; the row is
    locked (select_for_update) while a batch is paid, so concurrent batches cannot overspend it."""

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget (yuan)"), **MONEY, validators=[MinValueValidator(ZERO)])
    funding_source = models.CharField(_("funding channel"), max_length=20, choices=FundingSource.choices)

    class Meta:
        ordering = ["-year", "programme_id"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="relief_budget_unique_year"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="relief_budget_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.programme} {self.year}"

    def used(self) -> Decimal:
        return money(self.entries.aggregate(total=models.Sum("amount"))["total"])

    def remaining(self) -> Decimal:
        return self.amount - self.used()


class RuleField(models.TextChoices):
    INCOME_PER_MEMBER = "income_per_member", _("Household monthly income per member (yuan)")
    AGE = "age", _("Age (years)")
    STUDENT_ENROLLED = "student_enrolled", _("Enrolled as a student")
    DISABILITY_LEVEL = "disability_level", _("Disability certificate level (1 = most severe)")
    HOUSEHOLD_SIZE = "household_size", _("Household members")
    HAS_TAG = "has_tag", _("Registered as (tag)")
    NOT_FUNDED_BY = "not_funded_by", _("Not already receiving programme this year (programme code)")


class RuleOperator(models.TextChoices):
    LESS_THAN = "lt", _("is less than")
    AT_MOST = "lte", _("is at most")
    MORE_THAN = "gt", _("is more than")
    AT_LEAST = "gte", _("is at least")
    EQUALS = "eq", _("equals")
    BETWEEN = "between", _("is between (a-b)")
    IS_TRUE = "is_true", _("is yes")


class EligibilityRule(models.Model):
    """One condition an application must meet, kept as data so programme admins change it without
    code; `explanation` is what applicants and reviewers read."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    field = models.CharField(_("what is checked"), max_length=24, choices=RuleField.choices)
    operator = models.CharField(_("condition"), max_length=10, choices=RuleOperator.choices)
    value = models.CharField(_("value"), max_length=60, blank=True)
    explanation = models.CharField(_("explanation in plain words"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["programme_id", "position", "id"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")

    def __str__(self):
        return self.explanation


class StepLevel(models.TextChoices):
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    ORGANIZATION = "organization", _("Organisation")


class ApprovalStep(models.Model):
    """One step of a programme's approval chain, in order (e.g. community → street → organisation).
    Community and street steps are decided by the owner's branch in the applicant's street."""

    programme = models.ForeignKey(Programme, models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=60)
    level = models.CharField(_("level"), max_length=14, choices=StepLevel.choices)

    class Meta:
        ordering = ["programme_id", "position"]
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        constraints = [models.UniqueConstraint(fields=["programme", "position"], name="relief_step_unique_position")]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    IN_REVIEW = "in_review", _("In review")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    APPROVED = "approved", _("Approved, awaiting public notice")
    IN_NOTICE = "in_notice", _("In public notice")
    PAUSED = "paused", _("Paused by an objection")
    PAID = "paid", _("Paid")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_STATUSES = [Status.REJECTED, Status.WITHDRAWN]


class Channel(models.TextChoices):
    STAFF = "staff", _("Staff")
    PORTAL = "portal", _("Public portal")


class ApplicationQuerySet(ScopedQuerySet):
    view_permission = "relief:view"

    def visible_to(self, user):
        """The owner organisation (with branches) and the street branch handling the application."""
        scope = get_scope(user)
        if not scope.memberships:
            return self.none()
        org_ids = scope.org_ids_with(self.view_permission)
        if org_ids is None:
            return self
        return self.filter(Q(organization_id__in=org_ids) | Q(branch_id__in=org_ids))


def new_tracking_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "JZ" + "".join(secrets.choice(alphabet) for _ in range(8))


class Application(models.Model):
    """A request for aid from one programme for one person in one year."""

    code = models.CharField(_("tracking code"), max_length=12, unique=True, default=new_tracking_code)
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="applications", verbose_name=_("programme"))
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("owner"))
    branch = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("handling branch")
    )
    person = models.ForeignKey(Person, models.PROTECT, related_name="relief_applications", verbose_name=_("person"))
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="+")
    community = models.ForeignKey(Region, models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_REVIEW)
    current_step = models.PositiveSmallIntegerField(_("current step"), default=1)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.STAFF)
    contact_phone = EncryptedTextField(_("contact phone"), blank=True, default="")
    household_size = models.PositiveSmallIntegerField(_("household members"), default=1)
    monthly_income = models.DecimalField(
        _("household monthly income (yuan)"), **MONEY, validators=[MinValueValidator(ZERO)]
    )
    student_enrolled = models.BooleanField(_("enrolled as a student"), default=False)
    school = models.CharField(_("school"), max_length=100, blank=True)
    disability_level = models.PositiveSmallIntegerField(_("disability certificate level"), null=True, blank=True)
    reason = models.TextField(_("situation and reason"), max_length=2000)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    eligibility = models.JSONField(default=list, blank=True)
    is_eligible = models.BooleanField(default=False)
    notice = models.ForeignKey(
        "PublicNotice", models.PROTECT, null=True, blank=True, related_name="applications", verbose_name=_("notice")
    )
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person", "year"],
                condition=~Q(status__in=["rejected", "withdrawn"]),
                name="relief_application_one_per_year",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="relief_application_amount_positive"),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="relief_app_org_status")]

    def __str__(self):
        return f"{self.code} {self.programme}"

    @property
    def eligibility_results(self) -> list[dict]:
        """The stored rule results with their facts in the reader's language."""
        from shuniu.relief.eligibility import with_details

        return with_details(self.eligibility or [])

    @property
    def is_payable_status(self) -> bool:
        return self.status == Status.IN_NOTICE and self.notice is not None and self.notice.has_ended()


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve")
    RETURN = "return", _("Return for revision")
    REJECT = "reject", _("Reject")
    RESUBMIT = "resubmit", _("Resubmitted")


class ApprovalDecision(models.Model):
    """What one reviewer decided at one step (kept for the record, never edited)."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="decisions")
    step = models.ForeignKey(ApprovalStep, models.PROTECT, null=True, blank=True, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    organization = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.application} {self.decision}"


class Document(models.Model):
    """A supporting document attached to an application (never served from a public URL)."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="relief/%Y/%m/")
    name = models.CharField(_("document"), max_length=150)
    uploaded_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.name


class PublicNotice(models.Model):
    """A public notice (公示) of approved applications, shown on the portal until `ends_at`."""

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="notices")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=150)
    starts_at = models.DateTimeField(_("published"))
    ends_at = models.DateTimeField(_("notice ends"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self):
        return self.title

    def has_ended(self, now=None) -> bool:
        return (now or timezone.now()) >= self.ends_at


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("Being checked")
    UPHELD = "upheld", _("Upheld: application rejected")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    """An objection anyone may file against a published application; it pauses the application."""

    application = models.ForeignKey(Application, models.PROTECT, related_name="objections")
    text = models.TextField(_("objection"), max_length=2000)
    contact = EncryptedTextField(_("contact (optional)"), blank=True, default="")
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN)
    resolution = models.TextField(_("resolution"), blank=True)
    filed_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"{self.application.code} objection"


class BatchQuerySet(ScopedQuerySet):
    view_permission = "relief:view"


class BatchStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared, awaiting payment")
    PAID = "paid", _("Paid")


class DisbursementBatch(models.Model):
    """Applications paid together. `idempotency_key` makes a re-submitted form or a retried
    request find the same batch; paying checks the status under a lock, so it pays once."""

    code = models.CharField(_("batch"), max_length=24, unique=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="batches")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    budget = models.ForeignKey(Budget, models.PROTECT, related_name="batches")
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PREPARED)
    total = models.DecimalField(_("total (yuan)"), **MONEY, default=ZERO)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)

    objects = BatchQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.code


class BatchLine(models.Model):
    batch = models.ForeignKey(DisbursementBatch, models.PROTECT, related_name="lines")
    application = models.OneToOneField(Application, models.PROTECT, related_name="batch_line")
    amount = models.DecimalField(**MONEY)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.batch} {self.application}"


class EntryKind(models.TextChoices):
    DISBURSEMENT = "disbursement", _("Disbursement")
    REVERSAL = "reversal", _("Reversal")
    ADJUSTMENT = "adjustment", _("Adjustment")


class LedgerImmutable(Exception):
    """Ledger rows are only inserted."""


class LedgerQuerySet(ScopedQuerySet):
    view_permission = "relief:view"

    def update(self, **kwargs):
        raise LedgerImmutable("ledger entries cannot be updated")

    def delete(self):
        raise LedgerImmutable("ledger entries cannot be deleted")


class LedgerEntry(models.Model):
    """One movement of money, never changed: a correction is a new entry (a reversal or an
    adjustment). Budget use and balances are sums of these rows."""

    kind = models.CharField(_("kind"), max_length=14, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    programme = models.ForeignKey(Programme, models.PROTECT, related_name="entries")
    budget = models.ForeignKey(Budget, models.PROTECT, related_name="entries")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    funding_source = models.CharField(_("funding channel"), max_length=20, choices=FundingSource.choices)
    person = models.ForeignKey(Person, models.PROTECT, related_name="relief_entries")
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="relief_entries")
    application = models.ForeignKey(Application, models.PROTECT, null=True, blank=True, related_name="entries")
    batch = models.ForeignKey(DisbursementBatch, models.PROTECT, null=True, blank=True, related_name="entries")
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="reversed_by")
    year = models.PositiveSmallIntegerField(_("year"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind="disbursement"),
                name="relief_ledger_one_disbursement_per_application",
            ),
            models.CheckConstraint(
                condition=~Q(kind="disbursement") | Q(amount__gt=0), name="relief_ledger_disbursement_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "year"], name="relief_ledger_person_year"),
            models.Index(fields=["household", "year"], name="relief_ledger_household_year"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerImmutable("ledger entries cannot be changed; add a reversal or an adjustment")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerImmutable("ledger entries cannot be deleted")
