"""Education and training (教育培训联动): the course menu of every organisation, venues, the
instructor pool, sessions with their lessons, enrolment with a waitlist, attendance, certificates,
feedback and menu-style course requests (点单).

Vocabulary used here:
- a `Course` is an item of the menu (what is taught, by which organisation, for whom);
- a `Session` is one scheduled run of a course that people enrol in (capacity, waitlist, closing time);
- a `Lesson` is one dated meeting of a session (time, venue, instructor); a session of a recurring
  series has several lessons, attendance is taken per lesson and completion counts lessons attended.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuniu.core.fields import BlindIndexField, EncryptedTextField
from shuniu.core.models import Organization, Region
from shuniu.core.scoping import ScopedQuerySet
from shuniu.people.models import Person


class CourseCategory(models.TextChoices):
    """The five kinds of training named in the speech."""

    GENERAL_COMPETENCE = "general_competence", _("General competence")
    CURRENT_AFFAIRS = "current_affairs", _("Current affairs and policy")
    EMPLOYMENT = "employment", _("Employment and entrepreneurship")
    THEMATIC_EDUCATION = "thematic_education", _("Thematic education")
    SPECIAL_GROUPS = "special_groups", _("Special groups")


class TargetGroup(models.TextChoices):
    WORKERS = "workers", _("Workers")
    YOUTH = "youth", _("Young people")
    WOMEN = "women", _("Women")
    CHILDREN = "children", _("Children and parents")
    ELDERLY = "elderly", _("Elderly people")
    DISABLED = "disabled", _("People with disabilities")
    JOB_SEEKERS = "job_seekers", _("Job seekers")
    EVERYONE = "everyone", _("Everyone")


class DeliveryMode(models.TextChoices):
    OFFLINE = "offline", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("In person and online")


class VenueKind(models.TextChoices):
    TRAINING_BASE = "training_base", _("Training base")
    READING_ROOM = "reading_room", _("Community reading room")
    ONLINE = "online", _("Online classroom")


def _tag_list(value: str) -> list[str]:
    return [part for part in (value or "").strip(",").split(",") if part]


def _tag_string(values) -> str:
    """Stored as ",a,b," so that one value is found with `contains=",a,"` on SQLite and PostgreSQL alike."""
    values = [str(value).strip() for value in values if str(value).strip()]
    return f",{','.join(values)}," if values else ""


class Venue(models.Model):
    """A place where lessons happen: a training base, a community reading room or an online classroom."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="training_venues", verbose_name=_("managed by")
    )
    name = models.CharField(_("venue name"), max_length=100)
    kind = models.CharField(
        _("kind of venue"), max_length=20, choices=VenueKind.choices, default=VenueKind.TRAINING_BASE
    )
    street = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    address = models.CharField(_("address or link"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("seats"), default=30)
    step_free = models.BooleanField(_("step-free access"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    sign_language = models.BooleanField(_("sign language interpreting available"), default=False)
    is_active = models.BooleanField(_("venue in use"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def accessibility_labels(self) -> list[str]:
        labels = []
        if self.step_free:
            labels.append(str(_("Step-free access")))
        if self.hearing_loop:
            labels.append(str(_("Hearing loop")))
        if self.sign_language:
            labels.append(str(_("Sign language")))
        return labels


class Instructor(models.Model):
    """A member of the shared instructor pool (师资队伍); any organisation may book them."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="training_instructors", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=60)
    title = models.CharField(
        _("professional title"), max_length=100, blank=True, help_text=_("e.g. senior lawyer, nurse")
    )
    expertise = models.CharField(
        _("expertise"), max_length=300, blank=True, help_text=_("Comma-separated, e.g. labour law, first aid")
    )
    bio = models.TextField(_("introduction"), blank=True)
    is_active = models.BooleanField(_("available to teach"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("instructor")
        verbose_name_plural = _("instructors")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def expertise_tags(self) -> list[str]:
        return [part.strip() for part in self.expertise.replace("，", ",").split(",") if part.strip()]


class CourseQuerySet(ScopedQuerySet):
    view_permission = "training:view"

    def published(self):
        return self.filter(is_published=True)


class Course(models.Model):
    """An item of the course menu: what is taught, by whom, for whom."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="training_courses", verbose_name=_("provider")
    )
    title = models.CharField(_("course title"), max_length=120)
    category = models.CharField(_("category"), max_length=32, choices=CourseCategory.choices)
    target_groups = models.CharField(_("target groups"), max_length=200, blank=True, default="")
    description = models.TextField(_("course description"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=2)
    mode = models.CharField(_("delivery"), max_length=16, choices=DeliveryMode.choices, default=DeliveryMode.OFFLINE)
    materials = models.TextField(
        _("materials"), blank=True, help_text=_("Links to resources of the library or other materials, one a line")
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("attendance needed for completion (%)"), default=80, help_text=_("Share of lessons a participant must attend")
    )
    is_published = models.BooleanField(_("shown on the menu"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["category", "is_published"], name="training_course_category")]

    def __str__(self):
        return self.title

    @property
    def target_group_list(self) -> list[str]:
        return _tag_list(self.target_groups)

    def target_group_labels(self) -> list[str]:
        labels = dict(TargetGroup.choices)
        return [str(labels.get(value, value)) for value in self.target_group_list]

    def set_target_groups(self, values) -> None:
        self.target_groups = _tag_string(values)

    @property
    def material_lines(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("training session", "Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("training session", "Cancelled")
    CLOSED = "closed", pgettext_lazy("training session", "Closed")


class SessionQuerySet(ScopedQuerySet):
    view_permission = "training:view"

    def open_for_enrollment(self, now=None):
        now = now or timezone.now()
        return self.filter(status=SessionStatus.SCHEDULED, enrollment_closes_at__gt=now)


class Session(models.Model):
    """One scheduled run of a course that people enrol in; its lessons carry the dates."""

    course = models.ForeignKey(Course, models.PROTECT, related_name="sessions", verbose_name=_("course"))
    # Copied from the course so that scoping and reach filter one table (and it partitions by organisation).
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", editable=False)
    street = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    capacity = models.PositiveIntegerField(_("places"))
    enrollment_closes_at = models.DateTimeField(_("enrolment closes at"))
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    note = models.CharField(_("note for participants"), max_length=200, blank=True)
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    waitlist_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["organization", "starts_at"], name="training_session_org_start")]

    def __str__(self):
        return f"{self.course.title} · {timezone.localtime(self.starts_at):%Y-%m-%d}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.confirmed_count, 0)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == SessionStatus.SCHEDULED and now < self.enrollment_closes_at


class Lesson(models.Model):
    """One dated meeting of a session; venue and instructor cannot be booked twice at once."""

    session = models.ForeignKey(Session, models.CASCADE, related_name="lessons")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    venue = models.ForeignKey(Venue, models.PROTECT, related_name="lessons", verbose_name=_("venue"))
    instructor = models.ForeignKey(
        Instructor, models.PROTECT, null=True, blank=True, related_name="lessons", verbose_name=_("instructor")
    )
    is_cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["venue", "starts_at"], name="training_lesson_venue"),
            models.Index(fields=["instructor", "starts_at"], name="training_lesson_instructor"),
        ]

    def __str__(self):
        return f"{self.session.course.title} · {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class EnrollmentStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


class EnrollmentQuerySet(ScopedQuerySet):
    scope_field = "session__organization"
    view_permission = "training:view"

    def active(self):
        return self.filter(status__in=[EnrollmentStatus.CONFIRMED, EnrollmentStatus.WAITLISTED])


class Enrollment(models.Model):
    """A person's place in a session, or their place on its waitlist."""

    session = models.ForeignKey(Session, models.PROTECT, related_name="enrollments")
    person = models.ForeignKey(Person, models.PROTECT, related_name="training_enrollments")
    status = models.CharField(_("status"), max_length=16, choices=EnrollmentStatus.choices)
    channel = models.CharField(_("channel"), max_length=16, default="portal")  # portal | staff
    created_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=32, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            # One live place per person and session; cancelled rows stay for the record.
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=models.Q(status__in=["confirmed", "waitlisted"]),
                name="training_enrollment_one_active",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "waitlisted_at"], name="training_enrollment_queue")]

    def __str__(self):
        return f"{self.person} · {self.session}"


