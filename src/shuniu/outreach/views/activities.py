"""Staff pages for activities, shifts, check-in, photos, volunteers and hours."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.decorators import permission_required
from shuniu.core.htmx import render_page
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.outreach.forms import ActivityForm, HoursDecisionForm, PhotoForm, ShiftForm
from shuniu.outreach.models import (
    Activity,
    ActivityPhoto,
    ActivitySignup,
    ActivityStatus,
    HoursStatus,
    Shift,
    Volunteer,
    VolunteerHours,
    VolunteerShift,
)
from shuniu.outreach.referral_forms import ActivityShareForm
from shuniu.outreach.services import activities as activity_services
from shuniu.outreach.services import volunteers as volunteer_services
from shuniu.outreach.services.referrals import affiliated_social_organizations
from shuniu.outreach.views.common import organizations_with, run, serve_file

PAGE_SIZE = 30


def _page(queryset, request, size=PAGE_SIZE):
    before = request.GET.get("before")
    if before and before.isdigit():
        queryset = queryset.filter(id__lt=int(before))
    rows = list(queryset.order_by("-id")[: size + 1])
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


@permission_required("outreach:view")
def activity_list(request):
    activities = Activity.objects.visible_to(request.user).select_related("organization")
    status = request.GET.get("status", "")
    if status in ActivityStatus.values:
        activities = activities.filter(status=status)
    rows, next_before = _page(activities, request)
    pending = VolunteerHours.objects.visible_to(request.user).filter(status=HoursStatus.PENDING).count()
    return render_page(
        request,
        "outreach/activity_list.html",
        {
            "activities": rows,
            "next_before": next_before,
            "status": status,
            "statuses": ActivityStatus.choices,
            "pending_hours": pending,
            "can_manage": get_scope(request.user).has("outreach:activity_manage"),
        },
        fragment="outreach/_activity_rows.html",
    )


@permission_required("outreach:activity_manage")
@require_http_methods(["GET", "POST"])
def activity_create(request):
    organizations = organizations_with(request.user, "outreach:activity_manage")
    organization = organizations.first()
    form = ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        activity = form.save(commit=False)
        activity.organization = organization
        try:
            activity_services.save_activity(request.user, activity, partners=form.cleaned_data["partners"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Activity saved as a draft. Add volunteer shifts, then publish it."))
            return redirect("outreach:activity_detail", pk=activity.pk)
    return render(request, "outreach/activity_form.html", {"form": form, "activity": None})


@permission_required("outreach:activity_manage")
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk: int):
    activity = get_visible_or_404(Activity.objects, request.user, pk=pk)
    form = ActivityForm(request.POST or None, instance=activity)
    if request.method == "POST" and form.is_valid():
        try:
            activity_services.save_activity(
                request.user, form.save(commit=False), partners=form.cleaned_data["partners"]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Activity saved."))
            return redirect("outreach:activity_detail", pk=activity.pk)
    return render(request, "outreach/activity_form.html", {"form": form, "activity": activity})


@permission_required("outreach:view")
def activity_detail(request, pk: int):
    activity = get_visible_or_404(
        Activity.objects.select_related("organization", "community").prefetch_related(
            "partners",
            Prefetch(
                "shifts",
                queryset=Shift.objects.prefetch_related(
                    Prefetch(
                        "assignments",
                        queryset=VolunteerShift.objects.select_related("volunteer", "hours").order_by("id"),
                    )
                ),
            ),
            "photos",
        ),
        request.user,
        pk=pk,
    )
    scope = get_scope(request.user)
    can_manage = scope.has("outreach:activity_manage", activity.organization)
    signups = list(activity.signups.order_by("id")[:500])
    assigned_ids = {
        assignment.volunteer_id for shift in activity.shifts.all() for assignment in shift.assignments.all()
    }
    matches = [v for v in volunteer_services.matching_volunteers(activity) if v.pk not in assigned_ids]
    share_form = None
    if can_manage and activity.status != ActivityStatus.CANCELLED:
        shared = [partner.pk for partner in activity.partners.all()]
        candidates = affiliated_social_organizations(activity.organization).exclude(pk__in=shared)
        share_form = ActivityShareForm(organizations=candidates)
    return render(
        request,
        "outreach/activity_detail.html",
        {
            "activity": activity,
            "signups": signups,
            "can_manage": can_manage,
            "shift_form": ShiftForm(),
            "photo_form": PhotoForm(),
            "matches": matches,
            "share_form": share_form,
        },
    )


@permission_required("outreach:activity_manage")
@require_POST
def activity_publish(request, pk: int):
    activity = get_visible_or_404(Activity.objects, request.user, pk=pk)
    return run(
        request,
        activity_services.publish_activity,
        _("The activity is on the portal now."),
        request.user,
        activity,
        redirect_to=reverse("outreach:activity_detail", args=[pk]),
    )


@permission_required("outreach:activity_manage")
@require_POST
def activity_cancel(request, pk: int):
    activity = get_visible_or_404(Activity.objects, request.user, pk=pk)
    return run(
        request,
        activity_services.cancel_activity,
        _("The activity is cancelled."),
        request.user,
        activity,
        redirect_to=reverse("outreach:activity_detail", args=[pk]),
    )


@permission_required("outreach:activity_manage")
@require_POST
def shift_create(request, pk: int):
    activity = get_visible_or_404(Activity.objects, request.user, pk=pk)
    form = ShiftForm(request.POST)
    if form.is_valid():
        shift = form.save(commit=False)
        shift.activity = activity
        try:
            activity_services.add_shift(request.user, shift)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Shift added."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("outreach:activity_detail", pk=activity.pk)


@permission_required("outreach:activity_manage")
@require_POST
def signup_check_in(request, pk: int):
    signup = get_visible_or_404(ActivitySignup.objects.select_related("activity__organization"), request.user, pk=pk)
    return run(
        request,
        activity_services.check_in_signup,
        _("Checked in."),
        request.user,
        signup,
        redirect_to=reverse("outreach:activity_detail", args=[signup.activity_id]) + "#signups",
    )


@permission_required("outreach:activity_manage")
@require_POST
def photo_upload(request, pk: int):
    activity = get_visible_or_404(Activity.objects, request.user, pk=pk)
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("outreach:activity_detail", pk=activity.pk)
    return run(
        request,
        activity_services.upload_photo,
        _("Photo added."),
        request.user,
        activity,
        form.cleaned_data["image"],
        form.cleaned_data["caption"],
        redirect_to=reverse("outreach:activity_detail", args=[activity.pk]) + "#photos",
    )


@permission_required("outreach:view")
def photo(request, pk: int):
    photo = ActivityPhoto.objects.filter(
        pk=pk, activity__in=Activity.objects.visible_to(request.user).values("pk")
    ).first()
    if photo is None:
        raise Http404
    return serve_file(photo.image, photo.content_type)


@permission_required("outreach:hours_confirm")
def hours_queue(request):
    hours = (
        VolunteerHours.objects.visible_to(request.user)
        .filter(status=HoursStatus.PENDING)
        .select_related("volunteer", "assignment__shift__activity")
    )
    rows, next_before = _page(hours, request, size=50)
    return render(
        request,
        "outreach/hours_queue.html",
        {"rows": rows, "next_before": next_before, "form": HoursDecisionForm()},
    )


@permission_required("outreach:hours_confirm")
@require_POST
def hours_decide(request, pk: int):
    hours = get_visible_or_404(
        VolunteerHours.objects.select_related("volunteer", "assignment__shift__activity__organization"),
        request.user,
        pk=pk,
    )
    form = HoursDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the minutes as a whole number."))
        return redirect("outreach:hours_queue")
    if request.POST.get("decision") == "reject":
        return run(
            request,
            volunteer_services.reject_hours,
            _("Hours not confirmed; the volunteer sees the reason."),
            request.user,
            hours,
            form.cleaned_data["note"],
            redirect_to=reverse("outreach:hours_queue"),
        )
    return run(
        request,
        volunteer_services.confirm_hours,
        _("Hours confirmed."),
        request.user,
        hours,
        form.cleaned_data["minutes"],
        redirect_to=reverse("outreach:hours_queue"),
    )


@permission_required("outreach:view")
def volunteer_list(request):
    volunteers = Volunteer.objects.visible_to(request.user)
    skill = request.GET.get("skill", "")
    from shuniu.outreach.models import Skill

    if skill in Skill.values:
        volunteers = volunteers.with_skill(skill)
    rows, next_before = _page(volunteers, request, size=50)
    return render(
        request,
        "outreach/volunteer_list.html",
        {"volunteers": rows, "next_before": next_before, "skill": skill, "skills": Skill.choices},
    )


@permission_required("outreach:view")
def volunteer_detail(request, pk: int):
    volunteer = get_visible_or_404(Volunteer.objects, request.user, pk=pk)
    assignments = (
        VolunteerShift.objects.visible_to(request.user)
        .filter(volunteer=volunteer)
        .select_related("shift__activity", "hours")
        .order_by("-shift__starts_at")[:100]
    )
    return render(
        request,
        "outreach/volunteer_detail.html",
        {
            "volunteer": volunteer,
            "assignments": assignments,
            "confirmed_hours": volunteer_services.confirmed_minutes(volunteer) / 60,
        },
    )
