"""Rights cases, who takes part in handling them, referrals and the timeline."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.fields import BlindIndexField, EncryptedTextField
from shuniu.core.models import Organization, Region
from shuniu.core.scoping import RowExists, ScopedQuerySet, get_scope
from shuniu.rights.models.config import CaseCategory, Complexity, LegalAidProvider


class Channel(models.TextChoices):
    HOTLINE_12351 = "hotline_12351", _("12351 union hotline")
    HOTLINE_12355 = "hotline_12355", _("12355 youth hotline")
    HOTLINE_12338 = "hotline_12338", _("12338 women's hotline")
    WALK_IN = "walk_in", _("Walk-in")
    RIGHTS_POST = "rights_post", _("Rights post")
    LETTER = "letter", _("Letter")
    WEB = "web", _("Public portal")
    API = "api", _("Other system (API)")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    FOLLOWED_UP = "followed_up", _("Followed up")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined (back to the joint office)")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REOPENED = "reopened", _("Reopened")


# States in which the resolution deadline runs (the case is someone's open work).
OPEN_STATUSES = (
    Status.RECEIVED,
    Status.ACCEPTED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.DECLINED,
    Status.REOPENED,
)
FINISHED_STATUSES = (Status.RESOLVED, Status.FOLLOWED_UP, Status.CLOSED, Status.WITHDRAWN)


class Outcome(models.TextChoices):
    MEDIATED = "mediated", _("Mediated")
    LEGAL_AID = "legal_aid", _("Legal aid")
    ARBITRATION = "arbitration", _("Arbitration")
    LITIGATION_SUPPORT = "litigation_support", _("Litigation support")
    REFERRED = "referred", _("Referred")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RightsCaseQuerySet(ScopedQuerySet):
    view_permission = "rights:case_view"

    def visible_to(self, user):
        """Organisations handling the case (lead, co-handlers, referral receivers, former handlers and
        notified departments — with their branches) see it; district roles see all. Whether the
        details of a sensitive case are shown is decided per case (`details_visible_to`)."""
        scope = get_scope(user)
        if not scope.memberships:
            return self.none()
        org_ids = scope.org_ids_with(self.view_permission)
        if org_ids is None:
            return self
        if not org_ids:
            return self.none()
        participating = RowExists(
            CaseParticipant.objects.filter(case_id=models.OuterRef("pk"), organization_id__in=org_ids)
        )
        return self.filter(models.Q(lead_org_id__in=org_ids) | models.Q(participating))


def own_org_ids(user) -> set[int]:
    """The organisations the user works in with their branches — for district roles too (the joint
    office), unlike `Scope.reachable_org_ids`, which is None for them."""
    scope = get_scope(user)
    return scope._subtree_ids(tuple(membership.organization.path for membership in scope.memberships))


class RightsCase(models.Model):
    """One request for help from a citizen (维权诉求), from intake to closure."""

    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(CaseCategory, models.PROTECT, related_name="cases", verbose_name=_("category"))
    complexity = models.CharField(
        _("complexity"), max_length=16, choices=Complexity.choices, default=Complexity.ORDINARY
    )
    is_sensitive = models.BooleanField(default=False, editable=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)

    person = models.ForeignKey("people.Person", models.PROTECT, related_name="rights_cases", verbose_name=_("person"))
    requester_name = models.CharField(_("name"), max_length=60)
    contact_phone = EncryptedTextField(_("phone"), blank=True, default="")
    contact_phone_index = BlindIndexField(
        source="contact_phone", normalizer="shuniu.core.validators.normalize_phone", purpose="phone"
    )
    community = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("community")
    )
    street = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("street")
    )
    subject = models.CharField(_("subject"), max_length=120)
    description = models.TextField(_("description"))
    enterprise = models.ForeignKey(
        "rights.Enterprise",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("employer"),
    )
    amount_claimed = models.DecimalField(
        _("amount claimed (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    lead_org = models.ForeignKey(
        Organization, models.PROTECT, related_name="led_rights_cases", verbose_name=_("lead organisation")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_rights_cases",
        verbose_name=_("caseworker"),
    )
    notify_department = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("government department notified"),
    )
    routing_rule = models.ForeignKey(
        "rights.RoutingRule", models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    legal_aid_provider = models.ForeignKey(
        LegalAidProvider,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("legal-aid lawyer or volunteer"),
    )

    consent_processing = models.BooleanField(_("consents to processing of personal data"), default=False)
    consent_referral = models.BooleanField(_("consents to referral to other organisations"), default=False)

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    first_response_due = models.DateTimeField(_("first response due"))
    resolution_due = models.DateTimeField(_("resolution due"))
    follow_up_due = models.DateTimeField(_("follow-up due"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    money_recovered = models.DecimalField(_("money recovered (yuan)"), max_digits=14, decimal_places=2, default=0)
    outcome_summary = models.TextField(_("outcome summary"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("taken by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RightsCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("rights case")
        verbose_name_plural = _("rights cases")
        # Every queue is "a filter + newest first (id)": one index per filter, ending in id so the
        # keyset (`id < cursor`) walks the index without sorting, at any table size.
        indexes = [
            models.Index(fields=["lead_org", "status", "-id"], name="rights_case_org_status"),
            models.Index(fields=["lead_org", "-id"], name="rights_case_org"),
            models.Index(fields=["assignee", "status", "-id"], name="rights_case_assignee"),
            models.Index(fields=["status", "-id"], name="rights_case_status"),
            models.Index(fields=["category", "-id"], name="rights_case_category"),
            models.Index(fields=["street", "-id"], name="rights_case_street"),
            models.Index(fields=["received_at"], name="rights_case_received"),
            models.Index(fields=["requester_name"], name="rights_case_name"),
            models.Index(fields=["enterprise", "-id"], name="rights_case_enterprise"),
            models.Index(
                fields=["resolution_due", "id"],
                condition=models.Q(
                    status__in=["received", "accepted", "assigned", "in_progress", "declined", "reopened"]
                ),
                name="rights_case_open_due",
            ),
            models.Index(
                fields=["first_response_due", "id"],
                condition=models.Q(status="received"),
                name="rights_case_response_due",
            ),
        ]

    def __str__(self):
        return self.tracking_code

    @property
    def organization(self):
        return self.lead_org

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status == Status.RECEIVED and self.first_response_due < now:
            return True
        return self.is_open and self.resolution_due < now

    def is_due_soon(self, now=None) -> bool:
        from datetime import timedelta

        now = now or timezone.now()
        return self.is_open and not self.is_overdue(now) and self.resolution_due < now + timedelta(days=3)

    def details_visible_to(self, user) -> bool:
        """Details of a sensitive case (domestic violence, minors) only for the handling
        organisations — deliberately not for the district coordinator or notified departments,
        who see status, dates and organisations. Ordinary cases: everyone who sees the case."""
        if not self.is_sensitive:
            return True
        orgs = own_org_ids(user)
        if self.lead_org_id in orgs:
            return True
        return self.participants.filter(organization_id__in=orgs, sees_details=True).exists()

    def handled_by(self, user) -> bool:
        """The user works in the lead organisation or a co-handling one (may do the work)."""
        orgs = own_org_ids(user)
        if self.lead_org_id in orgs:
            return True
        return self.participants.filter(organization_id__in=orgs, role=ParticipantRole.CO_HANDLER).exists()


class ParticipantRole(models.TextChoices):
    CO_HANDLER = "co_handler", _("Co-handling organisation")
    REFERRAL_RECEIVER = "referral_receiver", _("Referral awaiting answer")
    FORMER_HANDLER = "former_handler", _("Former handler")
    DECLINED_REFERRAL = "declined_referral", _("Declined the referral")
    NOTIFIED = "notified", _("Department notified")


class CaseParticipant(models.Model):
    """An organisation other than the lead that takes part in a case; `sees_details` says whether it
    may read the details of a sensitive case."""

    case = models.ForeignKey(RightsCase, models.CASCADE, related_name="participants")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=ParticipantRole.choices)
    sees_details = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "organization"], name="rights_participant_unique")]
        indexes = [models.Index(fields=["organization", "case"], name="rights_participant_org")]

    def __str__(self):
        return f"{self.case} · {self.organization}"


class ReferralMode(models.TextChoices):
    TRANSFER = "transfer", _("Transfer: the receiver becomes the lead organisation")
    JOINT = "joint", _("Joint handling: the receiver co-handles")


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class Referral(models.Model):
    """A hand-off of a case to another organisation or government department (转介), answered by
    the receiver within its own deadline. The case's deadlines keep running meanwhile."""

    case = models.ForeignKey(RightsCase, models.CASCADE, related_name="referrals")
    from_org = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("from"))
    to_org = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("to"))
    mode = models.CharField(_("kind"), max_length=12, choices=ReferralMode.choices, default=ReferralMode.TRANSFER)
    reason = models.TextField(_("reason"))
    consent_recorded = models.BooleanField(_("the person consented to the referral"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    due_at = models.DateTimeField(_("answer due"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(_("answer"), blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["to_org", "status", "-id"], name="rights_referral_inbox"),
            models.Index(fields=["case", "-id"], name="rights_referral_case"),
        ]

    def __str__(self):
        return f"{self.case} → {self.to_org}"


class CaseEvent(models.Model):
    """One entry of a case's timeline: a transition (from → to) or a piece of recorded work."""

    case = models.ForeignKey(RightsCase, models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    organization = models.ForeignKey(Organization, models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "id"], name="rights_event_case")]

    def __str__(self):
        return f"{self.case} · {self.action}"


class ActivityKind(models.TextChoices):
    NOTE = "note", _("Note")
    CONTACT = "contact", _("Contact with the person or employer")
    MEDIATION = "mediation", _("Mediation session")


class CaseActivity(models.Model):
    """Recorded work on a case: a note, a contact, a mediation session."""

    case = models.ForeignKey(RightsCase, models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=12, choices=ActivityKind.choices, default=ActivityKind.NOTE)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    participants = models.CharField(_("who took part"), max_length=200, blank=True)
    body = models.TextField(_("what happened"))
    result = models.CharField(_("result"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "-occurred_at"], name="rights_activity_case")]

    def __str__(self):
        return f"{self.case} · {self.get_kind_display()}"


def attachment_path(instance, filename):
    return f"rights/{instance.case_id}/{timezone.now():%Y%m%d%H%M%S}-{filename}"


class CaseAttachment(models.Model):
    """A file kept with a case (evidence, agreements). Served only through a permission-checked view."""

    case = models.ForeignKey(RightsCase, models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.name


class FollowUpMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Home visit")
    MESSAGE = "message", _("Text message")


class FollowUp(models.Model):
    """The follow-up visit after resolution (回访), with the person's satisfaction 1–5."""

    case = models.ForeignKey(RightsCase, models.CASCADE, related_name="follow_ups")
    method = models.CharField(_("how"), max_length=12, choices=FollowUpMethod.choices, default=FollowUpMethod.PHONE)
    visited_at = models.DateTimeField(_("when"), default=timezone.now)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    comment = models.TextField(_("what the person said"), blank=True)
    on_time = models.BooleanField(default=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__gte=1, satisfaction__lte=5), name="rights_followup_satisfaction"
            )
        ]

    def __str__(self):
        return f"{self.case} · {self.satisfaction}"