class Attendance(models.Model):
    """Presence at one lesson, by QR check-in or marked by staff."""

    enrollment = models.ForeignKey(Enrollment, models.CASCADE, related_name="attendances")
    lesson = models.ForeignKey(Lesson, models.CASCADE, related_name="attendances")
    method = models.CharField(max_length=8, default="qr")  # qr | staff
    checked_in_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="training_attendance_once"),
        ]

    def __str__(self):
        return f"{self.enrollment_id} @ {self.lesson_id}"


def new_certificate_code() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _index in range(12))


class CertificateQuerySet(ScopedQuerySet):
    scope_field = "enrollment__session__organization"
    view_permission = "training:view"


class Certificate(models.Model):
    """A completion certificate (结业证书) with a code anyone can verify on the portal; revocable."""

    enrollment = models.OneToOneField(Enrollment, models.PROTECT, related_name="certificate")
    code = models.CharField(_("verification code"), max_length=16, unique=True, default=new_certificate_code)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.code

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None


class Feedback(models.Model):
    """A participant's rating (1–5) and comment on a session."""

    enrollment = models.OneToOneField(Enrollment, models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="training_feedback_rating_range"
            )
        ]

    def __str__(self):
        return f"{self.rating}★"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the provider")
    ACCEPTED = "accepted", pgettext_lazy("course request", "Accepted")
    DECLINED = "declined", pgettext_lazy("course request", "Declined")
    SCHEDULED = "scheduled", _("Scheduled")


