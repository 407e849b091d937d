from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization
from shuniu.core.scoping import ScopedQuerySet


class SocialOrganizationField(models.TextChoices):
    LEGAL = "legal", _("Legal services")
    FAMILY = "family", _("Family and children")
    YOUTH = "youth", _("Youth and volunteering")
    ELDERLY = "elderly", _("Elderly care")
    DISABILITY = "disability", _("Disability services")
    SCIENCE = "science", _("Popular science")
    HEALTH = "health", _("Health and first aid")
    EMPLOYMENT = "employment", _("Employment and skills")
    COMMUNITY = "community", _("Community services")


class SocialOrganizationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNDER_REVIEW = "under_review", _("Under review")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


class SocialOrganizationProfileQuerySet(ScopedQuerySet):
    scope_field = "organization__hub"
    view_permission = "outreach:view"


class SocialOrganizationProfile(models.Model):
    """What the hub keeps about an affiliated social organisation (枢纽型): field of work, contacts,
    status. The organisation itself (name, credit code, hub) is a core Organization of kind social_org."""

    organization = models.OneToOneField(Organization, models.CASCADE, related_name="social_profile")
    field = models.CharField(_("field of work"), max_length=20, choices=SocialOrganizationField.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=SocialOrganizationStatus.choices, default=SocialOrganizationStatus.ACTIVE
    )
    description = models.TextField(_("what they do"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    accepts_referrals = models.BooleanField(_("accepts referrals"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SocialOrganizationProfileQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name"]
        verbose_name = _("social organisation profile")
        verbose_name_plural = _("social organisation profiles")

    def __str__(self):
        return str(self.organization)


class Procedure(models.Model):
    """A written joint-work procedure (制度保障). `code` names the screen it governs (e.g.
    `rights.referral`); its text lives in versions, the newest effective one applies."""

    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", _("Use lower-case words joined by dots."))
        ],
        help_text=_("The screen it governs, e.g. rights.referral"),
    )
    title = models.CharField(_("title"), max_length=120)
    owner = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("responsible organisation")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self):
        return self.title

    def current_version(self):
        today = timezone.localdate()
        return self.versions.filter(effective_from__lte=today).order_by("-number").first()


class ProcedureVersion(models.Model):
    """One version of a procedure. Versions are never edited after creation: a change is a new version."""

    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("text"))
    effective_from = models.DateField(_("effective from"))
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")
        constraints = [models.UniqueConstraint(fields=["procedure", "number"], name="outreach_procedure_version_once")]

    def __str__(self):
        return f"{self.procedure} v{self.number}"


class ProcedureStep(models.Model):
    """Who does what, by when, in one version of a procedure."""

    version = models.ForeignKey(ProcedureVersion, models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    actor = models.CharField(_("who"), max_length=80)
    action = models.CharField(_("does what"), max_length=200)
    deadline_working_days = models.PositiveSmallIntegerField(_("within (working days)"), null=True, blank=True)

    class Meta:
        ordering = ["version", "order"]
        verbose_name = _("procedure step")
        verbose_name_plural = _("procedure steps")

    def __str__(self):
        return f"{self.order}. {self.actor}: {self.action}"


class DepartmentContact(models.Model):
    """A contact person at a government department that works with the organisations as a partner."""

    department = models.ForeignKey(Organization, models.CASCADE, related_name="partner_contacts")
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(_("position"), max_length=80, blank=True)
    phone = models.CharField(_("work phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    remit = models.CharField(_("responsible for"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("department contact")
        verbose_name_plural = _("department contacts")

    def __str__(self):
        return f"{self.department} · {self.name}"


class NewsItemQuerySet(ScopedQuerySet):
    view_permission = "outreach:view"

    def public(self):
        return self.filter(is_published=True, published_at__lte=timezone.now())


class NewsItem(models.Model):
    """A short news item of one organisation, shown on the portal's home page."""

    organization = models.ForeignKey(Organization, models.PROTECT, related_name="news", verbose_name=_("organisation"))
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    is_published = models.BooleanField(_("shown on the portal"), default=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")

    objects = NewsItemQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        indexes = [models.Index(fields=["is_published", "-published_at"], name="outreach_news_public")]

    def __str__(self):
        return self.title
