from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core import reveal, services
from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required, public
from shuniu.core.forms import AuditFilterForm, RevealForm, WorkingDayOverrideForm
from shuniu.core.hooks import HomeCard, home_cards
from shuniu.core.htmx import render_page
from shuniu.core.models import AuditEntry, Notification, WorkingDayOverride
from shuniu.core.scoping import get_scope

PAGE_SIZE = 50


@permission_required("core:home")
def home(request):
    scope = get_scope(request.user)
    cards = home_cards(request)
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    cards.insert(
        0,
        HomeCard(
            title=_("Unread notifications"),
            count=unread.count(),
            url="/inbox/",
            empty_text=_("Nothing new. Referrals, approvals and deadlines will appear here."),
            tone="azure",
            order=0,
            items=[(n.title, n.url or "/inbox/") for n in unread[:3]],
        ),
    )
    return render(request, "core/home.html", {"cards": cards, "scope": scope})


@permission_required("core:inbox")
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user)
    show = request.GET.get("show", "unread")
    if show == "unread":
        notifications = notifications.filter(read_at__isnull=True)
    before = request.GET.get("before")
    if before and before.isdigit():
        notifications = notifications.filter(id__lt=int(before))
    rows = list(notifications.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render_page(
        request,
        "core/inbox.html",
        {"notifications": rows, "show": show, "next_before": rows[-1].id if more else None},
        fragment="core/_inbox_rows.html",
    )


@permission_required("core:inbox")
@require_POST
def inbox_mark_read(request):
    ids = [int(value) for value in request.POST.getlist("id") if value.isdigit()]
    count = services.mark_read(request.user, ids or None)
    messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": count})
    return redirect("core:inbox")


@permission_required("audit:view")
def audit_log(request):
    form = AuditFilterForm(request.GET or None)
    entries = AuditEntry.objects.all()
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            entries = entries.filter(action__startswith=data["action"])
        if data["actor"]:
            entries = entries.filter(actor_label=data["actor"])
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
        tz = timezone.get_current_timezone()
        if data["date_from"]:
            entries = entries.filter(created_at__gte=datetime.combine(data["date_from"], time.min, tz))
        if data["date_to"]:
            entries = entries.filter(created_at__lte=datetime.combine(data["date_to"], time.max, tz))
    before = request.GET.get("before")
    if before and before.isdigit():
        entries = entries.filter(id__lt=int(before))
    rows = list(entries.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    query = request.GET.copy()
    query.pop("before", None)
    log_action("core.audit.searched", actor=request.user, data={k: v for k, v in request.GET.items() if k != "before"})
    return render_page(
        request,
        "core/audit_log.html",
        {"form": form, "entries": rows, "next_before": rows[-1].id if more else None, "query": query.urlencode()},
        fragment="core/_audit_rows.html",
    )


@permission_required("personal_data:reveal")
@require_http_methods(["GET", "POST"])
def reveal_field(request, model: str, pk: int, field: str):
    model_class = reveal.lookup(model, field)
    if model_class is None:
        raise Http404
    try:
        obj = model_class.objects.visible_to(request.user).get(pk=pk)
    except model_class.DoesNotExist:
        raise Http404 from None
    organization = getattr(obj, "organization", None)
    if organization is not None and not get_scope(request.user).has("personal_data:reveal", organization):
        raise PermissionDenied
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            value = services.reveal_personal_data(request.user, obj, field, form.cleaned_data["reason"])
        except services.DomainError as error:
            form.add_error("reason", error.message)
        else:
            return HttpResponse(format_html('<span class="font-monospace" data-revealed>{}</span>', value))
    return render(
        request, "core/_reveal_form.html", {"form": form, "model": model, "pk": pk, "field": field}, status=200
    )


@permission_required("calendar:manage")
@require_http_methods(["GET", "POST"])
def calendar_overrides(request):
    form = WorkingDayOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            WorkingDayOverride.objects.filter(date=form.cleaned_data["date"]).delete()
            override = form.save(commit=False)
            override.created_by = request.user
            override.save()
            log_action(
                "core.calendar.override_set",
                actor=request.user,
                obj=override,
                data={"date": str(override.date), "is_working_day": override.is_working_day},
            )
        messages.success(request, _("The calendar was updated."))
        return redirect("core:calendar")
    overrides = WorkingDayOverride.objects.filter(date__gte=timezone.localdate().replace(month=1, day=1))
    return render(request, "core/calendar.html", {"form": form, "overrides": overrides})


@public
def health(request):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