class RequesterKind(models.TextChoices):
    COMMUNITY = "community", _("Community")
    ENTERPRISE = "enterprise", _("Enterprise")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other group")


class CourseRequestQuerySet(ScopedQuerySet):
    view_permission = "training:view"


class CourseRequest(models.Model):
    """Menu-style selection (点单): a community or enterprise asks a provider to run a course for its group."""

    course = models.ForeignKey(Course, models.PROTECT, related_name="requests", verbose_name=_("course"))
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", editable=False)
    requester_kind = models.CharField(_("you are"), max_length=16, choices=RequesterKind.choices)
    requester_name = models.CharField(_("community or enterprise name"), max_length=120)
    contact_name = models.CharField(_("contact person"), max_length=60)
    contact_phone = EncryptedTextField(_("contact phone"))
    contact_phone_index = BlindIndexField(
        source="contact_phone", normalizer="shuniu.core.validators.normalize_phone", purpose="phone"
    )
    group_size = models.PositiveIntegerField(_("number of participants"))
    preferred_time = models.CharField(_("preferred time"), max_length=120, blank=True)
    note = models.TextField(_("anything else"), blank=True, max_length=1000)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decline_reason = models.CharField(_("reason"), max_length=200, blank=True)
    session = models.ForeignKey(Session, models.SET_NULL, null=True, blank=True, related_name="requests")
    reference = models.CharField(max_length=16, unique=True, default=new_certificate_code)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = CourseRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("course request")
        verbose_name_plural = _("course requests")

    def __str__(self):
        return f"{self.requester_name} · {self.course}"


class CitizenMessage(models.Model):
    """A text message for a citizen (promotion from the waitlist, a cancelled session). The portal's
    "my courses" page shows them; an SMS gateway, when one is configured, sends unsent rows."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="training_messages")
    body = models.CharField(max_length=300)
    url = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=80, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message to a citizen")
        verbose_name_plural = _("messages to citizens")

    def __str__(self):
        return self.body[:40]


class PhoneVerification(models.Model):
    """A one-time code sent to a phone before a citizen may enrol or see their courses."""

    phone_index = BlindIndexField(source="phone", normalizer="shuniu.core.validators.normalize_phone", purpose="phone")
    phone = EncryptedTextField()
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone_index", "created_at"], name="training_phone_verification")]

    def __str__(self):
        return f"verification {self.pk}"
