from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuniu.core.fields import BlindIndexField, EncryptedTextField
from shuniu.core.models import Organization, Region
from shuniu.core.scoping import ScopedQuerySet, get_scope
from shuniu.outreach.models.activities import Activity


class Skill(models.TextChoices):
    SIGN_LANGUAGE = "sign_language", pgettext_lazy("volunteer skill", "Sign language")
    FIRST_AID = "first_aid", _("First aid")
    LEGAL = "legal", _("Legal advice")
    PSYCHOLOGY = "psychology", _("Counselling")
    TEACHING = "teaching", _("Teaching and tutoring")
    ELDERLY_CARE = "elderly_care", _("Care for elderly people")
    CHILD_CARE = "child_care", _("Child care")
    PHOTOGRAPHY = "photography", _("Photography")
    DRIVING = "driving", _("Driving")
    IT = "it", _("Computers and phones")
    GUIDING = "guiding", _("Guiding and stewarding")


class Availability(models.TextChoices):
    WEEKDAY_DAYTIME = "weekday_daytime", _("Weekday daytime")
    WEEKDAY_EVENING = "weekday_evening", _("Weekday evenings")
    WEEKEND = "weekend", _("Weekends")
    HOLIDAYS = "holidays", _("Public holidays")


class VolunteerQuerySet(ScopedQuerySet):
    view_permission = "outreach:view"

    def visible_to(self, user):
        """A volunteer is visible to the organisation they registered with and to organisations
        whose activities they signed up for (with branches); district roles see all."""
        scope = get_scope(user)
        if not scope.memberships:
            return self.none()
        org_ids = scope.org_ids_with(self.view_permission)
        if org_ids is None:
            return self
        return self.filter(
            models.Q(organization_id__in=org_ids) | models.Q(shifts__shift__activity__organization_id__in=org_ids)
        ).distinct()

    def with_skill(self, skill: str):
        # JSON containment is not portable to SQLite; skills are few, so match the stored token.
        return self.filter(skills__icontains=f'"{skill}"')


class Volunteer(models.Model):
    """A member of the public registered as a volunteer (志愿者), with skills and availability.
    They have no account: a volunteer code plus the last four digits of their phone open their page."""

    name = models.CharField(_("name"), max_length=60)
    phone = EncryptedTextField(_("mobile number"))
    phone_index = BlindIndexField(source="phone", normalizer="shuniu.core.validators.normalize_phone", purpose="phone")
    phone_last4 = models.CharField(max_length=4, editable=False, default="")
    community = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("community or street")
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteers",
        verbose_name=_("registered with"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer_profiles",
        help_text=_("Set when a staff member volunteers; they can never confirm their own hours."),
    )
    code = models.CharField(_("volunteer code"), max_length=12, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        constraints = [models.UniqueConstraint(fields=["phone_index"], name="outreach_volunteer_phone_unique")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        digits = "".join(ch for ch in (self.phone or "") if ch.isdigit())
        self.phone_last4 = digits[-4:]
        super().save(*args, **kwargs)

    def skill_labels(self) -> list[str]:
        labels = dict(Skill.choices)
        return [str(labels[code]) for code in self.skills if code in labels]

    def availability_labels(self) -> list[str]:
        labels = dict(Availability.choices)
        return [str(labels[code]) for code in self.availability if code in labels]


class Shift(models.Model):
    """A volunteer role during an activity (e.g. "sign-language interpreter, 9:00–12:00")."""

    activity = models.ForeignKey(Activity, models.CASCADE, related_name="shifts")
    title = models.CharField(_("volunteer role"), max_length=80)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    slots = models.PositiveSmallIntegerField(_("volunteers needed"), default=1)
    required_skill = models.CharField(_("skill required"), max_length=20, choices=Skill.choices, blank=True)
    taken = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("volunteer shift")
        verbose_name_plural = _("volunteer shifts")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="outreach_shift_ends"),
            models.CheckConstraint(
                condition=models.Q(taken__lte=models.F("slots")), name="outreach_shift_not_overfull"
            ),
        ]

    def __str__(self):
        return f"{self.activity} · {self.title}"

    @property
    def slots_left(self) -> int:
        return max(self.slots - self.taken, 0)


class VolunteerShiftStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    CHECKED_IN = "checked_in", _("Checked in")
    CHECKED_OUT = "checked_out", _("Checked out")
    CANCELLED = "cancelled", _("Cancelled")


class VolunteerShiftQuerySet(ScopedQuerySet):
    scope_field = "shift__activity__organization"
    view_permission = "outreach:view"


class VolunteerShift(models.Model):
    """A volunteer's place on a shift, with their check-in and check-out times."""

    shift = models.ForeignKey(Shift, models.CASCADE, related_name="assignments")
    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="shifts")
    status = models.CharField(
        _("status"), max_length=12, choices=VolunteerShiftStatus.choices, default=VolunteerShiftStatus.SIGNED_UP
    )
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolunteerShiftQuerySet.as_manager()

    class Meta:
        ordering = ["shift__starts_at", "id"]
        verbose_name = _("volunteer on a shift")
        verbose_name_plural = _("volunteers on shifts")
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], name="outreach_volunteer_once_per_shift")]

    def __str__(self):
        return f"{self.volunteer} · {self.shift}"


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the organiser")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class VolunteerHoursQuerySet(ScopedQuerySet):
    scope_field = "assignment__shift__activity__organization"
    view_permission = "outreach:view"

    def confirmed(self):
        return self.filter(status=HoursStatus.CONFIRMED)


class VolunteerHours(models.Model):
    """Volunteer hours (志愿服务时长) recorded at check-out and confirmed by the organiser. Only
    confirmed hours count on the volunteer's record and certificate."""

    assignment = models.OneToOneField(VolunteerShift, models.CASCADE, related_name="hours")
    volunteer = models.ForeignKey(Volunteer, models.CASCADE, related_name="hours")
    recorded_minutes = models.PositiveIntegerField(_("recorded minutes"))
    confirmed_minutes = models.PositiveIntegerField(_("confirmed minutes"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=HoursStatus.choices, default=HoursStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VolunteerHoursQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("volunteer hours")
        verbose_name_plural = _("volunteer hours")

    def __str__(self):
        return f"{self.volunteer} · {self.recorded_minutes} min"

    @property
    def hours(self) -> float:
        minutes = self.confirmed_minutes if self.confirmed_minutes is not None else self.recorded_minutes
        return round(minutes / 60, 1)
