from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.fields import BlindIndexField, EncryptedTextField
from shuniu.core.models import Organization, Region
from shuniu.core.scoping import ScopedQuerySet


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class TargetGroup(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    WORKERS = "workers", _("Workers")
    YOUTH = "youth", _("Young people")
    CHILDREN = "children", _("Children and families")
    WOMEN = "women", _("Women")
    ELDERLY = "elderly", _("Elderly people")
    DISABLED = "disabled", _("People with disabilities")


class Accessibility(models.TextChoices):
    WHEELCHAIR = "wheelchair", _("Wheelchair accessible")
    SIGN_LANGUAGE = "sign_language", _("Sign-language interpreting")
    HEARING_LOOP = "hearing_loop", _("Hearing loop")
    LARGE_PRINT = "large_print", _("Large-print materials")
    ACCESSIBLE_TOILET = "accessible_toilet", _("Accessible toilet")
    GUIDE = "guide", _("Guide on site for visually impaired visitors")


class ActivityQuerySet(ScopedQuerySet):
    view_permission = "outreach:view"

    def public(self):
        return self.filter(status=ActivityStatus.PUBLISHED)

    def upcoming(self):
        return self.public().filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")


class Activity(models.Model):
    """A public event run by an organisation (活动): open to sign-up by the public, with volunteer shifts."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="activities", verbose_name=_("organiser")
    )
    partners = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="partner_activities",
        verbose_name=_("partner organisations"),
        help_text=_("Affiliated social organisations or other organisations taking part."),
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("about the activity"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    community = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("community or street")
    )
    capacity = models.PositiveIntegerField(
        _("places for the public"), default=0, help_text=_("0 means the activity takes no public sign-ups.")
    )
    target_group = models.CharField(
        _("target group"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.EVERYONE
    )
    accessibility = models.JSONField(_("accessibility"), default=list, blank=True)
    needed_skills = models.JSONField(_("skills needed from volunteers"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    signups_count = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["status", "starts_at"], name="outreach_activity_public")]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="outreach_activity_ends")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("outreach:activity_detail", args=[self.pk])

    def get_public_url(self):
        return reverse("outreach_public:activity", args=[self.pk])

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.signups_count, 0)

    @property
    def is_over(self) -> bool:
        return self.ends_at < timezone.now()

    def accessibility_labels(self) -> list[str]:
        labels = dict(Accessibility.choices)
        return [str(labels[code]) for code in self.accessibility if code in labels]

    def needed_skill_labels(self) -> list[str]:
        from shuniu.outreach.models.volunteers import Skill

        labels = dict(Skill.choices)
        return [str(labels[code]) for code in self.needed_skills if code in labels]


class SignupStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    CHECKED_IN = "checked_in", _("Checked in")
    CANCELLED = "cancelled", _("Cancelled")


class ActivitySignupQuerySet(ScopedQuerySet):
    scope_field = "activity__organization"
    view_permission = "outreach:view"


class ActivitySignup(models.Model):
    """A member of the public signed up to attend an activity. The phone is the key that stops
    double sign-ups; it is stored encrypted with a blind index."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="signups")
    name = models.CharField(_("name"), max_length=60)
    phone = EncryptedTextField(_("mobile number"))
    phone_index = BlindIndexField(source="phone", normalizer="shuniu.core.validators.normalize_phone", purpose="phone")
    needs = models.CharField(_("support needed"), max_length=200, blank=True)
    code = models.CharField(_("sign-up code"), max_length=12, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActivitySignupQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("activity sign-up")
        verbose_name_plural = _("activity sign-ups")
        constraints = [
            models.UniqueConstraint(fields=["activity", "phone_index"], name="outreach_signup_once_per_phone")
        ]

    def __str__(self):
        return f"{self.activity} · {self.code}"


def photo_path(instance, filename):
    return f"outreach/photos/{instance.activity_id}/{filename}"


class ActivityPhoto(models.Model):
    """A photo taken at an activity, uploaded afterwards. Files are re-encoded on upload (which
    drops EXIF data such as GPS positions) and served through a view, never from a public path."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path)
    content_type = models.CharField(max_length=40)
    caption = models.CharField(_("caption"), max_length=200, help_text=_("Describe the photo for screen readers."))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")

    def __str__(self):
        return self.caption
