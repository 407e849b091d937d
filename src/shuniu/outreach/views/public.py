"""Citizen pages (no login): activities, sign-up, volunteering, stories.

A volunteer has no account: after registering, or after entering their code and the last four
digits of their phone, their volunteer id is kept in the (anonymous) session for this device.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.decorators import public
from shuniu.core.services import DomainError
from shuniu.outreach import ratelimit
from shuniu.outreach.certificate import certificate_pdf
from shuniu.outreach.forms import PublicSignupForm, VolunteerRegistrationForm, VolunteerSignInForm
from shuniu.outreach.models import (
    Activity,
    ActivityPhoto,
    Shift,
    Story,
    StoryKind,
    TargetGroup,
    Volunteer,
    VolunteerShift,
)
from shuniu.outreach.services import activities as activity_services
from shuniu.outreach.services import stories as story_services
from shuniu.outreach.services import volunteers as volunteer_services
from shuniu.outreach.views.common import serve_file

SESSION_KEY = "outreach_volunteer_id"
PAGE_SIZE = 20


def current_volunteer(request) -> Volunteer | None:
    volunteer_id = request.session.get(SESSION_KEY)
    if not volunteer_id:
        return None
    return Volunteer.objects.filter(pk=volunteer_id, is_active=True).first()


def _too_many(request, bucket: str) -> bool:
    if ratelimit.is_limited(request, bucket):
        messages.error(request, _("Too many attempts from this network in the last hour. Please try again later."))
        return True
    return False


@public
def activities(request):
    rows = Activity.objects.upcoming().select_related("organization", "community")
    group = request.GET.get("group", "")
    if group in TargetGroup.values:
        rows = rows.filter(target_group=group)
    accessible = request.GET.get("accessible") == "1"
    if accessible:
        rows = rows.exclude(accessibility=[])
    volunteering = request.GET.get("volunteering") == "1"
    if volunteering:
        rows = rows.filter(shifts__isnull=False).distinct()
    page = list(rows[: PAGE_SIZE + 1])
    past = list(
        Activity.objects.public()
        .filter(ends_at__lt=timezone.now())
        .select_related("organization")
        .order_by("-starts_at")[:6]
    )
    return render(
        request,
        "outreach/public/activities.html",
        {
            "activities": page[:PAGE_SIZE],
            "more": len(page) > PAGE_SIZE,
            "past": past,
            "groups": TargetGroup.choices,
            "group": group,
            "accessible": accessible,
            "volunteering": volunteering,
        },
    )


def _public_activity(pk: int) -> Activity:
    return get_object_or_404(
        Activity.objects.public()
        .select_related("organization", "community")
        .prefetch_related("partners", "photos", Prefetch("shifts", queryset=Shift.objects.order_by("starts_at", "id"))),
        pk=pk,
    )


@public
def activity(request, pk: int):
    activity = _public_activity(pk)
    volunteer = current_volunteer(request)
    my_shift_ids = set()
    if volunteer:
        my_shift_ids = set(
            VolunteerShift.objects.filter(volunteer=volunteer, shift__activity=activity)
            .exclude(status="cancelled")
            .values_list("shift_id", flat=True)
        )
    return render(
        request,
        "outreach/public/activity.html",
        {"activity": activity, "form": PublicSignupForm(), "volunteer": volunteer, "my_shift_ids": my_shift_ids},
    )


@public
@require_http_methods(["GET", "POST"])
def activity_signup(request, pk: int):
    activity = _public_activity(pk)
    form = PublicSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _too_many(request, "signup"):
        ratelimit.hit(request, "signup")
        try:
            signup = activity_services.sign_up_public(activity, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "outreach/public/signup_done.html", {"activity": activity, "signup": signup})
    return render(request, "outreach/public/signup.html", {"activity": activity, "form": form})


@public
def activity_photo(request, pk: int):
    photo = get_object_or_404(ActivityPhoto.objects.filter(activity__status="published"), pk=pk)
    return serve_file(photo.image, photo.content_type)


@public
@require_http_methods(["GET", "POST"])
def volunteer_register(request):
    form = VolunteerRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _too_many(request, "volunteer_register"):
        ratelimit.hit(request, "volunteer_register")
        data = form.cleaned_data
        try:
            volunteer = volunteer_services.register_volunteer(
                name=data["name"],
                phone=data["phone"],
                skills=data["skills"],
                availability=data["availability"],
                community=data["community"],
            )
        except DomainError as error:
            form.add_error("phone" if error.code == "duplicate" else None, error.message)
        else:
            request.session.cycle_key()
            request.session[SESSION_KEY] = volunteer.pk
            messages.success(
                request,
                _(
                    "Welcome! Your volunteer code is %(code)s."
                    " Write it down: with it you can open your page on any phone."
                )
                % {"code": volunteer.code},
            )
            next_url = request.GET.get("next", "")
            if next_url.startswith("/portal/") and "//" not in next_url:
                return redirect(next_url)
            return redirect("outreach_public:volunteer_home")
    return render(request, "outreach/public/volunteer_register.html", {"form": form})


@public
@require_http_methods(["GET", "POST"])
def volunteer_home(request):
    volunteer = current_volunteer(request)
    if volunteer is None:
        form = VolunteerSignInForm(request.POST or None)
        if request.method == "POST" and form.is_valid() and not _too_many(request, "volunteer_sign_in"):
            found = volunteer_services.find_volunteer(form.cleaned_data["code"], form.cleaned_data["phone_last4"])
            if found is None:
                ratelimit.hit(request, "volunteer_sign_in")
                form.add_error(None, _("No volunteer matches this code and these digits. Please check both."))
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = found.pk
                return redirect("outreach_public:volunteer_home")
        return render(request, "outreach/public/volunteer_sign_in.html", {"form": form})
    assignments = list(
        VolunteerShift.objects.filter(volunteer=volunteer)
        .select_related("shift__activity__organization", "hours")
        .order_by("-shift__starts_at", "-id")[:100]
    )
    return render(
        request,
        "outreach/public/volunteer_home.html",
        {
            "volunteer": volunteer,
            "assignments": assignments,
            "confirmed_hours": volunteer_services.confirmed_minutes(volunteer) / 60,
            "now": timezone.now(),
        },
    )


@public
@require_POST
def volunteer_sign_out(request):
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("You have left your volunteer page on this device."))
    return redirect("outreach_public:volunteer_home")


def _require_volunteer(request) -> Volunteer:
    volunteer = current_volunteer(request)
    if volunteer is None:
        raise Http404
    return volunteer


@public
@require_POST
def shift_signup(request, pk: int):
    shift = get_object_or_404(Shift.objects.select_related("activity"), pk=pk, activity__status="published")
    volunteer = current_volunteer(request)
    if volunteer is None:
        messages.info(request, _("Register as a volunteer first (or open your volunteer page with your code)."))
        return redirect(reverse("outreach_public:volunteer_register") + f"?next={shift.activity.get_public_url()}")
    if not _too_many(request, "shift_signup"):
        ratelimit.hit(request, "shift_signup")
        try:
            volunteer_services.sign_up_for_shift(volunteer, shift)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("You are on the shift “%(shift)s”. Check in on this page when you arrive.") % {"shift": shift.title},
            )
            return redirect("outreach_public:volunteer_home")
    return redirect(shift.activity.get_public_url())


def _assignment_action(request, pk: int, service, success: str):
    volunteer = _require_volunteer(request)
    assignment = get_object_or_404(VolunteerShift.objects.select_related("shift__activity"), pk=pk, volunteer=volunteer)
    try:
        service(assignment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect("outreach_public:volunteer_home")


@public
@require_POST
def volunteer_check_in(request, pk: int):
    return _assignment_action(request, pk, volunteer_services.check_in, _("Checked in. Thank you for coming!"))


@public
@require_POST
def volunteer_check_out(request, pk: int):
    return _assignment_action(
        request, pk, volunteer_services.check_out, _("Checked out. The organiser will confirm your hours.")
    )


@public
@require_POST
def volunteer_cancel(request, pk: int):
    return _assignment_action(request, pk, volunteer_services.cancel_shift, _("Your place on the shift is cancelled."))


@public
def volunteer_certificate(request):
    volunteer = _require_volunteer(request)
    response = HttpResponse(certificate_pdf(volunteer), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="volunteer-hours-{volunteer.code}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@public
def stories(request):
    rows = Story.objects.public().select_related("organization")
    tag = request.GET.get("tag", "").strip()[:30]
    if tag:
        rows = rows.filter(tags__icontains=tag)
    kind = request.GET.get("kind", "")
    if kind in StoryKind.values:
        rows = rows.filter(kind=kind)
    page = list(rows.order_by("-published_at", "-id")[: PAGE_SIZE + 1])
    return render(
        request,
        "outreach/public/stories.html",
        {
            "stories": page[:PAGE_SIZE],
            "more": len(page) > PAGE_SIZE,
            "tag": tag,
            "kind": kind,
            "kinds": StoryKind.choices,
        },
    )


@public
def story(request, pk: int):
    story = get_object_or_404(Story.objects.public().select_related("organization"), pk=pk)
    story_services.count_view(story)
    return render(request, "outreach/public/story.html", {"story": story})


@public
def story_cover(request, pk: int):
    story = get_object_or_404(Story.objects.public(), pk=pk)
    return serve_file(story.cover, story.cover_type or "image/jpeg")
