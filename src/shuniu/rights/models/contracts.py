"""The union's collective-contract registry, linked to cases by enterprise."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization, Region
from shuniu.core.scoping import ScopedQuerySet
from shuniu.core.validators import validate_credit_code

EXPIRY_WARNING_DAYS = 90


class EnterpriseQuerySet(ScopedQuerySet):
    """Enterprises and their contracts hold no personal data: every staff member who may see the
    registry sees all of it (a caseworker of any organisation checks an employer's contract)."""

    view_permission = "rights:contract_view"

    def visible_to(self, user):
        from shuniu.core.scoping import get_scope

        return self if get_scope(user).has(self.view_permission) else self.none()


class Enterprise(models.Model):
    """An employer: identified by its unified social credit code."""

    name = models.CharField(_("name"), max_length=150)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    street = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    employees = models.PositiveIntegerField(_("employees"), default=0)
    women_employees = models.PositiveIntegerField(_("women employees"), default=0)
    has_union = models.BooleanField(_("has a trade union"), default=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    registered_by = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("registered by"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["name"], name="rights_enterprise_name")]

    def __str__(self):
        return self.name

    @property
    def organization(self):
        return self.registered_by


class ContractKind(models.TextChoices):
    GENERAL = "general", _("General collective contract")
    WAGE = "wage", _("Special wage agreement")
    WOMEN_WORKERS = "women_workers", _("Special contract for women workers")


class CollectiveContractQuerySet(EnterpriseQuerySet):
    def in_force(self, today=None):
        today = today or timezone.localdate()
        return self.filter(starts_on__lte=today, ends_on__gte=today)


def contract_path(instance, filename):
    return f"contracts/{instance.enterprise_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class CollectiveContract(models.Model):
    """A collective contract (集体合同) signed after equal consultation, registered by the union."""

    enterprise = models.ForeignKey(Enterprise, models.PROTECT, related_name="contracts", verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=16, choices=ContractKind.choices)
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"))
    employees_covered = models.PositiveIntegerField(_("employees covered"))
    file = models.FileField(_("signed contract (file)"), upload_to=contract_path, max_length=300, blank=True)
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("registered by"))
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CollectiveContractQuerySet.as_manager()

    class Meta:
        ordering = ["-ends_on", "-id"]
        verbose_name = _("collective contract")
        verbose_name_plural = _("collective contracts")
        indexes = [
            models.Index(fields=["enterprise", "-ends_on"], name="rights_contract_enterprise"),
            models.Index(
                fields=["ends_on"], condition=models.Q(reminder_sent_at__isnull=True), name="rights_contract_expiry"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="rights_contract_term"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()}"

    def state(self, today=None) -> str:
        today = today or timezone.localdate()
        if self.starts_on > today:
            return "future"
        if self.ends_on < today:
            return "expired"
        if self.ends_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            return "expiring"
        return "in_force"
