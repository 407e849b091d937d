"""Builders for training tests: records belong to the world's org_a (the Women's Federation)."""

from datetime import timedelta

from django.utils import timezone

from shuniu.people.models import Person, Serving
from shuniu.training import services
from shuniu.training.models import Course, CourseCategory, CourseRequest, Instructor, Venue, VenueKind

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_venue(world, organization=None, capacity=40, **extra) -> Venue:
    return Venue.objects.create(
        organization=organization or world.org_a,
        name=extra.pop("name", f"妇女儿童活动中心{_next()}"),
        kind=extra.pop("kind", VenueKind.TRAINING_BASE),
        street=world.street,
        address="东湖路1号",
        capacity=capacity,
        step_free=True,
        **extra,
    )


def make_instructor(world, organization=None, **extra) -> Instructor:
    return Instructor.objects.create(
        organization=organization or world.org_a,
        name=extra.pop("name", f"李老师{_next()}"),
        expertise="家庭教育,心理",
        **extra,
    )


def make_course(world, organization=None, category=CourseCategory.EMPLOYMENT, **extra) -> Course:
    course = Course(
        organization=organization or world.org_a,
        title=extra.pop("title", "家政服务技能培训"),
        category=category,
        description="面向待业妇女的家政技能课程",
        hours=extra.pop("hours", 4),
        **extra,
    )
    course.set_target_groups(["women", "job_seekers"])
    course.save()
    return course


def make_session(
    world, *, capacity=2, lessons=1, starts_in=timedelta(days=3), course=None, venue=None, instructor=None
):
    course = course or make_course(world)
    start = (timezone.now() + starts_in).replace(microsecond=0)
    return services.create_session(
        course=course,
        actor=world.caseworker,
        plans=services.weekly_plan(start, 90, lessons),
        venue=venue or make_venue(world),
        instructor=instructor if instructor is not None else make_instructor(world),
        capacity=capacity,
    )


def make_person(world, name="王芳", phone="", organization=None) -> Person:
    phone = phone or f"138{_next():08d}"
    person = Person.objects.create(name=name, phone=phone)
    Serving.objects.create(person=person, organization=organization or world.org_a)
    return person


def make_request(world, course=None) -> CourseRequest:
    course = course or make_course(world)
    return services.submit_course_request(
        course,
        requester_kind="community",
        requester_name="和平社区居委会",
        contact_name="张主任",
        contact_phone="13900001111",
        group_size=20,
        preferred_time="周六上午",
        note="",
    )


def lesson_now(session):
    """Move the session's first lesson to now (started ten minutes ago) so check-in is open."""
    lesson = session.lessons.order_by("starts_at").first()
    now = timezone.now()
    type(lesson).objects.filter(pk=lesson.pk).update(
        starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(minutes=80)
    )
    lesson.refresh_from_db()
    return lesson
