"""Enrolment under concurrent requests never overbooks (the session row is locked)."""

import pytest
from django.db import connection

from shuniu.core.services import DomainError
from shuniu.training import services
from shuniu.training.models import Enrollment, EnrollmentStatus, Session
from tests.concurrency import race
from tests.training.helpers import make_person, make_session


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolments_for_the_last_places_never_overbook():
    from tests.world import build_world

    world = build_world()
    session = make_session(world, capacity=3)
    people = [make_person(world, name=f"学员{i}") for i in range(8)]

    outcomes = race(
        [lambda person=person: services.enroll(Session.objects.get(pk=session.pk), person) for person in people]
    )

    errors = [outcome.code for outcome in outcomes if isinstance(outcome, DomainError)]
    results = [outcome.status for outcome in outcomes if not isinstance(outcome, DomainError)]
    assert errors == []
    assert sorted(results) == ["confirmed"] * 3 + ["waitlisted"] * 5
    assert Enrollment.objects.filter(session=session, status=EnrollmentStatus.CONFIRMED).count() == 3
    session.refresh_from_db()
    assert (session.confirmed_count, session.waitlist_count) == (3, 5)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_cancellations_promote_each_waiting_person_once():
    from tests.world import build_world

    world = build_world()
    session = make_session(world, capacity=2)
    confirmed = [services.enroll(session, make_person(world)) for _ in range(2)]
    waiting = [services.enroll(session, make_person(world)) for _ in range(3)]

    outcomes = race(
        [
            lambda enrollment=enrollment: services.cancel_enrollment(Enrollment.objects.get(pk=enrollment.pk))
            for enrollment in confirmed
        ]
    )

    assert [outcome for outcome in outcomes if isinstance(outcome, DomainError)] == []
    statuses = list(
        Enrollment.objects.filter(pk__in=[e.pk for e in waiting]).order_by("pk").values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert Enrollment.objects.filter(session=session, status=EnrollmentStatus.CONFIRMED).count() == 2
