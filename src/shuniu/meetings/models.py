"""Joint meetings (联席会议) of the mass organisations and the supervision (督办) of what they decide.

A `MeetingSeries` has member organisations in a rotation order; each `Meeting` is hosted by one
member in turn. Before a meeting every member hands in a `Submission` (work summary, next-period
`PlanItem`s, lessons); overlapping plan items of different members become `CooperationPoint`s,
accepted ones may grow into a `CooperationProject`. The meeting records `Attendance`, minutes and
`Resolution`s; each resolution has `ActionItem`s that the lead organisation reports on
(`ProgressReport`) until done.

Visibility: everything of a series is visible to its members (with their branches), to its
convenor (the joint office) and to district roles; everyone else gets a 404.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shuniu.core.models import Organization, Region
from shuniu.core.scoping import get_scope


class Period(models.TextChoices):
    MONTHLY = "monthly", pgettext_lazy("meetings", "Monthly")
    QUARTERLY = "quarterly", pgettext_lazy("meetings", "Quarterly")
    HALF_YEARLY = "half_yearly", _("Every half year")


PERIOD_MONTHS = {Period.MONTHLY: 1, Period.QUARTERLY: 3, Period.HALF_YEARLY: 6}


class TargetGroup(models.TextChoices):
    WORKERS = "workers", _("Workers")
    YOUTH = "youth", _("Young people")
    CHILDREN = "children", _("Children")
    WOMEN = "women", _("Women")
    FAMILIES = "families", _("Families")
    ELDERLY = "elderly", _("Elderly people")
    DISABLED = "disabled", _("People with disabilities")
    SCIENCE_WORKERS = "science_workers", _("Science and technology workers")
    PEOPLE_IN_DIFFICULTY = "in_difficulty", _("People in difficulty")
    VOLUNTEERS = "volunteers", pgettext_lazy("meetings", "Volunteers")
    PUBLIC = "public", _("General public")


def _visible_series_filter(user, prefix: str = ""):
    """Q restricting to series the user reaches (member or convenor, with branches); None = all."""
    scope = get_scope(user)
    if not scope.memberships:
        return models.Q(pk__in=[])
    org_ids = scope.org_ids_with("meetings:view")
    if org_ids is None:
        return None
    return models.Q(**{f"{prefix}convenor_id__in": org_ids}) | models.Q(
        **{f"{prefix}members__organization_id__in": org_ids, f"{prefix}members__is_active": True}
    )


class SeriesQuerySet(models.QuerySet):
    def visible_to(self, user):
        condition = _visible_series_filter(user)
        if condition is None:
            return self
        return self.filter(pk__in=MeetingSeries.objects.filter(condition).values("pk"))


class MeetingSeries(models.Model):
    """A standing joint meeting (e.g. the district's quarterly joint meeting of mass organisations)."""

    name = models.CharField(_("name"), max_length=120)
    convenor = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="convened_series",
        verbose_name=_("convenor"),
        help_text=_("The joint office that keeps the series and supervises the action items."),
    )
    period = models.CharField(_("period"), max_length=12, choices=Period.choices, default=Period.QUARTERLY)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeriesQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")

    def __str__(self):
        return self.name

    def active_members(self):
        return self.members.filter(is_active=True).select_related("organization").order_by("position", "id")


