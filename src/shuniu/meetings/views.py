"""Staff pages of the joint meeting system: series and rotation, scheduling, submissions,
cooperation points and projects, minutes and resolutions. Supervision pages: supervision_views."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.decorators import permission_required
from shuniu.core.models import OrganizationKind
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.meetings import services
from shuniu.meetings.forms import (
    DecisionForm,
    MinutesForm,
    PassRequestForm,
    PlanItemFormSet,
    ProjectForm,
    ResolutionForm,
    ScheduleForm,
    SeriesForm,
    SubmissionForm,
)
from shuniu.meetings.models import (
    OPEN_STATUSES,
    ActionItem,
    Attachment,
    CooperationPoint,
    CooperationProject,
    Meeting,
    MeetingSeries,
    MeetingStatus,
    PlanItem,
    Submission,
    SubmissionStatus,
)


def _office_convenor(user):
    """The joint office the user may keep series for, or None."""
    scope = get_scope(user)
    for membership in scope.memberships:
        org = membership.organization
        if org.kind == OrganizationKind.JOINT_OFFICE and scope.has("meetings:manage", org):
            return org
    if scope.is_district and scope.has("meetings:manage"):
        from shuniu.core.models import Organization

        return Organization.objects.filter(kind=OrganizationKind.JOINT_OFFICE, parent__isnull=True).first()
    return None


@permission_required("meetings:view")
def index(request):
    series = list(MeetingSeries.objects.visible_to(request.user).prefetch_related("members__organization"))
    meetings = Meeting.objects.visible_to(request.user).select_related("series", "host")
    upcoming = list(meetings.exclude(status=MeetingStatus.HELD).order_by("starts_at", "number")[:10])
    recent = list(meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at")[:5])
    return render(
        request,
        "meetings/index.html",
        {
            "series_list": series,
            "upcoming": upcoming,
            "recent": recent,
            "can_create": _office_convenor(request.user) is not None,
        },
    )


@permission_required("meetings:manage")
@require_http_methods(["GET", "POST"])
def series_create(request):
    convenor = _office_convenor(request.user)
    if convenor is None:
        raise PermissionDenied
    form = SeriesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            series = services.create_series(
                actor=request.user,
                name=form.cleaned_data["name"],
                convenor=convenor,
                period=form.cleaned_data["period"],
                members=form.cleaned_data["members"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting series was set up."))
            return redirect("meetings:series_detail", series.pk)
    return render(request, "meetings/series_form.html", {"form": form})


@permission_required("meetings:manage")
@require_http_methods(["GET", "POST"])
def series_edit(request, pk):
    series = get_visible_or_404(MeetingSeries.objects.select_related("convenor"), request.user, pk=pk)
    if not services.can_manage(request.user, series):
        raise PermissionDenied
    positions = {m.organization_id: m.position for m in series.active_members()}
    form = SeriesForm(
        request.POST or None,
        initial={"name": series.name, "period": series.period, "description": series.description},
        positions=positions,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_series(
                actor=request.user,
                series=series,
                name=form.cleaned_data["name"],
                period=form.cleaned_data["period"],
                members=form.cleaned_data["members"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The series was updated."))
            return redirect("meetings:series_detail", series.pk)
    return render(request, "meetings/series_form.html", {"form": form, "series": series})


@permission_required("meetings:view")
def series_detail(request, pk):
    series = get_visible_or_404(MeetingSeries.objects.select_related("convenor"), request.user, pk=pk)
    members = list(series.active_members())
    meetings = list(
        series.meetings.select_related("host", "rotation_turn").prefetch_related("host_skips__organization")
    )
    pending_passes = list(series.pass_requests.filter(used_for__isnull=True).select_related("organization"))
    can_manage = services.can_manage(request.user, series)
    next_choice = None
    next_error = ""
    if can_manage:
        try:
            next_choice = services.compute_next_host(series)
        except DomainError as error:
            next_error = error.message
    return render(
        request,
        "meetings/series_detail.html",
        {
            "series": series,
            "members": members,
            "meetings": meetings,
            "pending_passes": pending_passes,
            "can_manage": can_manage,
            "next_choice": next_choice,
            "next_error": next_error,
            "my_orgs": services.submitting_organizations(request.user, series),
            "pass_form": PassRequestForm(),
        },
    )


@permission_required("meetings:view")
@require_POST
def series_pass(request, pk):
    series = get_visible_or_404(MeetingSeries.objects.all(), request.user, pk=pk)
    form = PassRequestForm(request.POST)
    orgs = services.submitting_organizations(request.user, series)
    if not orgs:
        messages.error(request, _("Your organisation is not a member of this series."))
    elif not form.is_valid():
        messages.error(request, _("Please give the reason for passing (at least 4 characters)."))
    else:
        try:
            services.request_pass(
                actor=request.user, series=series, organization=orgs[0], reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your request to pass the next turn was recorded."))
    return redirect("meetings:series_detail", series.pk)


@permission_required("meetings:manage")
@require_POST
def series_next(request, pk):
    series = get_visible_or_404(MeetingSeries.objects.all(), request.user, pk=pk)
    if not services.can_manage(request.user, series):
        raise PermissionDenied
    try:
        meeting = services.plan_next_meeting(actor=request.user, series=series)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("meetings:series_detail", series.pk)
    messages.success(request, _("%(host)s hosts the next meeting.") % {"host": meeting.host.display_name})
    return redirect("meetings:meeting_detail", meeting.pk)


def _meeting(request, pk) -> Meeting:
    return get_visible_or_404(Meeting.objects.select_related("series__convenor", "host"), request.user, pk=pk)


@permission_required("meetings:view")
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    members = list(meeting.series.active_members())
    submissions = {
        s.organization_id: s
        for s in meeting.submissions.prefetch_related(
            Prefetch("plan_items", queryset=PlanItem.objects.select_related("street")), "attachments"
        )
    }
    rows = [(m.organization, submissions.get(m.organization_id)) for m in members]
    points = list(
        meeting.cooperation_points.prefetch_related(
            Prefetch("items", queryset=PlanItem.objects.select_related("submission__organization", "street"))
        ).select_related("project")
    )
    previous = meeting.series.meetings.filter(number__lt=meeting.number).order_by("-number").first()
    carried_over = (
        list(previous.action_items.filter(status__in=OPEN_STATUSES).select_related("lead_organization"))
        if previous
        else []
    )
    resolutions = list(
        meeting.resolutions.prefetch_related(
            Prefetch("action_items", queryset=ActionItem.objects.select_related("lead_organization")),
        )
    )
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "meeting": meeting,
            "rows": rows,
            "missing": [org for org, sub in rows if sub is None or sub.status != SubmissionStatus.SUBMITTED],
            "points": points,
            "projects": list(meeting.cooperation_projects.select_related("lead_organization", "point")),
            "attendance": list(meeting.attendance.select_related("organization")),
            "resolutions": resolutions,
            "carried_over": carried_over,
            "previous": previous,
            "can_host": services.can_host(request.user, meeting),
            "my_orgs": services.submitting_organizations(request.user, meeting.series),
            "skips": list(meeting.host_skips.select_related("organization")),
            "now": timezone.now(),
        },
    )


@permission_required("meetings:host")
@require_http_methods(["GET", "POST"])
def meeting_schedule(request, pk):
    meeting = _meeting(request, pk)
    if not services.can_host(request.user, meeting):
        raise PermissionDenied
    initial = {
        "title": meeting.title,
        "starts_at": meeting.starts_at and timezone.localtime(meeting.starts_at),
        "venue": meeting.venue,
        "agenda": meeting.agenda,
        "submission_deadline": meeting.submission_deadline and timezone.localtime(meeting.submission_deadline),
    }
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.schedule_meeting(actor=request.user, meeting=meeting, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The meeting is scheduled and the members are invited."))
            return redirect("meetings:meeting_detail", meeting.pk)
    return render(request, "meetings/schedule_form.html", {"meeting": meeting, "form": form})


@permission_required("meetings:host")
@require_POST
def meeting_remind(request, pk):
    meeting = _meeting(request, pk)
    try:
        reminded = services.remind_missing(actor=request.user, meeting=meeting)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Reminded: %(orgs)s.") % {"orgs": "、".join(org.display_name for org in reminded)},
        )
    return redirect("meetings:meeting_detail", meeting.pk)


@permission_required("meetings:submit")
@require_http_methods(["GET", "POST"])
def submission_edit(request, pk):
    meeting = _meeting(request, pk)
    orgs = services.submitting_organizations(request.user, meeting.series)
    if not orgs:
        raise PermissionDenied
    organization = orgs[0]
    if request.GET.get("org"):
        organization = next((o for o in orgs if str(o.pk) == request.GET["org"]), organization)
    submission = meeting.submissions.filter(organization=organization).first()
    items = list(submission.plan_items.all()) if submission else []
    initial = (
        {
            "work_summary": submission.work_summary,
            "lessons": submission.lessons,
            "cooperation_proposals": submission.cooperation_proposals,
        }
        if submission
        else {}
    )
    item_initial = [
        {"id": i.pk, "title": i.title, "target_group": i.target_group, "street": i.street_id, "month": i.month}
        for i in items
    ]
    locked_message = ""
    try:
        services._guard_submission_open(meeting)
    except DomainError as error:
        locked_message = error.message
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, initial=initial)
        formset = PlanItemFormSet(request.POST, initial=item_initial, prefix="plan")
        if form.is_valid() and formset.is_valid():
            rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.is_blank()]
            try:
                services.save_submission(
                    actor=request.user,
                    meeting=meeting,
                    organization=organization,
                    work_summary=form.cleaned_data["work_summary"],
                    lessons=form.cleaned_data["lessons"],
                    cooperation_proposals=form.cleaned_data["cooperation_proposals"],
                    plan_items=rows,
                    files=form.cleaned_data["files"],
                    submit="submit" in request.POST,
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Your submission was handed in."))
                    return redirect("meetings:meeting_detail", meeting.pk)
                messages.success(request, _("The draft was saved."))
                return redirect(f"{request.path}?org={organization.pk}")
    else:
        form = SubmissionForm(initial=initial)
        formset = PlanItemFormSet(initial=item_initial, prefix="plan")
    return render(
        request,
        "meetings/submission_form.html",
        {
            "meeting": meeting,
            "organization": organization,
            "orgs": orgs,
            "submission": submission,
            "form": form,
            "formset": formset,
            "locked_message": locked_message,
        },
        status=200,
    )


@permission_required("meetings:view")
def submission_detail(request, pk):
    submission = get_visible_or_404(
        Submission.objects.select_related("meeting__series", "organization", "submitted_by"), request.user, pk=pk
    )
    return render(
        request,
        "meetings/submission_detail.html",
        {
            "submission": submission,
            "meeting": submission.meeting,
            "items": list(submission.plan_items.select_related("street")),
            "attachments": list(submission.attachments.all()),
        },
    )


@permission_required("meetings:view")
def attachment_download(request, pk):
    attachment = get_visible_or_404(Attachment.objects.all(), request.user, pk=pk)
    # Read whole (attachments are capped at 20 MB) so no file handle outlives the request.
    try:
        with attachment.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(attachment.name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("meetings:submit")
@require_POST
def attachment_remove(request, pk):
    attachment = get_visible_or_404(Attachment.objects.select_related("submission__meeting"), request.user, pk=pk)
    try:
        services.remove_attachment(actor=request.user, attachment=attachment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The attachment was removed."))
    if attachment.submission_id:
        return redirect("meetings:submission_edit", attachment.submission.meeting_id)
    return redirect("meetings:index")


@permission_required("meetings:host")
@require_POST
def cooperation_refresh(request, pk):
    meeting = _meeting(request, pk)
    if not services.can_host(request.user, meeting):
        raise PermissionDenied
    added = services.refresh_cooperation_points(meeting, actor=request.user)
    messages.success(request, _("%(count)d new cooperation point(s) found.") % {"count": added})
    return redirect(f"{meeting.get_absolute_url()}#cooperation")


@permission_required("meetings:host")
@require_POST
def point_decide(request, pk):
    point = get_visible_or_404(
        CooperationPoint.objects.select_related("meeting__series", "meeting__host"), request.user, pk=pk
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or dismiss."))
    else:
        try:
            services.decide_point(
                actor=request.user,
                point=point,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            messages.error(request, error.message)
    return redirect(f"{point.meeting.get_absolute_url()}#cooperation")


@permission_required("meetings:host")
@require_http_methods(["GET", "POST"])
def project_create(request, pk):
    point = get_visible_or_404(
        CooperationPoint.objects.select_related("meeting__series", "meeting__host"), request.user, pk=pk
    )
    meeting = point.meeting
    if not services.can_host(request.user, meeting):
        raise PermissionDenied
    items = list(point.items.select_related("submission__organization"))
    orgs = []
    for item in items:
        if item.submission.organization not in orgs:
            orgs.append(item.submission.organization)
    initial = {
        "title": items[0].title if items else "",
        "lead": orgs[0] if orgs else None,
        "partners": orgs[1:],
        "description": "\n".join(f"{i.submission.organization.display_name}：{i.title}" for i in items),
    }
    form = ProjectForm(request.POST or None, initial=initial, series=meeting.series)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_project(
                actor=request.user,
                point=point,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                lead=form.cleaned_data["lead"],
                partners=list(form.cleaned_data["partners"]),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The cooperation project was created."))
            return redirect(f"{meeting.get_absolute_url()}#cooperation")
    return render(
        request, "meetings/project_form.html", {"meeting": meeting, "point": point, "items": items, "form": form}
    )


@permission_required("meetings:view")
def projects(request):
    rows = list(
        CooperationProject.objects.visible_to(request.user)
        .select_related("lead_organization", "meeting")
        .prefetch_related("partners")[:200]
    )
    return render(request, "meetings/projects.html", {"projects": rows})


@permission_required("meetings:host")
@require_http_methods(["GET", "POST"])
def minutes_edit(request, pk):
    meeting = _meeting(request, pk)
    if not services.can_host(request.user, meeting):
        raise PermissionDenied
    members = [m.organization for m in meeting.series.active_members()]
    current = {a.organization_id: a for a in meeting.attendance.all()}
    initial = {"minutes": meeting.minutes}
    for org in members:
        if org.pk in current:
            initial[f"presence_{org.pk}"] = current[org.pk].presence
            initial[f"representatives_{org.pk}"] = current[org.pk].representatives
    form = MinutesForm(request.POST or None, initial=initial, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_minutes(
                actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"], attendance=form.attendance()
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect("meetings:meeting_detail", meeting.pk)
    return render(request, "meetings/minutes_form.html", {"meeting": meeting, "form": form})


@permission_required("meetings:host")
@require_http_methods(["GET", "POST"])
def resolution_create(request, pk):
    meeting = _meeting(request, pk)
    if not services.can_host(request.user, meeting):
        raise PermissionDenied
    form = ResolutionForm(request.POST or None, series=meeting.series)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_resolution(
                actor=request.user, meeting=meeting, text=form.cleaned_data["text"], items=[form.item_data()]
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The resolution and its action item were recorded."))
            return redirect(f"{meeting.get_absolute_url()}#resolutions")
    return render(request, "meetings/resolution_form.html", {"meeting": meeting, "form": form})
