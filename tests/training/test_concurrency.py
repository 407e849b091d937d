"""Enrolment under concurrent requests never overbooks (the session row is locked)."""

import threading

import pytest
from django.db import connection, connections

from shuniu.core.services import DomainError
from shuniu.training import services
from shuniu.training.models import Enrollment, EnrollmentStatus, Session
from tests.training.helpers import make_person, make_session


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_enrolments_for_the_last_places_never_overbook():
    from tests.world import build_world

    world = build_world()
    session = make_session(world, capacity=3)
    people = [make_person(world, name=f"学员{i}") for i in range(8)]
    barrier = threading.Barrier(len(people))
    results, errors = [], []

    def enrol(person):
        try:
            barrier.wait()
            results.append(services.enroll(Session.objects.get(pk=session.pk), person).status)
        except DomainError as error:
            errors.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enrol, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

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
    barrier = threading.Barrier(2)

    def cancel(enrollment):
        try:
            barrier.wait()
            services.cancel_enrollment(Enrollment.objects.get(pk=enrollment.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(enrollment,)) for enrollment in confirmed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = list(
        Enrollment.objects.filter(pk__in=[e.pk for e in waiting]).order_by("pk").values_list("status", flat=True)
    )
    assert statuses == ["confirmed", "confirmed", "waitlisted"]
    assert Enrollment.objects.filter(session=session, status=EnrollmentStatus.CONFIRMED).count() == 2
