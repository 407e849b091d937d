"""What the district coordinator edits as data: categories, deadlines, routing rules, the legal-aid pool."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization, Region


class Complexity(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary")
    DIFFICULT = "difficult", _("Difficult")
    VERY_COMPLEX = "very_complex", _("Very complex")


class CaseCategory(models.Model):
    """A kind of request (wage arrears, domestic violence…). `is_sensitive` hides a case's details
    from every organisation that is not handling it (domestic violence, minors' protection)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    is_sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_("Details are shown only to the organisations handling the case."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name


class DeadlinePolicy(models.Model):
    """Working days allowed for one category and complexity; the row without a category is the
    default for every category that has no row of its own."""

    category = models.ForeignKey(
        CaseCategory,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="deadline_policies",
        verbose_name=_("category"),
        help_text=_("Leave empty for the default of all categories."),
    )
    complexity = models.CharField(_("complexity"), max_length=16, choices=Complexity.choices)
    first_response_days = models.PositiveSmallIntegerField(_("first response (working days)"), default=1)
    resolution_days = models.PositiveSmallIntegerField(_("resolution (working days)"))
    referral_response_days = models.PositiveSmallIntegerField(_("answer to a referral (working days)"), default=2)

    class Meta:
        ordering = ["category__order", "complexity"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.UniqueConstraint(
                fields=["category", "complexity"],
                condition=models.Q(category__isnull=False),
                name="rights_deadline_unique",
            ),
            models.UniqueConstraint(
                fields=["complexity"], condition=models.Q(category__isnull=True), name="rights_deadline_default_unique"
            ),
            models.CheckConstraint(condition=models.Q(resolution_days__gte=1), name="rights_deadline_positive"),
        ]

    def __str__(self):
        return f"{self.category or _('All categories')} · {self.get_complexity_display()}"


class RoutingRule(models.Model):
    """Category (+ street) → the organisation responsible, and a government department to notify.
    The most specific region wins; then the lower priority number."""

    category = models.ForeignKey(CaseCategory, models.CASCADE, related_name="routing_rules", verbose_name=_("category"))
    region = models.ForeignKey(
        Region,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Leave empty for the whole district."),
    )
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("responsible organisation")
    )
    notify_department = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("government department to notify"),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), default=100, help_text=_("Lower numbers win."))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["category__order", "priority", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        indexes = [models.Index(fields=["category", "is_active"], name="rights_rule_category")]

    def __str__(self):
        return f"{self.category} → {self.organization}"


class ProviderKind(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    VOLUNTEER = "volunteer", _("Volunteer")
    MEDIATOR = "mediator", _("Mediator")


class LegalAidProvider(models.Model):
    """A lawyer or volunteer in an organisation's legal-aid pool."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="legal_aid_providers", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=ProviderKind.choices, default=ProviderKind.LAWYER)
    firm = models.CharField(_("law firm or unit"), max_length=100, blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    specialties = models.CharField(_("specialties"), max_length=200, blank=True)
    is_active = models.BooleanField(_("available"), default=True)

    class Meta:
        ordering = ["organization", "name"]
        verbose_name = _("legal-aid provider")
        verbose_name_plural = _("legal-aid providers")

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"
