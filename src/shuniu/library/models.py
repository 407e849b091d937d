"""The shared resource library (文库): resources, their file versions and pages, favourites,
downloads, content reports and links from other apps' records."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shuniu.core.models import Organization
from shuniu.core.scoping import get_scope


class Category(models.TextChoices):
    POLICY = "policy", _("Policies and regulations")
    TRAINING = "training", _("Training materials")
    TEMPLATE = "template", _("Forms and templates")
    CASES = "cases", _("Case collections")
    SPEECH = "speech", _("Speeches and reports")
    PUBLICITY = "publicity", _("Publicity materials")
    OTHER = "other", _("Other")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Public (everyone, also on the portal)")
    STAFF = "staff", _("All staff of every organisation")
    ORGANIZATION = "organization", _("Own organisation only")


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (.docx)"
    DOC = "doc", "Word 97-2003 (.doc)"
    XLSX = "xlsx", "Excel (.xlsx)"
    PPTX = "pptx", "PowerPoint (.pptx)"
    TXT = "txt", _("Text (.txt)")
    IMAGE = "image", _("Image")


class ProcessingStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    PROCESSING = "processing", _("Processing")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class PreviewMode(models.TextChoices):
    NONE = "none", _("No preview")
    IMAGES = "images", _("Page images")
    TEXT = "text", _("Text preview")


class ResourceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Public resources for everyone; staff see all-staff resources and those of their own
        organisation (with branches); district roles see everything. Hidden (moderated)
        resources stay visible to their own organisation only."""
        scope = get_scope(user)
        if not scope.memberships:
            return self.filter(audience=Audience.PUBLIC, is_hidden=False)
        org_ids = scope.reachable_org_ids
        if org_ids is None:
            return self
        own = Q(organization_id__in=org_ids)
        return self.filter(own | (Q(audience__in=[Audience.PUBLIC, Audience.STAFF]) & Q(is_hidden=False)))

    def public(self):
        return self.filter(audience=Audience.PUBLIC, is_hidden=False)


class Resource(models.Model):
    """A document in the library (资源): metadata, the owner organisation, who may see it, and its
    current file version. Files are only ever served by permission-checked views."""

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="library_resources", verbose_name=_("organisation")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices, default=Category.OTHER)
    tags = models.CharField(
        _("tags"), max_length=200, blank=True, help_text=_("Separate tags with commas, e.g. 维权, 女职工")
    )
    audience = models.CharField(_("who may see it"), max_length=16, choices=Audience.choices)
    free_preview_pages = models.PositiveSmallIntegerField(
        _("free preview pages"),
        default=5,
        help_text=_("How many pages readers may look at before they download the file."),
    )
    current_version = models.ForeignKey(
        "ResourceVersion", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("current version")
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    download_count = models.PositiveIntegerField(_("downloads"), default=0)
    favorite_count = models.PositiveIntegerField(_("favourites"), default=0)
    is_hidden = models.BooleanField(_("hidden after a report"), default=False)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [
            models.Index(fields=["audience", "-created_at"], name="library_resource_audience"),
            models.Index(fields=["organization", "-created_at"], name="library_resource_org"),
            models.Index(fields=["-download_count"], name="library_resource_downloads"),
        ]

    def __str__(self):
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.replace("，", ",").split(",") if tag.strip()]


def version_upload_to(instance, filename):
    # Never the user's file name: paths must not be guessable nor carry personal data.
    return f"library/{instance.resource.organization_id}/{uuid.uuid4().hex}"


class ResourceVersion(models.Model):
    """One uploaded file of a resource. Processing (text, pages, previews) runs in the background
    and records its outcome in `status` and `status_message`."""

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=version_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    kind = models.CharField(_("file type"), max_length=8, choices=FileKind.choices)
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProcessingStatus.choices, default=ProcessingStatus.PENDING
    )
    status_message = models.CharField(_("status details"), max_length=300, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    preview_mode = models.CharField(max_length=8, choices=PreviewMode.choices, default=PreviewMode.NONE)
    text_encoding = models.CharField(max_length=20, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")
        constraints = [models.UniqueConstraint(fields=["resource", "number"], name="library_version_unique")]

    def __str__(self):
        return f"{self.resource} v{self.number}"

    @property
    def download_name(self) -> str:
        return self.original_name


def page_image_upload_to(instance, filename):
    return f"library-previews/{instance.version.resource.organization_id}/{uuid.uuid4().hex}.png"


class ResourcePage(models.Model):
    """The text of one page of a version (its boundaries as the file had them), and its preview image."""

    version = models.ForeignKey(ResourceVersion, models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    text = models.TextField(blank=True)
    image = models.FileField(upload_to=page_image_upload_to, max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["version", "number"], name="library_page_unique")]

    def __str__(self):
        return f"{self.version} p{self.number}"


class Favorite(models.Model):
    """A user keeps a resource in their favourites (收藏)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="library_favorites")
    resource = models.ForeignKey(Resource, models.CASCADE, related_name="favorites")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "resource"], name="library_favorite_unique")]

    def __str__(self):
        return f"{self.user} ♥ {self.resource}"


class Download(models.Model):
    """One download (append-only); the resource keeps the running count."""

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="downloads")
    version = models.ForeignKey(ResourceVersion, models.CASCADE, related_name="downloads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.resource} ↓"


class ReportReason(models.TextChoices):
    WRONG = "wrong", _("Wrong or outdated content")
    PERSONAL_DATA = "personal_data", _("Contains personal data")
    COPYRIGHT = "copyright", _("Copyright problem")
    INAPPROPRIATE = "inappropriate", _("Inappropriate content")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld (resource hidden)")
    DISMISSED = "dismissed", _("Dismissed")


class ContentReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports are handled by the resource's owner organisation (and district roles)."""
        scope = get_scope(user)
        if not scope.memberships:
            return self.none()
        org_ids = scope.org_ids_with("library:moderate")
        if org_ids is None:
            return self
        return self.filter(resource__organization_id__in=org_ids)


class ContentReport(models.Model):
    """A report of bad content (举报), queued for the resource's owner organisation."""

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=16, choices=ReportReason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    decision_note = models.CharField(_("decision note"), max_length=300, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContentReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("content report")
        verbose_name_plural = _("content reports")

    def __str__(self):
        return f"{self.resource}: {self.get_reason_display()}"


class ResourceLink(models.Model):
    """A library resource attached to any record of another app (a course, a meeting, a case).
    See `shuniu.library.links` for the functions and the template include."""

    content_type = models.ForeignKey(ContentType, models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    resource = models.ForeignKey(Resource, models.CASCADE, related_name="links")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "resource"], name="library_link_unique")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="library_link_target")]

    def __str__(self):
        return f"{self.content_type_id}:{self.object_id} → {self.resource_id}"
