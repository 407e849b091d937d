"""State changes of the library. Each: guard → atomic → save → log_action → on_commit side effects."""

import hashlib
import logging
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError, notify_role
from shuniu.library.detection import UnsafeFile, detect
from shuniu.library.models import (
    Audience,
    ContentReport,
    Download,
    Favorite,
    ProcessingStatus,
    ReportStatus,
    Resource,
    ResourcePage,
    ResourceVersion,
)
from shuniu.library.processing import ProcessingFailed, process_file

logger = logging.getLogger(__name__)
MODERATORS = ["supervisor", "org_admin"]


def _check_file(upload):
    if upload is None:
        raise DomainError(_("Choose a file to upload."))
    limit = settings.SHUNIU_MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise DomainError(
            _("The file is %(size)s MB; files up to %(limit)d MB can be uploaded.")
            % {"size": f"{upload.size / 1048576:.1f}", "limit": limit // 1048576}
        )
    try:
        detected = detect(upload, upload.name)
    except UnsafeFile as error:
        raise DomainError(str(error), code="file_refused") from None
    digest = hashlib.sha256()
    upload.seek(0)
    for block in iter(lambda: upload.read(1024 * 1024), b""):
        digest.update(block)
    upload.seek(0)
    return detected, digest.hexdigest()


def _enqueue_processing(version: ResourceVersion) -> None:
    from shuniu.library.tasks import process_version as task

    version_id = version.pk
    transaction.on_commit(lambda: task.enqueue(version_id))


def _enqueue_index(resource: Resource) -> None:
    from shuniu.search.tasks import index_record

    resource_id = resource.pk
    transaction.on_commit(lambda: index_record.enqueue("library.resource", resource_id))


def _store(version, file) -> None:
    """Write the file; a full disk (or any storage failure) becomes a clear refusal, the database
    transaction around it rolls back and no partial file is left."""
    try:
        version.file.save("upload", file, save=False)
    except OSError:
        if version.file.name:
            version.file.storage.delete(version.file.name)
        raise DomainError(
            _(
                "The file could not be stored (the storage is full or unavailable). Nothing was saved; please try "
                "again later or tell the system administrator."
            ),
            code="storage",
        ) from None


def upload_resource(
    actor,
    *,
    organization,
    title: str,
    file,
    audience: str,
    summary: str = "",
    category: str = "other",
    tags: str = "",
    free_preview_pages: int = 5,
) -> Resource:
    """A new resource with its first version; processing starts after commit."""
    if not get_scope(actor).has("library:upload", organization):
        raise DomainError(_("You may only upload resources for your own organisation."), code="forbidden")
    if audience not in Audience.values:
        raise DomainError(_("Choose who may see the resource."))
    detected, digest = _check_file(file)
    with transaction.atomic():
        resource = Resource.objects.create(
            organization=organization,
            title=title.strip(),
            summary=summary.strip(),
            category=category,
            tags=tags.strip(),
            audience=audience,
            free_preview_pages=free_preview_pages,
            uploaded_by=actor,
        )
        version = ResourceVersion(
            resource=resource,
            number=1,
            original_name=Path(file.name).name[:200],
            size=file.size,
            kind=detected.kind,
            content_type=detected.content_type,
            sha256=digest,
            text_encoding=detected.encoding,
            uploaded_by=actor,
        )
        _store(version, file)
        version.save()
        resource.current_version = version
        resource.save(update_fields=["current_version"])
        log_action(
            "library.resource.uploaded",
            actor=actor,
            organization=organization,
            obj=resource,
            data={"version": 1, "kind": detected.kind, "size": file.size, "audience": audience},
        )
        _enqueue_processing(version)
        _enqueue_index(resource)
    return resource


def add_version(actor, resource: Resource, file, note: str = "") -> ResourceVersion:
    """A new file for an existing resource; it becomes current once processed."""
    if not get_scope(actor).has("library:upload", resource.organization):
        raise DomainError(_("Only the owner organisation can upload new versions."), code="forbidden")
    detected, digest = _check_file(file)
    with transaction.atomic():
        locked = Resource.objects.select_for_update().get(pk=resource.pk)
        number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
        version = ResourceVersion(
            resource=locked,
            number=number,
            original_name=Path(file.name).name[:200],
            size=file.size,
            kind=detected.kind,
            content_type=detected.content_type,
            sha256=digest,
            text_encoding=detected.encoding,
            note=note.strip()[:200],
            uploaded_by=actor,
        )
        _store(version, file)
        version.save()
        log_action(
            "library.version.uploaded",
            actor=actor,
            organization=locked.organization,
            obj=locked,
            data={"version": number, "kind": detected.kind, "size": file.size},
        )
        _enqueue_processing(version)
    return version


def update_metadata(actor, resource: Resource, **fields) -> Resource:
    if not get_scope(actor).has("library:upload", resource.organization):
        raise DomainError(_("Only the owner organisation can change this resource."), code="forbidden")
    allowed = {"title", "summary", "category", "tags", "audience", "free_preview_pages"}
    changed = {key: value for key, value in fields.items() if key in allowed and getattr(resource, key) != value}
    if not changed:
        return resource
    with transaction.atomic():
        for key, value in changed.items():
            setattr(resource, key, value)
        resource.save(update_fields=[*changed, "updated_at"])
        log_action(
            "library.resource.updated",
            actor=actor,
            organization=resource.organization,
            obj=resource,
            data={key: str(value) for key, value in changed.items()},
        )
        _enqueue_index(resource)
    return resource


def _process_stored_file(version: ResourceVersion):
    """Work on a local copy, so that any storage (local disk, S3-compatible) can hold the files."""
    with tempfile.TemporaryDirectory(prefix="shuniu-library-") as workdir:
        local = Path(workdir) / "source"
        with version.file.open("rb") as source, local.open("wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        return process_file(local, version.kind)


def process_version(version_id: int) -> str:
    """Run processing for one version; idempotent (a ready version is left as it is)."""
    version = ResourceVersion.objects.select_related("resource").filter(pk=version_id).first()
    if version is None or version.status == ProcessingStatus.READY:
        return "skipped"
    ResourceVersion.objects.filter(pk=version_id).update(status=ProcessingStatus.PROCESSING, status_message="")
    resource = version.resource
    try:
        outcome = _process_stored_file(version)
    except ProcessingFailed as error:
        with transaction.atomic():
            ResourceVersion.objects.filter(pk=version_id).update(
                status=ProcessingStatus.FAILED, status_message=error.message[:300], processed_at=timezone.now()
            )
            log_action(
                "library.version.failed",
                organization=resource.organization,
                obj=resource,
                data={"version": version.number, "reason": error.message},
            )
        return "failed"
    with transaction.atomic():
        version.pages.all().delete()
        pages = []
        for number, text in enumerate(outcome.page_texts, start=1):
            page = ResourcePage(version=version, number=number, text=text.replace("\x00", ""))
            if number in outcome.images:
                page.image.save("preview.png", ContentFile(outcome.images[number]), save=False)
            pages.append(page)
        ResourcePage.objects.bulk_create(pages, batch_size=200)
        ResourceVersion.objects.filter(pk=version_id).update(
            status=ProcessingStatus.READY,
            status_message=" ".join(outcome.notes)[:300],
            page_count=outcome.page_count,
            preview_mode=outcome.preview_mode,
            text_encoding=outcome.encoding or version.text_encoding,
            processed_at=timezone.now(),
        )
        # A newer version becomes current once it is ready; an older one never replaces a newer.
        current_number = (
            Resource.objects.filter(pk=resource.pk).values_list("current_version__number", flat=True).first() or 0
        )
        if version.number >= current_number:
            Resource.objects.filter(pk=resource.pk).update(current_version=version, updated_at=timezone.now())
        log_action(
            "library.version.processed",
            organization=resource.organization,
            obj=resource,
            data={"version": version.number, "pages": outcome.page_count, "preview": outcome.preview_mode},
        )
        _enqueue_index(resource)
    return "ready"


def record_download(user, resource: Resource) -> ResourceVersion:
    """Count a download of the current version (the view has already checked visibility)."""
    version = resource.current_version
    if version is None:
        raise DomainError(_("This resource has no file yet."))
    with transaction.atomic():
        Download.objects.create(
            resource=resource, version=version, user=user if getattr(user, "is_authenticated", False) else None
        )
        Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)
    return version


def set_favorite(user, resource: Resource, favorite: bool) -> bool:
    """Add or remove a favourite; repeated requests change nothing. Returns the new state."""
    with transaction.atomic():
        if favorite:
            try:
                with transaction.atomic():
                    Favorite.objects.create(user=user, resource=resource)
            except IntegrityError:
                return True
            Resource.objects.filter(pk=resource.pk).update(favorite_count=F("favorite_count") + 1)
            return True
        deleted, _details = Favorite.objects.filter(user=user, resource=resource).delete()
        if deleted:
            Resource.objects.filter(pk=resource.pk, favorite_count__gt=0).update(favorite_count=F("favorite_count") - 1)
        return False


def report_resource(user, resource: Resource, reason: str, details: str = "") -> ContentReport:
    """A report goes to the owner organisation's supervisors and administrators."""
    if ContentReport.objects.filter(resource=resource, reporter=user, status=ReportStatus.OPEN).exists():
        raise DomainError(_("You have already reported this resource; the owner organisation is looking at it."))
    with transaction.atomic():
        report = ContentReport.objects.create(
            resource=resource, reporter=user, reason=reason, details=details.strip()[:2000]
        )
        log_action(
            "library.report.created",
            actor=user,
            organization=resource.organization,
            obj=resource,
            data={"report": report.pk, "reason": reason},
        )
        organization, title, url = (
            resource.organization,
            _("A library resource was reported: %(title)s") % {"title": resource.title},
            reverse("library:moderation"),
        )
        transaction.on_commit(
            lambda: notify_role(organization, MODERATORS, title, url=url, dedupe_key=f"library-report-{report.pk}")
        )
    return report


def decide_report(actor, report: ContentReport, *, uphold: bool, note: str = "") -> ContentReport:
    """Uphold (hide the resource from everyone outside its organisation) or dismiss an open report."""
    if not get_scope(actor).has("library:moderate", report.resource.organization):
        raise DomainError(_("Only the owner organisation can handle this report."), code="forbidden")
    new_status = ReportStatus.UPHELD if uphold else ReportStatus.DISMISSED
    with transaction.atomic():
        changed = ContentReport.objects.filter(pk=report.pk, status=ReportStatus.OPEN).update(
            status=new_status, handled_by=actor, handled_at=timezone.now(), decision_note=note.strip()[:300]
        )
        if changed != 1:
            raise DomainError(_("This report has already been handled."), code="stale")
        if uphold:
            Resource.objects.filter(pk=report.resource_id).update(is_hidden=True)
        log_action(
            f"library.report.{new_status}",
            actor=actor,
            organization=report.resource.organization,
            obj=report.resource,
            data={"report": report.pk, "note": note[:300]},
        )
        _enqueue_index(report.resource)
    report.refresh_from_db()
    return report


def restore_resource(actor, resource: Resource) -> None:
    """Show a hidden resource again (after it was corrected)."""
    if not get_scope(actor).has("library:moderate", resource.organization):
        raise DomainError(_("Only the owner organisation can restore this resource."), code="forbidden")
    with transaction.atomic():
        if Resource.objects.filter(pk=resource.pk, is_hidden=True).update(is_hidden=False) != 1:
            raise DomainError(_("This resource is not hidden."), code="stale")
        log_action("library.resource.restored", actor=actor, organization=resource.organization, obj=resource)
        _enqueue_index(resource)