class SeriesMember(models.Model):
    """An organisation taking part in a series, at its place in the hosting rotation."""

    series = models.ForeignKey(MeetingSeries, models.CASCADE, related_name="members")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    position = models.PositiveSmallIntegerField(_("rotation order"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("series member")
        verbose_name_plural = _("series members")
        constraints = [
            models.UniqueConstraint(fields=["series", "organization"], name="meetings_member_unique"),
        ]

    def __str__(self):
        return f"{self.position}. {self.organization}"


class PassRequest(models.Model):
    """A member asks to pass its next turn as host; used once, when the next host is computed."""

    series = models.ForeignKey(MeetingSeries, models.CASCADE, related_name="pass_requests")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    reason = models.CharField(_("reason"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    used_for = models.ForeignKey(
        "Meeting", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("used for")
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("request to pass hosting")
        verbose_name_plural = _("requests to pass hosting")

    def __str__(self):
        return f"{self.organization}: {self.reason}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Host chosen")
    SCHEDULED = "scheduled", pgettext_lazy("meetings", "Scheduled")
    HELD = "held", _("Held")


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(series__in=MeetingSeries.objects.visible_to(user))


class Meeting(models.Model):
    """One sitting of a series, hosted by a member in turn."""

    series = models.ForeignKey(MeetingSeries, models.PROTECT, related_name="meetings")
    number = models.PositiveIntegerField(_("number"))
    host = models.ForeignKey(Organization, models.PROTECT, related_name="hosted_meetings", verbose_name=_("host"))
    rotation_turn = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="+",
        verbose_name=_("whose turn it was"),
        help_text=_("The member whose turn it was in the rotation; differs from the host when members passed."),
    )
    status = models.CharField(_("status"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    title = models.CharField(_("title"), max_length=150)
    starts_at = models.DateTimeField(_("date and time"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    submission_deadline = models.DateTimeField(_("submission deadline"), null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [models.UniqueConstraint(fields=["series", "number"], name="meetings_meeting_number_unique")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def submissions_locked(self) -> bool:
        return self.submission_deadline is not None and timezone.now() > self.submission_deadline


class HostSkip(models.Model):
    """Why a member was passed over when the host of a meeting was computed."""

    class Why(models.TextChoices):
        HOSTED_LAST = "hosted_last", _("Hosted the last meeting")
        ASKED_TO_PASS = "asked_to_pass", _("Asked to pass")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="host_skips")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    why = models.CharField(max_length=16, choices=Why.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("skipped host")
        verbose_name_plural = _("skipped hosts")

    def __str__(self):
        return f"{self.organization}: {self.get_why_display()}"


class ScopedByMeeting(models.QuerySet):
    meeting_path = "meeting"

    def visible_to(self, user):
        return self.filter(**{f"{self.meeting_path}__in": Meeting.objects.visible_to(user)})


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Submission(models.Model):
    """A member's report to a meeting: past work, next-period plan (as PlanItems), lessons."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="submissions")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    status = models.CharField(_("status"), max_length=12, choices=SubmissionStatus.choices, default="draft")
    work_summary = models.TextField(_("work summary"), blank=True)
    lessons = models.TextField(_("lessons learned"), blank=True)
    cooperation_proposals = models.TextField(_("cooperation proposals"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedByMeeting.as_manager()

    class Meta:
        ordering = ["organization__code"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organization"], name="meetings_submission_unique"),
        ]

    def __str__(self):
        return f"{self.meeting} · {self.organization}"


class PlanItemQuerySet(ScopedByMeeting):
    meeting_path = "submission__meeting"


class PlanItem(models.Model):
    """One item of a member's next-period plan: what, for whom, where, when."""

    submission = models.ForeignKey(Submission, models.CASCADE, related_name="plan_items")
    title = models.CharField(_("what"), max_length=200)
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    street = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("street"),
        help_text=_("Leave empty for the whole district."),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month the work is planned for."))

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        ordering = ["month", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self):
        return self.title


def attachment_path(instance, filename):
    # The stored name is not the uploaded one: names of uploads can hold personal data and odd characters.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"meetings/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class AttachmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        meetings = Meeting.objects.visible_to(user)
        return self.filter(
            models.Q(submission__meeting__in=meetings) | models.Q(progress_report__action_item__meeting__in=meetings)
        )


class Attachment(models.Model):
    """A file attached to a submission or (as evidence) to a progress report. Served only through
    a view that checks the reader may see the record it belongs to."""

    submission = models.ForeignKey(Submission, models.CASCADE, null=True, blank=True, related_name="attachments")
    progress_report = models.ForeignKey(
        "ProgressReport", models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission__isnull=False, progress_report__isnull=True)
                | models.Q(submission__isnull=True, progress_report__isnull=False),
                name="meetings_attachment_one_owner",
            )
        ]

    def __str__(self):
        return self.name


class PointStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", pgettext_lazy("meetings", "Accepted")
    DISMISSED = "dismissed", pgettext_lazy("meetings", "Dismissed")


class CooperationPoint(models.Model):
    """Plan items of different members that overlap, found by the system, decided by the meeting.
    `reasons` holds why (shared words, same group, same street, months) so that people can judge."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="cooperation_points")
    items = models.ManyToManyField(PlanItem, related_name="cooperation_points", verbose_name=_("plan items"))
    signature = models.CharField(max_length=200, help_text="sorted plan item ids, to find a point again")
    score = models.FloatField(_("score"), default=0)
    reasons = models.JSONField(_("reasons"), default=dict)
    status = models.CharField(_("status"), max_length=12, choices=PointStatus.choices, default=PointStatus.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByMeeting.as_manager()

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("cooperation point")
        verbose_name_plural = _("cooperation points")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "signature"], name="meetings_point_signature_unique"),
        ]

    def __str__(self):
        return " / ".join(item.title for item in self.items.all())


class CooperationProject(models.Model):
    """Joint work grown from an accepted cooperation point, with a lead and partners."""

    meeting = models.ForeignKey(Meeting, models.PROTECT, related_name="cooperation_projects")
    point = models.OneToOneField(
        CooperationPoint, models.PROTECT, null=True, blank=True, related_name="project", verbose_name=_("from point")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lead_organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("lead organisation")
    )
    partners = models.ManyToManyField(Organization, related_name="+", verbose_name=_("partners"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByMeeting.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("cooperation project")
        verbose_name_plural = _("cooperation projects")

    def __str__(self):
        return self.title


class Attendance(models.Model):
    """Whether a member organisation attended, and who represented it."""

    class Presence(models.TextChoices):
        PRESENT = "present", _("Present")
        ON_LEAVE = "on_leave", _("Excused")
        ABSENT = "absent", _("Absent")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("organisation"))
    presence = models.CharField(_("attendance"), max_length=10, choices=Presence.choices, default=Presence.PRESENT)
    representatives = models.CharField(_("representatives"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organization"], name="meetings_attendance_unique"),
        ]

    def __str__(self):
        return f"{self.organization}: {self.get_presence_display()}"


class Resolution(models.Model):
    """Something the meeting decided (议定事项); carried out through its action items."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="resolutions")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("resolution"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByMeeting.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="meetings_resolution_number_unique")]

    def __str__(self):
        return self.text[:60]


class ItemStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OVERDUE = "overdue", pgettext_lazy("meetings", "Overdue")
    DONE = "done", _("Done")


OPEN_STATUSES = [ItemStatus.ON_TRACK, ItemStatus.AT_RISK, ItemStatus.OVERDUE]


class ActionItem(models.Model):
    """A supervised task (督办事项) carrying out a resolution: a lead organisation, co-organisations,
    a deadline and the expected result. Status changes only through the services."""

    resolution = models.ForeignKey(Resolution, models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="action_items")
    title = models.CharField(_("task"), max_length=200)
    lead_organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="led_action_items", verbose_name=_("lead organisation")
    )
    co_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="+", verbose_name=_("co-organisations")
    )
    deadline = models.DateField(_("deadline"))
    expected_result = models.TextField(_("expected result"))
    status = models.CharField(_("status"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.ON_TRACK)
    completed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedByMeeting.as_manager()

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["status", "deadline"], name="meetings_item_status_deadline")]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != ItemStatus.DONE

    def attachments_exist(self) -> bool:
        return Attachment.objects.filter(progress_report__action_item=self).exists()


class ProgressReportQuerySet(ScopedByMeeting):
    meeting_path = "action_item__meeting"


class ProgressReport(models.Model):
    """The lead organisation's report on an action item, with evidence attached."""

    action_item = models.ForeignKey(ActionItem, models.CASCADE, related_name="progress_reports")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("progress"))
    status_after = models.CharField(_("status after the report"), max_length=10, choices=ItemStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self):
        return self.text[:60]
