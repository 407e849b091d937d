"""Citizen pages of the training network (mounted at /portal/training/, no staff login).

Citizens identify themselves by phone verification: name and mobile number, then a 6-digit code
sent by text message (through the mail backend as the SMS outbox; outside production the code is
also shown on screen because no SMS gateway is connected). The verified phone is kept in the
browser session; every enrolment, cancellation, check-in and certificate download is limited to
the people registered with that phone.
"""

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.core.mail import send_mail
from django.db.models import Avg, Count, F, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shuniu.core.decorators import public
from shuniu.core.services import DomainError
from shuniu.people.services import find_or_create_person
from shuniu.training import documents, services
from shuniu.training.forms import (
    CertificateLookupForm,
    CodeForm,
    CourseRequestForm,
    FeedbackForm,
    MenuFilterForm,
    PhoneForm,
)
from shuniu.training.models import (
    Certificate,
    CitizenMessage,
    Course,
    Enrollment,
    EnrollmentStatus,
    Feedback,
    Lesson,
    Session,
    SessionStatus,
)

CITIZEN_KEY = "training_citizen"
PENDING_KEY = "training_pending_phone"
PAGE_SIZE = 20


def citizen(request) -> dict | None:
    data = request.session.get(CITIZEN_KEY)
    return data if isinstance(data, dict) and data.get("phone") else None


def citizen_person_ids(request) -> list[int]:
    data = citizen(request)
    if not data:
        return []
    return list(services.people_with_phone(data["phone"]).values_list("id", flat=True))


def show_codes_on_screen() -> bool:
    return getattr(settings, "SHUNIU_TRAINING_SHOW_CODES", settings.ENVIRONMENT != "production")


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@public
def menu(request):
    form = MenuFilterForm(request.GET or None)
    now = timezone.now()
    courses = Course.objects.published().select_related("organization")
    sessions = Session.objects.filter(status=SessionStatus.SCHEDULED, ends_at__gt=now, course__is_published=True)
    session_filtered = False
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            courses = courses.filter(Q(title__icontains=data["q"]) | Q(description__icontains=data["q"]))
        if data["category"]:
            courses = courses.filter(category=data["category"])
        if data["organization"]:
            courses = courses.filter(organization__path__startswith=data["organization"].path)
        if data["group"]:
            courses = courses.filter(
                Q(target_groups__contains=f",{data['group']},") | Q(target_groups__contains=",everyone,")
            )
        if data["street"]:
            sessions, session_filtered = sessions.filter(street=data["street"]), True
        if data["date_from"]:
            sessions, session_filtered = sessions.filter(starts_at__date__gte=data["date_from"]), True
        if data["has_places"]:
            sessions = sessions.filter(confirmed_count__lt=F("capacity"), enrollment_closes_at__gt=now)
            session_filtered = True
    if session_filtered:
        courses = courses.filter(id__in=sessions.values("course_id"))
    before = request.GET.get("before")
    if before and before.isdigit():
        courses = courses.filter(id__lt=int(before))
    rows = list(courses.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    upcoming = defaultdict(list)
    listed = sessions.filter(course_id__in=[c.pk for c in rows], enrollment_closes_at__gt=now)
    for session in listed.select_related("street").order_by("starts_at"):
        upcoming[session.course_id].append(session)
    for course in rows:
        course.upcoming = upcoming[course.pk][:3]
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "training/public/menu.html",
        {
            "form": form,
            "courses": rows,
            "next_before": rows[-1].pk if more else None,
            "query": query.urlencode(),
            "citizen": citizen(request),
        },
    )


@public
def course(request, pk: int):
    course = get_object_or_404(Course.objects.published().select_related("organization"), pk=pk)
    now = timezone.now()
    sessions = list(
        course.sessions.filter(status=SessionStatus.SCHEDULED, ends_at__gt=now)
        .select_related("street")
        .prefetch_related("lessons__venue", "lessons__instructor")
        .order_by("starts_at")[:20]
    )
    mine = {}
    person_ids = citizen_person_ids(request)
    if person_ids:
        for enrollment in Enrollment.objects.active().filter(person_id__in=person_ids, session__in=sessions):
            mine[enrollment.session_id] = enrollment
    for session in sessions:
        session.my_enrollment = mine.get(session.pk)
        session.open_now = session.is_open(now)
    rating = Feedback.objects.filter(enrollment__session__course=course).aggregate(avg=Avg("rating"), n=Count("id"))
    return render(
        request,
        "training/public/course.html",
        {"course": course, "sessions": sessions, "citizen": citizen(request), "rating": rating},
    )


