"""Supervision (督办): action items, progress reports, the joint office's board, documents."""

from collections import OrderedDict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.decorators import permission_required
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.meetings import documents, services
from shuniu.meetings.forms import ActionItemForm, ProgressForm
from shuniu.meetings.models import ActionItem, ItemStatus, Meeting, Resolution

STATUS_ORDER = [ItemStatus.OVERDUE, ItemStatus.AT_RISK, ItemStatus.ON_TRACK, ItemStatus.DONE]


@permission_required("meetings:host")
@require_http_methods(["GET", "POST"])
def action_item_create(request, pk):
    resolution = get_visible_or_404(
        Resolution.objects.select_related("meeting__series", "meeting__host"), request.user, pk=pk
    )
    meeting = resolution.meeting
    if not services.can_host(request.user, meeting):
        raise PermissionDenied
    form = ActionItemForm(request.POST or None, series=meeting.series)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_action_item(actor=request.user, resolution=resolution, **form.item_data())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The action item was added."))
            return redirect(f"{meeting.get_absolute_url()}#resolutions")
    return render(
        request, "meetings/action_item_form.html", {"meeting": meeting, "resolution": resolution, "form": form}
    )


def _item(request, pk) -> ActionItem:
    return get_visible_or_404(
        ActionItem.objects.select_related("meeting__series__convenor", "lead_organization", "resolution"),
        request.user,
        pk=pk,
    )


@permission_required("meetings:view")
def action_item_detail(request, pk):
    item = _item(request, pk)
    is_lead = get_scope(request.user).has("meetings:submit", item.lead_organization)
    return render(
        request,
        "meetings/action_item_detail.html",
        {
            "item": item,
            "meeting": item.meeting,
            "co_organizations": list(item.co_organizations.all()),
            "reports": list(item.progress_reports.select_related("author").prefetch_related("attachments")),
            "is_lead": is_lead,
            "form": ProgressForm() if is_lead and item.is_open else None,
        },
    )


@permission_required("meetings:view")
@require_POST
def progress_report(request, pk):
    item = _item(request, pk)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("meetings:action_item_detail", item.pk)
    try:
        services.report_progress(
            actor=request.user,
            item=item,
            text=form.cleaned_data["text"],
            status=form.cleaned_data["status"],
            files=form.cleaned_data["files"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The progress report was recorded."))
    return redirect("meetings:action_item_detail", item.pk)


@permission_required("meetings:view")
def board(request):
    """All action items the user may see, by lead organisation, worst status first."""
    items = ActionItem.objects.visible_to(request.user).select_related("lead_organization", "meeting")
    show = request.GET.get("show", "open")
    if show == "open":
        items = items.exclude(status=ItemStatus.DONE)
    status = request.GET.get("status")
    if status in ItemStatus.values:
        items = items.filter(status=status)
    # ?organization= comes from the cockpit's click-through (action items of one lead organisation).
    organization = request.GET.get("organization", "")
    if organization.isdigit():
        items = items.filter(lead_organization_id=int(organization))
    rows = list(items.order_by("lead_organization__kind", "lead_organization__code", "deadline", "id")[:500])
    by_org: OrderedDict = OrderedDict()
    for item in rows:
        entry = by_org.setdefault(item.lead_organization, {"items": [], "counts": dict.fromkeys(ItemStatus.values, 0)})
        entry["items"].append(item)
        entry["counts"][item.status] += 1
    for entry in by_org.values():
        entry["items"].sort(key=lambda i: (STATUS_ORDER.index(i.status), i.deadline))
    totals = dict.fromkeys(ItemStatus.values, 0)
    for value in ActionItem.objects.visible_to(request.user).values_list("status", flat=True):
        totals[value] += 1
    return render(
        request,
        "meetings/board.html",
        {
            "by_org": by_org,
            "totals": [(s, totals[s.value]) for s in STATUS_ORDER],
            "show": show,
            "status": status,
            "statuses": STATUS_ORDER,
            "today": timezone.localdate(),
        },
    )


def _docx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@permission_required("meetings:view")
def minutes_docx(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("series__convenor", "host"), request.user, pk=pk)
    return _docx_response(documents.minutes_docx(meeting), f"{meeting.title}-{_('minutes')}.docx")


@permission_required("meetings:view")
def action_items_docx(request, pk):
    meeting = get_visible_or_404(Meeting.objects.select_related("series__convenor", "host"), request.user, pk=pk)
    return _docx_response(documents.action_items_docx(meeting), f"{meeting.title}-{_('action items')}.docx")


@permission_required("meetings:view")
def calendar_feed(request):
    meetings = Meeting.objects.visible_to(request.user).select_related("host").filter(starts_at__isnull=False)
    response = HttpResponse(
        documents.calendar_ics(meetings.order_by("-starts_at")[:200]), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="meetings.ics"'
    return response
