"""Activities: publishing, public sign-up, check-in, photos."""

import io
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from shuniu.core.audit import log_action
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError
from shuniu.core.validators import normalize_phone, validate_mobile
from shuniu.outreach.models import Activity, ActivityPhoto, ActivitySignup, ActivityStatus, Shift, SignupStatus

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PHOTO_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000


def new_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _index in range(length))


def _require(actor, key: str, organization) -> None:
    if not get_scope(actor).has(key, organization):
        raise DomainError(_("You may not do this for this organisation."), code="forbidden")


def save_activity(actor, activity: Activity, *, partners=None) -> Activity:
    """Create or update an activity of the actor's organisation (form-validated fields)."""
    _require(actor, "outreach:activity_manage", activity.organization)
    if activity.ends_at <= activity.starts_at:
        raise DomainError(_("The activity must end after it starts."))
    created = activity.pk is None
    with transaction.atomic():
        if created:
            activity.created_by = actor
        elif activity.capacity < activity.signups_count:
            raise DomainError(
                _("%(count)d people have already signed up; the capacity cannot be lower than that.")
                % {"count": activity.signups_count}
            )
        activity.save()
        if partners is not None:
            activity.partners.set(partners)
        log_action(
            "outreach.activity.created" if created else "outreach.activity.updated",
            actor=actor,
            organization=activity.organization,
            obj=activity,
        )
    return activity


def publish_activity(actor, activity: Activity) -> None:
    _require(actor, "outreach:activity_manage", activity.organization)
    with transaction.atomic():
        updated = Activity.objects.filter(pk=activity.pk, status=ActivityStatus.DRAFT).update(
            status=ActivityStatus.PUBLISHED, updated_at=timezone.now()
        )
        if updated != 1:
            raise DomainError(_("Only a draft activity can be published."))
        log_action("outreach.activity.published", actor=actor, organization=activity.organization, obj=activity)
    activity.status = ActivityStatus.PUBLISHED


def cancel_activity(actor, activity: Activity) -> None:
    _require(actor, "outreach:activity_manage", activity.organization)
    with transaction.atomic():
        updated = (
            Activity.objects.filter(pk=activity.pk)
            .exclude(status=ActivityStatus.CANCELLED)
            .update(status=ActivityStatus.CANCELLED, updated_at=timezone.now())
        )
        if updated != 1:
            raise DomainError(_("This activity is already cancelled."))
        log_action("outreach.activity.cancelled", actor=actor, organization=activity.organization, obj=activity)
    activity.status = ActivityStatus.CANCELLED


def sign_up_public(activity: Activity, *, name: str, phone: str, needs: str = "") -> ActivitySignup:
    """A member of the public takes one of the activity's places. The place is taken with a
    conditional update, so two people racing for the last place cannot both get it."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Please enter your name."))
    try:
        validate_mobile(phone)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from None
    if activity.status != ActivityStatus.PUBLISHED or activity.is_over:
        raise DomainError(_("This activity is not open for sign-up."))
    if activity.capacity == 0:
        raise DomainError(_("This activity takes no public sign-ups."))
    try:
        with transaction.atomic():
            taken = Activity.objects.filter(
                pk=activity.pk, status=ActivityStatus.PUBLISHED, signups_count__lt=models.F("capacity")
            ).update(signups_count=models.F("signups_count") + 1)
            if taken != 1:
                raise DomainError(_("Sorry, all places are taken."), code="full")
            signup = ActivitySignup.objects.create(
                activity=activity, name=name[:60], phone=normalize_phone(phone), needs=needs[:200], code=new_code()
            )
            log_action("outreach.signup.created", organization=activity.organization, obj=signup)
    except IntegrityError:
        raise DomainError(_("This mobile number has already signed up for this activity.")) from None
    activity.refresh_from_db(fields=["signups_count"])
    return signup


def check_in_signup(actor, signup: ActivitySignup) -> None:
    _require(actor, "outreach:activity_manage", signup.activity.organization)
    with transaction.atomic():
        updated = ActivitySignup.objects.filter(pk=signup.pk, status=SignupStatus.SIGNED_UP).update(
            status=SignupStatus.CHECKED_IN, checked_in_at=timezone.now()
        )
        if updated != 1:
            raise DomainError(_("This person is already checked in or has cancelled."))
        log_action("outreach.signup.checked_in", actor=actor, organization=signup.activity.organization, obj=signup)


def add_shift(actor, shift: Shift) -> Shift:
    activity = shift.activity
    _require(actor, "outreach:activity_manage", activity.organization)
    if shift.ends_at <= shift.starts_at:
        raise DomainError(_("The shift must end after it starts."))
    if shift.starts_at < activity.starts_at - timedelta(hours=12) or shift.ends_at > activity.ends_at + (
        timedelta(hours=12)
    ):
        raise DomainError(_("The shift must be on the day of the activity."))
    with transaction.atomic():
        shift.save()
        log_action(
            "outreach.shift.created",
            actor=actor,
            organization=activity.organization,
            obj=shift,
            data={"slots": shift.slots},
        )
    return shift


def clean_photo(upload) -> tuple[bytes, str, str]:
    """Check an uploaded image by its content (not its name) and re-encode it, dropping metadata.
    Returns (bytes, content type, extension)."""
    if upload.size > PHOTO_MAX_BYTES:
        raise DomainError(_("The photo is larger than 10 MB."))
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.format not in PHOTO_FORMATS:
            raise DomainError(_("Upload a JPEG, PNG or WebP photo."))
        if image.width * image.height > PHOTO_MAX_PIXELS:
            raise DomainError(_("The photo has too many pixels."))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError):
        raise DomainError(_("This file is not a photo we can read. Upload a JPEG, PNG or WebP photo.")) from None
    output = io.BytesIO()
    if image.format == "PNG":
        image.save(output, format="PNG")
        return output.getvalue(), "image/png", "png"
    image.convert("RGB").save(output, format="JPEG", quality=85)
    return output.getvalue(), "image/jpeg", "jpg"


def upload_photo(actor, activity: Activity, upload, caption: str) -> ActivityPhoto:
    _require(actor, "outreach:activity_manage", activity.organization)
    caption = (caption or "").strip()
    if not caption:
        raise DomainError(_("Describe the photo in a few words (read aloud by screen readers)."))
    data, content_type, extension = clean_photo(upload)
    with transaction.atomic():
        photo = ActivityPhoto(activity=activity, content_type=content_type, caption=caption[:200], uploaded_by=actor)
        photo.image.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(data), save=False)
        photo.save()
        log_action("outreach.photo.uploaded", actor=actor, organization=activity.organization, obj=photo)
    return photo
