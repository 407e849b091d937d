"""Volunteers: registration, shifts, check-in and check-out, hours confirmed by the organiser."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.fields import blind_index_for
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError, notify_role
from shuniu.core.validators import normalize_phone, validate_mobile
from shuniu.outreach.models import (
    ActivityStatus,
    HoursStatus,
    Shift,
    Skill,
    Volunteer,
    VolunteerHours,
    VolunteerShift,
    VolunteerShiftStatus,
)
from shuniu.outreach.models.volunteers import Availability
from shuniu.outreach.services.activities import new_code

# A volunteer may check in up to an hour before the shift and until it ends.
CHECK_IN_EARLY = timedelta(hours=1)
ORGANISER_ROLES = ("caseworker", "supervisor", "org_admin")


def register_volunteer(*, name: str, phone: str, skills=(), availability=(), community=None, organization=None):
    """Register a member of the public as a volunteer; returns the volunteer with their code."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Please enter your name."))
    try:
        validate_mobile(phone)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from None
    skills = [skill for skill in skills if skill in Skill.values]
    availability = [slot for slot in availability if slot in Availability.values]
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                name=name[:60],
                phone=normalize_phone(phone),
                skills=skills,
                availability=availability,
                community=community,
                organization=organization,
                code=new_code(10),
            )
            log_action("outreach.volunteer.registered", organization=organization, obj=volunteer)
    except IntegrityError:
        raise DomainError(
            _("This mobile number is already registered as a volunteer. Open your volunteer page with your code."),
            code="duplicate",
        ) from None
    return volunteer


def find_volunteer(code: str, phone_last4: str) -> Volunteer | None:
    """The volunteer with this code whose phone ends in these four digits (both must match)."""
    code = (code or "").strip().upper()
    phone_last4 = (phone_last4 or "").strip()
    if not code or len(phone_last4) != 4:
        return None
    return Volunteer.objects.filter(code=code, phone_last4=phone_last4, is_active=True).first()


def volunteer_by_phone(phone: str) -> Volunteer | None:
    index = blind_index_for(Volunteer, "phone_index", normalize_phone(phone))
    return Volunteer.objects.filter(phone_index=index).first()


def sign_up_for_shift(volunteer: Volunteer, shift: Shift) -> VolunteerShift:
    """Take a place on a shift; the place is taken with a conditional update (no overbooking)."""
    activity = shift.activity
    if not volunteer.is_active:
        raise DomainError(_("This volunteer registration is not active."))
    if activity.status != ActivityStatus.PUBLISHED or shift.ends_at <= timezone.now():
        raise DomainError(_("This shift is not open for sign-up."))
    if shift.required_skill and shift.required_skill not in volunteer.skills:
        raise DomainError(
            _("This shift needs the skill “%(skill)s”; add it to your registration if you have it.")
            % {"skill": Skill(shift.required_skill).label}
        )
    try:
        with transaction.atomic():
            taken = Shift.objects.filter(pk=shift.pk, taken__lt=models.F("slots")).update(taken=models.F("taken") + 1)
            if taken != 1:
                raise DomainError(_("Sorry, this shift is full."), code="full")
            assignment = VolunteerShift.objects.create(shift=shift, volunteer=volunteer)
            log_action("outreach.shift.signed_up", organization=activity.organization, obj=assignment)
    except IntegrityError:
        raise DomainError(_("You have already signed up for this shift.")) from None
    return assignment


def cancel_shift(assignment: VolunteerShift) -> None:
    with transaction.atomic():
        updated = VolunteerShift.objects.filter(pk=assignment.pk, status=VolunteerShiftStatus.SIGNED_UP).update(
            status=VolunteerShiftStatus.CANCELLED
        )
        if updated != 1:
            raise DomainError(_("Only a shift you have not started can be cancelled."))
        Shift.objects.filter(pk=assignment.shift_id, taken__gt=0).update(taken=models.F("taken") - 1)
        log_action("outreach.shift.cancelled", organization=assignment.shift.activity.organization, obj=assignment)


def check_in(assignment: VolunteerShift) -> None:
    """The volunteer arrives: allowed from an hour before the shift until its end."""
    now = timezone.now()
    shift = assignment.shift
    if now < shift.starts_at - CHECK_IN_EARLY:
        raise DomainError(
            _("Check-in opens one hour before the shift starts (%(time)s).")
            % {"time": timezone.localtime(shift.starts_at - CHECK_IN_EARLY).strftime("%Y-%m-%d %H:%M")}
        )
    if now > shift.ends_at:
        raise DomainError(_("This shift has ended; ask the organiser to record your hours."))
    with transaction.atomic():
        updated = VolunteerShift.objects.filter(pk=assignment.pk, status=VolunteerShiftStatus.SIGNED_UP).update(
            status=VolunteerShiftStatus.CHECKED_IN, checked_in_at=now
        )
        if updated != 1:
            raise DomainError(_("You have already checked in for this shift."))
        log_action("outreach.shift.checked_in", organization=shift.activity.organization, obj=assignment)
    assignment.status, assignment.checked_in_at = VolunteerShiftStatus.CHECKED_IN, now


