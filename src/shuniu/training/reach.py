"""Reach figures (who was trained, how much) and course suggestions for people the organisations serve."""

from collections import defaultdict

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Sum
from django.utils import timezone

from shuniu.core.scoping import get_scope
from shuniu.people.models import Person, PersonTag, Tag
from shuniu.training.models import (
    Attendance,
    CourseCategory,
    Enrollment,
    EnrollmentStatus,
    Feedback,
    Session,
    SessionStatus,
    TargetGroup,
)

# Circumstances recorded in the people registry (by the rights and relief work) → the courses that help.
TAG_CATEGORIES = {
    Tag.UNEMPLOYED: [CourseCategory.EMPLOYMENT],
    Tag.WORKER_IN_HARDSHIP: [CourseCategory.EMPLOYMENT, CourseCategory.GENERAL_COMPETENCE],
    Tag.IN_DIFFICULTY: [CourseCategory.EMPLOYMENT],
    Tag.LOW_INCOME: [CourseCategory.EMPLOYMENT],
    Tag.SINGLE_PARENT: [CourseCategory.EMPLOYMENT, CourseCategory.SPECIAL_GROUPS],
    Tag.DISABILITY: [CourseCategory.SPECIAL_GROUPS, CourseCategory.EMPLOYMENT],
    Tag.LEFT_BEHIND_CHILD: [CourseCategory.SPECIAL_GROUPS],
    Tag.ELDERLY_ALONE: [CourseCategory.SPECIAL_GROUPS, CourseCategory.GENERAL_COMPETENCE],
    Tag.STUDENT: [CourseCategory.THEMATIC_EDUCATION],
}

# …and the target groups whose courses fit them best.
TAG_GROUPS = {
    Tag.UNEMPLOYED: TargetGroup.JOB_SEEKERS,
    Tag.WORKER_IN_HARDSHIP: TargetGroup.WORKERS,
    Tag.IN_DIFFICULTY: TargetGroup.JOB_SEEKERS,
    Tag.LOW_INCOME: TargetGroup.JOB_SEEKERS,
    Tag.SINGLE_PARENT: TargetGroup.WOMEN,
    Tag.DISABILITY: TargetGroup.DISABLED,
    Tag.LEFT_BEHIND_CHILD: TargetGroup.CHILDREN,
    Tag.ELDERLY_ALONE: TargetGroup.ELDERLY,
    Tag.STUDENT: TargetGroup.YOUTH,
}


def instructor_ratings(instructor_ids) -> dict[int, tuple[float, int]]:
    """Average rating of sessions each instructor taught a lesson in."""
    result = {}
    rows = (
        Feedback.objects.filter(enrollment__session__lessons__instructor_id__in=list(instructor_ids))
        .values("enrollment__session__lessons__instructor_id", "pk", "rating")
        .distinct()
    )
    sums = defaultdict(lambda: [0, 0])
    for row in rows:
        bucket = sums[row["enrollment__session__lessons__instructor_id"]]
        bucket[0] += row["rating"]
        bucket[1] += 1
    for instructor_id, (total, count) in sums.items():
        result[instructor_id] = (round(total / count, 1), count)
    return result


def reach_figures(user) -> dict:
    sessions = Session.objects.visible_to(user).exclude(status=SessionStatus.CANCELLED)
    enrollments = Enrollment.objects.filter(session__in=sessions, status=EnrollmentStatus.CONFIRMED)
    by_org = {
        row["session__organization__name"]: row
        for row in enrollments.values("session__organization__name").annotate(
            participants=Count("person", distinct=True), places=Count("id"), completed=Count("completed_at")
        )
    }
    session_counts = dict(sessions.values_list("organization__name").annotate(n=Count("id")))
    duration = ExpressionWrapper(F("lesson__ends_at") - F("lesson__starts_at"), output_field=DurationField())
    hours = {
        row["lesson__session__organization__name"]: row["total"]
        for row in Attendance.objects.filter(lesson__session__in=sessions)
        .values("lesson__session__organization__name")
        .annotate(total=Sum(duration))
    }
    organisations = []
    for name in sorted(set(session_counts) | set(by_org)):
        row = by_org.get(name, {})
        total = hours.get(name)
        organisations.append(
            {
                "name": name,
                "sessions": session_counts.get(name, 0),
                "participants": row.get("participants", 0),
                "completed": row.get("completed", 0),
                "hours": round(total.total_seconds() / 3600, 1) if total else 0,
            }
        )
    labels = dict(CourseCategory.choices)
    by_category = [
        {
            "label": labels.get(row["session__course__category"], row["session__course__category"]),
            "participants": row["n"],
        }
        for row in enrollments.values("session__course__category")
        .annotate(n=Count("person", distinct=True))
        .order_by("-n")
    ]
    group_counts = defaultdict(int)
    for groups, count in enrollments.values_list("session__course__target_groups").annotate(n=Count("id")):
        for value in (groups or "").strip(",").split(","):
            if value:
                group_counts[value] += count
    group_labels = dict(TargetGroup.choices)
    by_group = sorted(
        ({"label": group_labels.get(key, key), "places": value} for key, value in group_counts.items()),
        key=lambda item: -item["places"],
    )
    rating = Feedback.objects.filter(enrollment__session__in=sessions).aggregate(avg=Avg("rating"), n=Count("id"))
    return {
        "organisations": organisations,
        "by_category": by_category,
        "by_group": by_group,
        "rating": rating,
        "totals": {
            "sessions": sum(row["sessions"] for row in organisations),
            "participants": enrollments.values("person").distinct().count(),
            "hours": round(sum(row["hours"] for row in organisations), 1),
        },
        "is_district": get_scope(user).is_district,
    }


def suggestions_for(user, limit: int = 40) -> list[dict]:
    """People the user's organisation serves whose circumstances match a course category, with open sessions."""
    now = timezone.now()
    tags = (
        PersonTag.objects.filter(person__in=Person.objects.visible_to(user), tag__in=list(TAG_CATEGORIES))
        .select_related("person")
        .order_by("-created_at")[: limit * 3]
    )
    people: dict[int, dict] = {}
    for tag in tags:
        entry = people.setdefault(tag.person_id, {"person": tag.person, "tags": [], "categories": [], "groups": set()})
        entry["tags"].append(tag.get_tag_display())
        entry["groups"].add(str(TAG_GROUPS[tag.tag]))
        for category in TAG_CATEGORIES[tag.tag]:
            if category not in entry["categories"]:
                entry["categories"].append(category)
        if len(people) >= limit:
            break
    if not people:
        return []
    busy = set(
        Enrollment.objects.active()
        .filter(person_id__in=list(people), session__ends_at__gt=now)
        .values_list("person_id", flat=True)
    )
    categories = {category for entry in people.values() for category in entry["categories"]}
    open_sessions = list(
        Session.objects.open_for_enrollment(now)
        .filter(course__category__in=categories, course__is_published=True)
        .select_related("course", "organization")
        .order_by("starts_at")[:200]
    )
    scope = get_scope(user)
    rows = []
    for person_id, entry in people.items():
        if person_id in busy:
            continue
        matches = [s for s in open_sessions if s.course.category in entry["categories"]]
        fitting = [s for s in matches if set(s.course.target_group_list) & (entry["groups"] | {"everyone"})]
        matches = fitting or matches
        matches.sort(key=lambda s: (s.places_left == 0, s.starts_at))
        for session in matches[:3]:
            session.can_enroll = scope.has("training:manage", session.organization)
        entry["sessions"] = matches[:3]
        rows.append(entry)
    return rows
