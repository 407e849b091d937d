"""Volunteers: registration, shift sign-up, check-in/out, hours confirmed by the organiser only."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shuniu.core.services import DomainError
from shuniu.outreach.certificate import certificate_pdf
from shuniu.outreach.models import HoursStatus, Shift, Volunteer, VolunteerHours, VolunteerShiftStatus
from shuniu.outreach.services import volunteers as services
from tests.outreach import factories as f


def test_register_volunteer_keeps_phone_encrypted_and_refuses_a_second_registration(db):
    volunteer = services.register_volunteer(name="李志愿", phone="139 1234 5678", skills=["sign_language", "bogus"])

    assert volunteer.skills == ["sign_language"]
    assert volunteer.phone == "13912345678"
    assert volunteer.phone_last4 == "5678"
    assert services.find_volunteer(volunteer.code.lower(), "5678") == volunteer
    assert services.find_volunteer(volunteer.code, "0000") is None
    with pytest.raises(DomainError) as refused:
        services.register_volunteer(name="别人", phone="13912345678")
    assert refused.value.code == "duplicate"
    assert Volunteer.objects.count() == 1


def test_shift_needing_a_skill_refuses_volunteer_without_it(world):
    shift = f.make_shift(f.make_activity(world), required_skill="sign_language")
    volunteer = f.make_volunteer(skills=["first_aid"])

    with pytest.raises(DomainError):
        services.sign_up_for_shift(volunteer, shift)
    shift.refresh_from_db()
    assert shift.taken == 0
    assert volunteer.shifts.count() == 0


def test_full_shift_refuses_and_counts_stay_exact(world):
    shift = f.make_shift(f.make_activity(world), slots=1)
    first = f.make_volunteer(phone="13900000001")
    second = f.make_volunteer(phone="13900000002")

    services.sign_up_for_shift(first, shift)
    with pytest.raises(DomainError) as refused:
        services.sign_up_for_shift(second, shift)

    assert refused.value.code == "full"
    assert Shift.objects.get(pk=shift.pk).taken == 1
    assert second.shifts.count() == 0


def test_check_in_and_out_records_minutes_within_the_shift_and_notifies_the_organiser(
    world, django_capture_on_commit_callbacks
):
    activity = f.make_activity(world)
    shift = f.make_shift(activity)
    volunteer = f.make_volunteer()
    assignment = services.sign_up_for_shift(volunteer, shift)

    with time_machine.travel(shift.starts_at - timedelta(hours=2), tick=False), pytest.raises(DomainError):
        services.check_in(assignment)
    with time_machine.travel(shift.starts_at - timedelta(minutes=10), tick=False):
        services.check_in(assignment)
    with (
        time_machine.travel(shift.starts_at + timedelta(minutes=95), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        hours = services.check_out(assignment)

    assignment.refresh_from_db()
    assert assignment.status == VolunteerShiftStatus.CHECKED_OUT
    assert hours.recorded_minutes == 95  # time before the shift starts does not count
    assert hours.status == HoursStatus.PENDING
    assert world.caseworker.notifications.filter(url="/outreach/hours/").count() == 1
    with pytest.raises(DomainError):
        services.check_out(assignment)
    assert VolunteerHours.objects.count() == 1


def test_organiser_confirms_hours_and_certificate_counts_them(world, caseworker):
    hours = f.make_pending_hours(world, minutes=90)

    services.confirm_hours(caseworker, hours, 80)

    hours.refresh_from_db()
    assert (hours.status, hours.confirmed_minutes, hours.decided_by) == (HoursStatus.CONFIRMED, 80, caseworker)
    assert services.confirmed_minutes(hours.volunteer) == 80
    pdf = certificate_pdf(hours.volunteer)
    assert pdf.startswith(b"%PDF")
    with pytest.raises(DomainError):
        services.confirm_hours(caseworker, hours, 80)


def test_volunteer_cannot_confirm_own_hours(world, caseworker):
    volunteer = f.make_volunteer(world.org_a)
    volunteer.user = caseworker
    volunteer.save()
    hours = f.make_pending_hours(world, volunteer=volunteer)

    with pytest.raises(DomainError) as refused:
        services.confirm_hours(caseworker, hours)

    assert refused.value.code == "own"
    hours.refresh_from_db()
    assert (hours.status, hours.confirmed_minutes, hours.decided_by) == (HoursStatus.PENDING, None, None)


def test_outsider_cannot_confirm_hours_of_another_organisation(world, outsider, client_for):
    hours = f.make_pending_hours(world)

    response = client_for(outsider).post(f"/outreach/hours/{hours.pk}/decide/", {"decision": "confirm"})

    assert response.status_code == 404
    hours.refresh_from_db()
    assert hours.status == HoursStatus.PENDING


def test_confirmed_minutes_cannot_exceed_the_shift(world, caseworker):
    hours = f.make_pending_hours(world, minutes=90)

    with pytest.raises(DomainError):
        services.confirm_hours(caseworker, hours, 121)

    hours.refresh_from_db()
    assert hours.status == HoursStatus.PENDING


def test_reject_needs_a_reason(world, caseworker):
    hours = f.make_pending_hours(world)

    with pytest.raises(DomainError):
        services.reject_hours(caseworker, hours, " ")
    services.reject_hours(caseworker, hours, "未到岗")

    hours.refresh_from_db()
    assert (hours.status, hours.note) == (HoursStatus.REJECTED, "未到岗")


def test_matching_lists_volunteers_with_the_needed_skill(world):
    activity = f.make_activity(world, needed_skills=["sign_language"])
    signer = f.make_volunteer(phone="13900000001", name="手语志愿者", skills=["sign_language"])
    f.make_volunteer(phone="13900000002", name="急救志愿者", skills=["first_aid"])

    assert services.matching_volunteers(activity) == [signer]


def test_activity_signup_is_once_per_phone_and_never_beyond_capacity(world):
    from shuniu.outreach.services.activities import sign_up_public

    activity = f.make_activity(world, capacity=1)
    sign_up_public(activity, name="张三", phone="13700001111")

    with pytest.raises(DomainError):
        sign_up_public(activity, name="张三", phone="137 0000 1111")
    with pytest.raises(DomainError) as full:
        sign_up_public(activity, name="李四", phone="13700002222")

    activity.refresh_from_db()
    assert full.value.code == "full"
    assert (activity.signups_count, activity.signups.count()) == (1, 1)


def test_past_activity_takes_no_signups(world):
    from shuniu.outreach.services.activities import sign_up_public

    activity = f.make_activity(world, start_in=-timedelta(days=2))

    with pytest.raises(DomainError):
        sign_up_public(activity, name="张三", phone="13700001111")
    assert activity.signups.count() == 0
    assert activity.ends_at < timezone.now()
