"""Courses and sessions (read), for portals and other systems listing what is on offer."""

from datetime import datetime
from decimal import Decimal

from ninja import Query, Router, Schema

from shuniu.training.models import Course, Session

from ..base import responses
from ..helpers import page_of, paginate, require

router = Router(tags=["training"])


class CourseOut(Schema):
    id: int
    title: str
    category: str
    organization: str
    hours: Decimal


class SessionOut(Schema):
    id: int
    course_id: int
    course: str
    status: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    confirmed: int


@router.get("/training/courses", response=responses(page_of(CourseOut)), summary="Courses")
def list_courses(request, cursor: str | None = Query(None, max_length=200), limit: int = Query(50, ge=1, le=200)):
    require(request, "training:view")
    courses = Course.objects.visible_to(request.user).select_related("organization")
    return paginate(
        courses,
        cursor,
        limit,
        lambda course: {
            "id": course.pk,
            "title": course.title,
            "category": course.category,
            "organization": course.organization.display_name,
            "hours": course.hours,
        },
    )


@router.get("/training/sessions", response=responses(page_of(SessionOut)), summary="Sessions")
def list_sessions(
    request,
    course_id: int | None = Query(None, ge=1),
    cursor: str | None = Query(None, max_length=200),
    limit: int = Query(50, ge=1, le=200),
):
    require(request, "training:view")
    sessions = Session.objects.visible_to(request.user).select_related("course")
    if course_id:
        sessions = sessions.filter(course_id=course_id)
    return paginate(
        sessions,
        cursor,
        limit,
        lambda session: {
            "id": session.pk,
            "course_id": session.course_id,
            "course": session.course.title,
            "status": session.status,
            "starts_at": session.starts_at,
            "ends_at": session.ends_at,
            "capacity": session.capacity,
            "confirmed": session.confirmed_count,
        },
    )
