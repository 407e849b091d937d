import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shuniu.core.fields import EncryptedTextField
from shuniu.core.models import Organization
from shuniu.core.scoping import ScopedQuerySet


class StoryKind(models.TextChoices):
    EXEMPLARY_CASE = "case", _("Exemplary case")
    EXEMPLARY_MODEL = "model", _("Exemplary model")
    EXPERIENCE = "experience", _("Joint-work experience")


class StoryStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class StoryQuerySet(ScopedQuerySet):
    view_permission = "outreach:view"

    def public(self):
        return self.filter(status=StoryStatus.PUBLISHED)


def cover_path(instance, filename):
    return f"outreach/covers/{filename}"


class Story(models.Model):
    """An exemplary case or model (先进典型 / 典型案例) for publicity on the portal.

    Stories made from a case carry the personal strings of their source (encrypted) so that every
    check — and the last one before publishing — can look for them again. The editor's
    confirmation of the personal-data check is bound to a hash of the text: editing the text
    afterwards voids it.
    """

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="stories", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=StoryKind.choices, default=StoryKind.EXEMPLARY_CASE)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("text"))
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Separate tags with commas."))
    cover = models.FileField(_("cover image"), upload_to=cover_path, blank=True)
    cover_type = models.CharField(max_length=40, blank=True)
    cover_alt = models.CharField(_("cover description"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=StoryStatus.choices, default=StoryStatus.DRAFT)
    source_type = models.CharField(_("made from"), max_length=20, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    known_personal_data = EncryptedTextField(blank=True, default="")  # JSON list of [kind, value]
    removals = models.JSONField(_("removed personal data"), default=list, blank=True)
    privacy_confirmed_hash = models.CharField(max_length=64, blank=True)
    privacy_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    privacy_confirmed_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [models.Index(fields=["status", "-published_at"], name="outreach_story_public")]

    def __str__(self):
        return self.title

    def content_hash(self) -> str:
        text = "\x1f".join([self.title, self.summary, self.body, self.tags, self.cover_alt])
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def privacy_confirmed(self) -> bool:
        return bool(self.privacy_confirmed_hash) and self.privacy_confirmed_hash == self.content_hash()

    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.replace("，", ",").split(",") if tag.strip()]