def worked_minutes(shift: Shift, checked_in_at, checked_out_at) -> int:
    """Time on the shift: from check-in (not before the shift starts) to check-out (not after it ends)."""
    start = max(checked_in_at, shift.starts_at)
    end = min(checked_out_at, shift.ends_at)
    return max(int((end - start).total_seconds() // 60), 0)


def check_out(assignment: VolunteerShift) -> VolunteerHours:
    """The volunteer leaves: their hours are recorded and wait for the organiser's confirmation."""
    now = timezone.now()
    shift = assignment.shift
    activity = shift.activity
    with transaction.atomic():
        updated = VolunteerShift.objects.filter(pk=assignment.pk, status=VolunteerShiftStatus.CHECKED_IN).update(
            status=VolunteerShiftStatus.CHECKED_OUT, checked_out_at=now
        )
        if updated != 1:
            raise DomainError(_("Check in first; you can check out only once."))
        assignment.refresh_from_db()
        hours = VolunteerHours.objects.create(
            assignment=assignment,
            volunteer=assignment.volunteer,
            recorded_minutes=worked_minutes(shift, assignment.checked_in_at, now),
        )
        log_action(
            "outreach.hours.recorded",
            organization=activity.organization,
            obj=hours,
            data={"minutes": hours.recorded_minutes},
        )
        url = reverse("outreach:hours_queue")
        transaction.on_commit(
            lambda: notify_role(
                activity.organization,
                ORGANISER_ROLES,
                _("Volunteer hours to confirm: %(activity)s") % {"activity": activity.title},
                url=url,
                dedupe_key=f"outreach.hours.{hours.pk}",
            )
        )
    return hours


def _guard_decision(actor, hours: VolunteerHours) -> None:
    organization = hours.assignment.shift.activity.organization
    if not get_scope(actor).has("outreach:hours_confirm", organization):
        raise DomainError(_("Only the organiser of the activity can confirm hours."), code="forbidden")
    if hours.volunteer.user_id is not None and hours.volunteer.user_id == actor.pk:
        raise DomainError(_("You cannot confirm your own volunteer hours; another organiser must do it."), code="own")
    actor_phone = normalize_phone(getattr(actor, "phone", "") or "")
    if actor_phone and normalize_phone(hours.volunteer.phone) == actor_phone:
        raise DomainError(_("You cannot confirm your own volunteer hours; another organiser must do it."), code="own")


def confirm_hours(actor, hours: VolunteerHours, minutes: int | None = None) -> None:
    """The organiser confirms (optionally corrects) the recorded time. Never the volunteer themself."""
    _guard_decision(actor, hours)
    shift = hours.assignment.shift
    longest = int((shift.ends_at - shift.starts_at).total_seconds() // 60)
    minutes = hours.recorded_minutes if minutes is None else minutes
    if minutes <= 0 or minutes > longest:
        raise DomainError(
            _("Confirmed time must be between 1 and %(longest)d minutes (the length of the shift).")
            % {"longest": longest}
        )
    with transaction.atomic():
        updated = VolunteerHours.objects.filter(pk=hours.pk, status=HoursStatus.PENDING).update(
            status=HoursStatus.CONFIRMED, confirmed_minutes=minutes, decided_by=actor, decided_at=timezone.now()
        )
        if updated != 1:
            raise DomainError(_("These hours have already been decided."))
        log_action(
            "outreach.hours.confirmed",
            actor=actor,
            organization=shift.activity.organization,
            obj=hours,
            data={"recorded": hours.recorded_minutes, "confirmed": minutes},
        )
    hours.refresh_from_db()


def reject_hours(actor, hours: VolunteerHours, note: str) -> None:
    _guard_decision(actor, hours)
    note = (note or "").strip()
    if len(note) < 2:
        raise DomainError(_("Say why the hours are not confirmed; the volunteer will see it."))
    with transaction.atomic():
        updated = VolunteerHours.objects.filter(pk=hours.pk, status=HoursStatus.PENDING).update(
            status=HoursStatus.REJECTED, note=note[:200], decided_by=actor, decided_at=timezone.now()
        )
        if updated != 1:
            raise DomainError(_("These hours have already been decided."))
        log_action(
            "outreach.hours.rejected",
            actor=actor,
            organization=hours.assignment.shift.activity.organization,
            obj=hours,
            data={"note": note[:200]},
        )
    hours.refresh_from_db()


def confirmed_minutes(volunteer: Volunteer) -> int:
    total = volunteer.hours.filter(status=HoursStatus.CONFIRMED).aggregate(total=models.Sum("confirmed_minutes"))
    return total["total"] or 0


def matching_volunteers(activity, limit: int = 50):
    """Active volunteers of the district pool with one of the skills the activity needs. The
    pool is shared by all organisations (that is the point of a hub); pages show only names,
    skills and masked phones of volunteers not yet working with the organisation."""
    if not activity.needed_skills:
        return []
    query = models.Q()
    for skill in activity.needed_skills:
        query |= models.Q(skills__icontains=f'"{skill}"')
    return list(Volunteer.objects.filter(is_active=True).filter(query).order_by("name", "id")[:limit])