@public
@require_POST
def enroll(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("course"), pk=pk, course__is_published=True)
    who = citizen(request)
    course_url = reverse("training_public:course", args=[session.course_id])
    if who is None:
        return redirect(f"{reverse('training_public:verify')}?next={course_url}")
    try:
        person, _created = find_or_create_person(
            name=who["name"], organization=session.organization, phone=who["phone"]
        )
        enrollment = services.enroll(session, person, channel="portal")
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(course_url)
    if enrollment.status == EnrollmentStatus.WAITLISTED:
        messages.warning(
            request,
            _(
                "The session is full. You are number %(position)d on the waitlist; we will send you a message if a"
                " place frees up."
            )
            % {"position": services.waitlist_position(enrollment)},
        )
    else:
        messages.success(request, _("You are enrolled. See you in class!"))
    return redirect("training_public:my_courses")


@public
def verify(request):
    form = PhoneForm(request.POST or None, initial=request.session.get(PENDING_KEY) or None)
    next_url = _safe_next(request, reverse("training_public:my_courses"))
    if request.method == "POST" and form.is_valid():
        try:
            _verification, code = services.start_phone_verification(form.cleaned_data["phone"])
        except DomainError as error:
            form.add_error("phone", error.message)
        else:
            request.session[PENDING_KEY] = {"phone": form.cleaned_data["phone"], "name": form.cleaned_data["name"]}
            text = _("Your Shuniu training code is %(code)s. It is valid for 10 minutes.") % {"code": code}
            # The mail backend is the SMS outbox until a gateway is connected (var/mail/ without SMTP).
            send_mail(_("Verification code"), text, None, [services.sms_address(form.cleaned_data["phone"])])
            if show_codes_on_screen():
                messages.info(request, _("Demo system without text messages: your code is %(code)s.") % {"code": code})
            return redirect(f"{reverse('training_public:verify_code')}?next={next_url}")
    return render(request, "training/public/verify.html", {"form": form, "next": next_url})


@public
def verify_code(request):
    pending = request.session.get(PENDING_KEY)
    next_url = _safe_next(request, reverse("training_public:my_courses"))
    if not pending:
        # No code was asked for in this browser (or it was already used): start with the number.
        return render(request, "training/public/verify.html", {"form": PhoneForm(), "next": next_url})
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            phone = services.confirm_phone_verification(pending["phone"], form.cleaned_data["code"])
        except DomainError as error:
            form.add_error("code", error.message)
        else:
            request.session.cycle_key()
            request.session[CITIZEN_KEY] = {"phone": phone, "name": pending["name"]}
            request.session.pop(PENDING_KEY, None)
            return redirect(next_url)
    return render(
        request,
        "training/public/verify_code.html",
        {"form": form, "next": next_url, "masked_phone": pending["phone"][:3] + "****" + pending["phone"][-4:]},
    )


@public
@require_POST
def forget_me(request):
    request.session.pop(CITIZEN_KEY, None)
    messages.info(request, _("This device no longer remembers your phone number."))
    return redirect("training_public:menu")


@public
def my_courses(request):
    who = citizen(request)
    if who is None:
        return render(
            request,
            "training/public/verify.html",
            {"form": PhoneForm(), "next": reverse("training_public:my_courses"), "intro": True},
        )
    person_ids = citizen_person_ids(request)
    enrollments = list(
        Enrollment.objects.filter(person_id__in=person_ids)
        .select_related("session__course__organization", "person", "certificate", "feedback")
        .prefetch_related("session__lessons__venue")
        .order_by("-created_at")[:50]
    )
    for enrollment in enrollments:
        enrollment.position = services.waitlist_position(enrollment)
        enrollment.attended, enrollment.total = services.attendance_ratio(enrollment)
    notes = CitizenMessage.objects.filter(person_id__in=person_ids).order_by("-created_at")[:10]
    feeds = [
        (
            person_id,
            request.build_absolute_uri(
                reverse("training_public:calendar_feed", args=[services.feed_token("person", person_id)])
            ),
        )
        for person_id in person_ids[:1]
    ]
    return render(
        request,
        "training/public/my_courses.html",
        {"citizen": who, "enrollments": enrollments, "notes": notes, "feed_url": feeds[0][1] if feeds else ""},
    )


