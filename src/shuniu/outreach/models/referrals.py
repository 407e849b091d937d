"""Working with affiliated social organisations (枢纽型): shared activities, referrals of a person's
need, and the outbox of messages to their contacts (who have no staff account)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shuniu.core.fields import EncryptedTextField
from shuniu.core.models import Organization
from shuniu.core.scoping import ScopedQuerySet


class ActivityShare(models.Model):
    """An activity shared by its organiser with an affiliated social organisation, which is then
    listed as a co-organiser on the activity page and the portal."""

    activity = models.ForeignKey("outreach.Activity", models.CASCADE, related_name="shares")
    social_organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="+", verbose_name=_("social organisation")
    )
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shared_at", "id"]
        verbose_name = _("shared activity")
        verbose_name_plural = _("shared activities")
        constraints = [
            models.UniqueConstraint(fields=["activity", "social_organization"], name="outreach_activity_share_once")
        ]

    def __str__(self):
        return f"{self.activity} → {self.social_organization}"


class SocialReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting an answer")
    ACCEPTED = "accepted", _("Accepted by the social organisation")
    DECLINED = "declined", _("Declined by the social organisation")
    DONE = "done", _("Done, outcome reported")


class SocialReferralSource(models.TextChoices):
    RIGHTS_CASE = "rights_case", _("Rights case")
    RELIEF_APPLICATION = "relief_application", _("Aid application")
    STANDALONE = "standalone", _("Stand-alone need")


class SocialReferralQuerySet(ScopedQuerySet):
    scope_field = "hub"
    view_permission = "outreach:view"


class SocialReferral(models.Model):
    """A person's need referred by a hub organisation to an affiliated social organisation (转介),
    sent → accepted/declined → done with an outcome note. Only the minimum the social organisation
    needs is kept here (encrypted where personal): what help is needed, and — only when the staff
    chose to share it — the person's name and phone so that the organisation can get in touch. The
    person's consent to sharing is checked when it is made. The contact answers through a signed,
    expiring link bound to `link_nonce`; every answer rotates the nonce, so a used link is dead."""

    hub = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("referring organisation"))
    social_organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="social_referrals", verbose_name=_("social organisation")
    )
    person = models.ForeignKey("people.Person", models.PROTECT, related_name="+", verbose_name=_("person referred"))
    source_type = models.CharField(
        _("made from"), max_length=20, choices=SocialReferralSource.choices, default=SocialReferralSource.STANDALONE
    )
    source_id = models.CharField(max_length=40, blank=True)
    need = models.TextField(_("help needed"), max_length=1000)
    shared_name = EncryptedTextField(_("name shared"), blank=True, default="")
    shared_phone = EncryptedTextField(_("phone shared"), blank=True, default="")
    community_name = models.CharField(_("community of the person"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SocialReferralStatus.choices, default=SocialReferralStatus.SENT
    )
    due_on = models.DateField(_("to be handled by"))
    answer_note = models.TextField(_("answer of the social organisation"), blank=True)
    outcome_note = models.TextField(_("outcome reported"), blank=True)
    link_nonce = models.CharField(max_length=32, editable=False)
    link_expires_at = models.DateTimeField(editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = SocialReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("referral to a social organisation")
        verbose_name_plural = _("referrals to social organisations")
        indexes = [
            models.Index(fields=["hub", "status", "-id"], name="outreach_social_ref_hub"),
            models.Index(fields=["social_organization", "-id"], name="outreach_social_ref_org"),
        ]

    def __str__(self):
        return f"#{self.pk} → {self.social_organization}"

    @property
    def is_open(self) -> bool:
        return self.status in (SocialReferralStatus.SENT, SocialReferralStatus.ACCEPTED)

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


class SocialOrganizationMessage(models.Model):
    """The outbox to social organisations' contacts: one row per message, sent by e-mail when the
    contact has an address (`sent_at` makes a re-run a no-op). A referral's message carries its
    answer link."""

    social_organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    referral = models.ForeignKey(SocialReferral, models.CASCADE, null=True, blank=True, related_name="messages")
    activity = models.ForeignKey("outreach.Activity", models.CASCADE, null=True, blank=True, related_name="+")
    to_name = models.CharField(max_length=60, blank=True)
    to_email = models.EmailField(blank=True)
    to_phone = models.CharField(max_length=40, blank=True)
    subject = models.CharField(max_length=200)
    body = EncryptedTextField(default="")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("message to a social organisation")
        verbose_name_plural = _("messages to social organisations")

    def __str__(self):
        return self.subject
