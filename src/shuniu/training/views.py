"""Staff pages of the training network (/training/). Everything is built from `visible_to(user)`:
another organisation's sessions, rosters and requests are a 404. Changes go through services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.people.models import Person
from shuniu.people.services import find_or_create_person
from shuniu.training import documents, reach, services
from shuniu.training.forms import CourseForm, InstructorForm, ReasonForm, SessionForm, StaffEnrollForm, VenueForm
from shuniu.training.models import (
    Certificate,
    Course,
    CourseCategory,
    CourseRequest,
    Enrollment,
    EnrollmentStatus,
    Feedback,
    Instructor,
    Lesson,
    RequestStatus,
    Session,
    SessionStatus,
    Venue,
)
from shuniu.training.public_views import lesson_check_in_url

PAGE_SIZE = 50


def _require_manage(request, organization) -> None:
    if not get_scope(request.user).has("training:manage", organization):
        raise PermissionDenied


def _managing_organization(request):
    """The organisation new courses, venues and instructors belong to: the first where the user may manage."""
    scope = get_scope(request.user)
    for membership in scope.memberships:
        if scope.has("training:manage", membership.organization):
            return membership.organization
    raise PermissionDenied


@permission_required("training:view")
def index(request):
    now = timezone.now()
    sessions = (
        Session.objects.visible_to(request.user)
        .filter(ends_at__gt=now)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("course", "organization")
        .order_by("starts_at")
    )
    courses = (
        Course.objects.visible_to(request.user).select_related("organization").annotate(session_count=Count("sessions"))
    )
    # ?category= comes from the cockpit's click-through (training by category).
    category = request.GET.get("category", "")
    if category in CourseCategory.values:
        sessions = sessions.filter(course__category=category)
        courses = courses.filter(category=category)
    else:
        category = ""
    sessions = sessions[:30]
    before = request.GET.get("before")
    if before and before.isdigit():
        courses = courses.filter(id__lt=int(before))
    rows = list(courses.order_by("-id")[: PAGE_SIZE + 1])
    pending = CourseRequest.objects.visible_to(request.user).filter(status=RequestStatus.PENDING).count()
    return render(
        request,
        "training/index.html",
        {
            "sessions": sessions,
            "courses": rows[:PAGE_SIZE],
            "next_before": rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None,
            "pending_requests": pending,
            "can_manage": get_scope(request.user).has("training:manage"),
            "category": category,
            "category_label": CourseCategory(category).label if category else "",
        },
    )


@permission_required("training:manage")
def course_create(request):
    organization = _managing_organization(request)
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.organization = organization
        course = form.save()
        log_action("training.course.created", actor=request.user, organization=organization, obj=course)
        messages.success(request, _("The course is on the menu. Now schedule a session."))
        return redirect("training:course_detail", pk=course.pk)
    return render(
        request, "training/form.html", {"form": form, "title": _("New course"), "back": reverse("training:index")}
    )


@permission_required("training:view")
def course_detail(request, pk: int):
    course = get_visible_or_404(Course.objects.select_related("organization"), request.user, pk=pk)
    sessions = course.sessions.select_related("street").order_by("-starts_at")[:50]
    rating = Feedback.objects.filter(enrollment__session__course=course).aggregate(avg=Avg("rating"), n=Count("id"))
    return render(
        request,
        "training/course_detail.html",
        {
            "course": course,
            "sessions": sessions,
            "rating": rating,
            "can_manage": get_scope(request.user).has("training:manage", course.organization),
        },
    )


@permission_required("training:manage")
def course_edit(request, pk: int):
    course = get_visible_or_404(Course.objects.all(), request.user, pk=pk)
    _require_manage(request, course.organization)
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        form.save()
        log_action("training.course.updated", actor=request.user, organization=course.organization, obj=course)
        messages.success(request, _("Saved."))
        return redirect("training:course_detail", pk=course.pk)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("Edit course"), "back": reverse("training:course_detail", args=[pk])},
    )


@permission_required("training:manage")
def session_create(request, pk: int):
    course = get_visible_or_404(Course.objects.select_related("organization"), request.user, pk=pk)
    _require_manage(request, course.organization)
    course_request = None
    request_id = request.GET.get("request") or request.POST.get("request")
    if request_id and str(request_id).isdigit():
        course_request = get_visible_or_404(
            CourseRequest.objects.all(), request.user, pk=int(request_id), course=course
        )
    initial = {"capacity": course_request.group_size} if course_request else None
    form = SessionForm(request.POST or None, initial=initial)
    conflicts = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans = services.weekly_plan(data["first_start"], data["minutes"], data["lesson_count"], data["every_days"])
            session = services.create_session(
                course=course,
                actor=request.user,
                plans=plans,
                venue=data["venue"],
                instructor=data["instructor"],
                capacity=data["capacity"],
                enrollment_closes_at=data["enrollment_closes_at"],
                note=data["note"],
                course_request=course_request,
            )
        except DomainError as error:
            form.add_error(None, error.message)
            if error.code in ("venue_booked", "instructor_booked"):
                conflicts = list(services.booking_conflicts(data["venue"], data["instructor"], plans)[:10])
        else:
            messages.success(request, _("The session is scheduled and open for enrolment."))
            return redirect("training:session_detail", pk=session.pk)
    return render(
        request,
        "training/session_form.html",
        {"form": form, "course": course, "course_request": course_request, "conflicts": conflicts},
    )


def _visible_session(request, pk):
    return get_visible_or_404(Session.objects.select_related("course", "organization", "street"), request.user, pk=pk)


@permission_required("training:view")
def session_detail(request, pk: int):
    session = _visible_session(request, pk)
    enrollments = list(
        session.enrollments.select_related("person", "certificate").order_by(
            "status", "waitlisted_at", "created_at", "pk"
        )
    )
    lessons = list(session.lessons.select_related("venue", "instructor").annotate(present=Count("attendances")))
    attended = dict(Enrollment.objects.filter(session=session).annotate(n=Count("attendances")).values_list("pk", "n"))
    for enrollment in enrollments:
        enrollment.attended = attended.get(enrollment.pk, 0)
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "confirmed": [e for e in enrollments if e.status == EnrollmentStatus.CONFIRMED],
            "waitlisted": [e for e in enrollments if e.status == EnrollmentStatus.WAITLISTED],
            "cancelled": [e for e in enrollments if e.status == EnrollmentStatus.CANCELLED],
            "lessons": lessons,
            "enroll_form": StaffEnrollForm(),
            "reason_form": ReasonForm(),
            "can_manage": get_scope(request.user).has("training:manage", session.organization),
            "now": timezone.now(),
        },
    )


@permission_required("training:manage")
@require_POST
def session_enroll(request, pk: int):
    session = _visible_session(request, pk)
    _require_manage(request, session.organization)
    person = None
    if request.POST.get("person", "").isdigit():
        person = get_visible_or_404(Person.objects.all(), request.user, pk=int(request.POST["person"]))
    else:
        form = StaffEnrollForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return redirect("training:session_detail", pk=pk)
    try:
        if person is None:
            person, _created = find_or_create_person(
                name=form.cleaned_data["name"],
                organization=session.organization,
                actor=request.user,
                phone=form.cleaned_data["phone"],
            )
        enrollment = services.enroll(session, person, actor=request.user, channel="staff")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if enrollment.status == EnrollmentStatus.WAITLISTED:
            messages.warning(request, _("%(name)s is on the waitlist.") % {"name": person.name})
        else:
            messages.success(request, _("%(name)s is enrolled.") % {"name": person.name})
    return redirect(
        request.POST.get("back")
        if request.POST.get("back", "").startswith("/training/")
        else reverse("training:session_detail", args=[pk])
    )


@permission_required("training:manage")
@require_POST
def enrollment_cancel(request, pk: int):
    enrollment = get_visible_or_404(Enrollment.objects.select_related("session"), request.user, pk=pk)
    _require_manage(request, enrollment.session.organization)
    try:
        promoted = services.cancel_enrollment(enrollment, actor=request.user, reason="by_staff")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The place is cancelled."))
        if promoted:
            messages.info(
                request,
                _("%(name)s moved up from the waitlist and was sent a message.") % {"name": promoted.person.name},
            )
    return redirect("training:session_detail", pk=enrollment.session_id)


@permission_required("training:manage")
@require_POST
def session_cancel(request, pk: int):
    session = _visible_session(request, pk)
    _require_manage(request, session.organization)
    try:
        count = services.cancel_session(session, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The session is cancelled; %(count)d participant(s) were sent a message.") % {"count": count}
        )
    return redirect("training:session_detail", pk=pk)


@permission_required("training:manage")
@require_POST
def session_close(request, pk: int):
    session = _visible_session(request, pk)
    _require_manage(request, session.organization)
    try:
        issued = services.close_session(session, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The session is closed; %(count)d certificate(s) issued.") % {"count": issued})
    return redirect("training:session_detail", pk=pk)


def _visible_lesson(request, pk):
    lesson = get_object_or_404(Lesson.objects.select_related("session__course", "venue", "instructor"), pk=pk)
    if not Session.objects.visible_to(request.user).filter(pk=lesson.session_id).exists():
        raise Http404
    return lesson


@permission_required("training:view")
def lesson_detail(request, pk: int):
    lesson = _visible_lesson(request, pk)
    url = lesson_check_in_url(request, lesson)
    roster = list(
        lesson.session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).select_related("person").order_by("pk")
    )
    present = set(lesson.attendances.values_list("enrollment_id", flat=True))
    opens, closes = services.check_in_window(lesson)
    return render(
        request,
        "training/lesson_detail.html",
        {
            "lesson": lesson,
            "check_in_url": url,
            "qr": documents.qr_data_uri(url),
            "roster": roster,
            "present": present,
            "opens": opens,
            "closes": closes,
            "can_manage": get_scope(request.user).has("training:manage", lesson.session.organization),
        },
    )


@permission_required("training:manage")
@require_POST
def lesson_attendance(request, pk: int):
    lesson = _visible_lesson(request, pk)
    _require_manage(request, lesson.session.organization)
    wanted = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
    changed = 0
    try:
        for enrollment in lesson.session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).select_related(
            "session__course", "person"
        ):
            changed += services.mark_attendance(lesson, enrollment, present=enrollment.pk in wanted, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Attendance saved (%(count)d change(s)).") % {"count": changed})
    return redirect("training:lesson_detail", pk=pk)


@permission_required("training:view")
def venues(request):
    rows = Venue.objects.select_related("organization", "street").order_by("name")
    kind = request.GET.get("kind")
    if kind:
        rows = rows.filter(kind=kind)
    return render(request, "training/venues.html", {"venues": rows[:200], "kind": kind})


@permission_required("training:manage")
def venue_create(request):
    organization = _managing_organization(request)
    form = VenueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.organization = organization
        venue = form.save()
        log_action("training.venue.created", actor=request.user, organization=organization, obj=venue)
        messages.success(request, _("Venue saved."))
        return redirect("training:venue_detail", pk=venue.pk)
    return render(
        request, "training/form.html", {"form": form, "title": _("New venue"), "back": reverse("training:venues")}
    )


@permission_required("training:manage")
def venue_edit(request, pk: int):
    venue = get_visible_or_404(Venue.objects.all(), request.user, pk=pk)
    _require_manage(request, venue.organization)
    form = VenueForm(request.POST or None, instance=venue)
    if request.method == "POST" and form.is_valid():
        form.save()
        log_action("training.venue.updated", actor=request.user, organization=venue.organization, obj=venue)
        messages.success(request, _("Venue saved."))
        return redirect("training:venue_detail", pk=venue.pk)
    back = reverse("training:venue_detail", args=[pk])
    return render(request, "training/form.html", {"form": form, "title": _("Edit venue"), "back": back})


@permission_required("training:view")
def venue_detail(request, pk: int):
    # Venues are shared by every organisation (a union class may use a women's reading room),
    # so any staff member sees the calendar.
    venue = get_object_or_404(Venue.objects.select_related("organization", "street"), pk=pk)
    lessons = documents.upcoming_lessons(venue=venue)
    feed = request.build_absolute_uri(
        reverse("training_public:calendar_feed", args=[services.feed_token("venue", venue.pk)])
    )
    return render(
        request, "training/calendar.html", {"owner": venue, "kind": "venue", "lessons": lessons, "feed_url": feed}
    )


@permission_required("training:view")
def instructors(request):
    rows = Instructor.objects.select_related("organization").annotate(lesson_count=Count("lessons")).order_by("name")
    tag = (request.GET.get("tag") or "").strip()
    if tag:
        rows = rows.filter(expertise__icontains=tag)
    rows = list(rows[:200])
    ratings = reach.instructor_ratings([row.pk for row in rows])
    for row in rows:
        row.rating, row.rating_count = ratings.get(row.pk, (None, 0))
    return render(request, "training/instructors.html", {"instructors": rows, "tag": tag})


@permission_required("training:manage")
def instructor_create(request):
    organization = _managing_organization(request)
    form = InstructorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.organization = organization
        instructor = form.save()
        log_action("training.instructor.created", actor=request.user, organization=organization, obj=instructor)
        messages.success(request, _("Instructor saved."))
        return redirect("training:instructor_detail", pk=instructor.pk)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("New instructor"), "back": reverse("training:instructors")},
    )


@permission_required("training:manage")
def instructor_edit(request, pk: int):
    instructor = get_visible_or_404(Instructor.objects.all(), request.user, pk=pk)
    _require_manage(request, instructor.organization)
    form = InstructorForm(request.POST or None, instance=instructor)
    if request.method == "POST" and form.is_valid():
        form.save()
        log_action(
            "training.instructor.updated", actor=request.user, organization=instructor.organization, obj=instructor
        )
        messages.success(request, _("Instructor saved."))
        return redirect("training:instructor_detail", pk=instructor.pk)
    back = reverse("training:instructor_detail", args=[pk])
    return render(request, "training/form.html", {"form": form, "title": _("Edit instructor"), "back": back})


@permission_required("training:view")
def instructor_detail(request, pk: int):
    instructor = get_object_or_404(Instructor.objects.select_related("organization"), pk=pk)
    lessons = documents.upcoming_lessons(instructor=instructor)
    feed = request.build_absolute_uri(
        reverse("training_public:calendar_feed", args=[services.feed_token("instructor", instructor.pk)])
    )
    rating = reach.instructor_ratings([instructor.pk]).get(instructor.pk, (None, 0))
    return render(
        request,
        "training/calendar.html",
        {
            "owner": instructor,
            "kind": "instructor",
            "lessons": lessons,
            "feed_url": feed,
            "rating": rating,
            "can_edit": get_scope(request.user).has("training:manage", instructor.organization),
        },
    )


@permission_required("training:view")
def requests(request):
    rows = CourseRequest.objects.visible_to(request.user).select_related("course", "session").order_by("-created_at")
    status = request.GET.get("status", "pending")
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "training/requests.html",
        {"rows": rows[:100], "status": status, "statuses": RequestStatus.choices, "reason_form": ReasonForm()},
    )


@permission_required("training:manage")
@require_POST
def request_decide(request, pk: int):
    course_request = get_visible_or_404(CourseRequest.objects.select_related("course"), request.user, pk=pk)
    _require_manage(request, course_request.organization)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_course_request(
            course_request, accept=accept, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("training:requests")
    if accept:
        messages.success(request, _("Accepted. Schedule the session for the group now."))
        return redirect(
            f"{reverse('training:session_create', args=[course_request.course_id])}?request={course_request.pk}"
        )
    messages.success(request, _("The request is declined."))
    return redirect("training:requests")


@permission_required("training:view")
def certificate_pdf(request, pk: int):
    certificate = get_visible_or_404(
        Certificate.objects.select_related("enrollment__session__course__organization", "enrollment__person"),
        request.user,
        pk=pk,
    )
    verify_url = request.build_absolute_uri(reverse("training_public:certificate_verify")) + f"?code={certificate.code}"
    response = HttpResponse(documents.certificate_pdf(certificate, verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@permission_required("training:revoke")
@require_POST
def certificate_revoke(request, pk: int):
    certificate = get_visible_or_404(Certificate.objects.select_related("enrollment__session"), request.user, pk=pk)
    if not get_scope(request.user).has("training:revoke", certificate.enrollment.session.organization):
        raise PermissionDenied
    try:
        services.revoke_certificate(certificate, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The certificate is revoked; the verification page now says so."))
    return redirect("training:session_detail", pk=certificate.enrollment.session_id)


@permission_required("training:reach")
def reach_view(request):
    return render(request, "training/reach.html", reach.reach_figures(request.user))


@permission_required("training:manage")
def suggestions(request):
    rows = reach.suggestions_for(request.user)
    return render(request, "training/suggestions.html", {"rows": rows})