def _own_enrollment(request, pk: int) -> Enrollment:
    person_ids = citizen_person_ids(request)
    if not person_ids:
        raise Http404
    return get_object_or_404(Enrollment.objects.select_related("session__course"), pk=pk, person_id__in=person_ids)


@public
@require_POST
def cancel(request, pk: int):
    enrollment = _own_enrollment(request, pk)
    try:
        services.cancel_enrollment(enrollment, reason="by_person")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your place is cancelled. Thank you for letting us know."))
    return redirect("training_public:my_courses")


@public
def feedback(request, pk: int):
    enrollment = _own_enrollment(request, pk)
    existing = getattr(enrollment, "feedback", None) if hasattr(enrollment, "feedback") else None
    initial = {"rating": existing.rating, "comment": existing.comment} if existing else None
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_feedback(
                enrollment, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("training_public:my_courses")
    return render(request, "training/public/feedback.html", {"form": form, "enrollment": enrollment})


@public
def check_in(request, token: str):
    error = lesson = None
    try:
        lesson = services.read_check_in_token(token)
    except DomainError as refusal:
        error = refusal.message
    who = citizen(request)
    if request.method == "POST" and lesson is not None:
        if who is None:
            return redirect(f"{reverse('training_public:verify')}?next={request.path}")
        try:
            services.check_in(lesson, citizen_person_ids(request))
        except DomainError as refusal:
            error = refusal.message
        else:
            messages.success(request, _("You are checked in. Enjoy the lesson!"))
            return redirect("training_public:my_courses")
    return render(
        request,
        "training/public/check_in.html",
        {"lesson": lesson, "error": error, "citizen": who, "token": token},
        status=200,
    )


@public
def certificate_pdf(request, code: str):
    certificate = get_object_or_404(
        Certificate.objects.select_related("enrollment__session__course__organization", "enrollment__person"),
        code=code,
        enrollment__person_id__in=citizen_person_ids(request) or [0],
    )
    verify_url = request.build_absolute_uri(reverse("training_public:certificate_verify")) + f"?code={certificate.code}"
    response = HttpResponse(documents.certificate_pdf(certificate, verify_url), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.code}.pdf"'
    return response


@public
def certificate_verify(request):
    form = CertificateLookupForm(request.GET or None)
    certificate = None
    looked_up = False
    if form.is_valid():
        looked_up = True
        certificate = (
            Certificate.objects.select_related("enrollment__session__course__organization", "enrollment__person")
            .filter(code=form.cleaned_data["code"])
            .first()
        )
    return render(
        request,
        "training/public/certificate_verify.html",
        {
            "form": form,
            "certificate": certificate,
            "looked_up": looked_up,
            "holder": documents.masked_name(certificate.enrollment.person.name) if certificate else "",
        },
    )


@public
def request_course(request, pk: int):
    course = get_object_or_404(Course.objects.published().select_related("organization"), pk=pk)
    form = CourseRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        course_request = services.submit_course_request(course, **form.cleaned_data)
        messages.success(
            request,
            _("Your request has been sent to %(org)s. Reference: %(ref)s. They will call you to arrange the date.")
            % {"org": course.organization.display_name, "ref": course_request.reference},
        )
        return redirect("training_public:course", pk=course.pk)
    return render(request, "training/public/request_course.html", {"form": form, "course": course})


@public
def calendar_feed(request, token: str):
    try:
        kind, pk = services.read_feed_token(token)
    except DomainError:
        raise Http404 from None
    if kind == "venue":
        lessons, name = documents.upcoming_lessons(venue_id=pk), _("Venue calendar")
    elif kind == "instructor":
        lessons, name = documents.upcoming_lessons(instructor_id=pk), _("Instructor calendar")
    else:
        lessons = documents.upcoming_lessons(
            session__enrollments__person_id=pk,
            session__enrollments__status=EnrollmentStatus.CONFIRMED,
        )
        name = _("My courses")
    response = HttpResponse(documents.calendar_feed(name, lessons), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="shuniu-training.ics"'
    return response


def lesson_check_in_url(request, lesson: Lesson) -> str:
    return request.build_absolute_uri(reverse("training_public:check_in", args=[services.check_in_token(lesson)]))
