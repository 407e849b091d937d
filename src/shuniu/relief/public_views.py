"""Citizen pages on the portal: programmes and applying, public notices with objections, and
following an application by tracking code and the last four digits of the phone."""

import hashlib
import re

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shuniu.core.crypto import mask_id_number, mask_name
from shuniu.core.decorators import public
from shuniu.core.services import DomainError
from shuniu.people.services import find_or_create_person
from shuniu.relief import services
from shuniu.relief.forms import ApplicationForm, ObjectionForm, TrackForm
from shuniu.relief.models import Application, Channel, Decision, Programme, PublicNotice, Status
from shuniu.relief.views import application_input

LIMITS = {"apply": (10, 3600), "objection": (5, 3600), "track": (20, 600)}


def rate_limited(request, action: str) -> bool:
    """Counts this visitor's attempts at `action` in a fixed window; True once over the limit."""
    limit, window = LIMITS[action]
    ip = request.META.get("REMOTE_ADDR") or "unknown"
    key = f"relief:rate:{action}:{hashlib.sha256(ip.encode()).hexdigest()[:16]}"
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, window)
        count = 1
    return count > limit


@public
def programmes(request):
    rows = list(Programme.objects.open_to_public().select_related("organization").prefetch_related("rules"))
    return render(request, "relief/public/programmes.html", {"programmes": rows})


@public
@require_http_methods(["GET", "POST"])
def apply(request, code: str):
    programme = get_object_or_404(Programme.objects.open_to_public(), code=code)
    form = ApplicationForm(request.POST or None, request.FILES or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "apply"):
            form.add_error(None, _("Too many applications from this connection; please try again in an hour."))
        else:
            data = form.cleaned_data
            try:
                person, _created = find_or_create_person(
                    name=data["name"],
                    organization=programme.organization,
                    id_number=data["id_number"],
                    phone=data["phone"],
                    community=data["community"],
                )
                application = services.create_application(
                    programme=programme,
                    person=person,
                    data=application_input(data, data.get("document")),
                    channel=Channel.PORTAL,
                    community=data["community"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return render(
                    request, "relief/public/applied.html", {"application": application, "programme": programme}
                )
    return render(request, "relief/public/apply.html", {"programme": programme, "form": form})


def _notice_rows(notice):
    rows = []
    for application in notice.applications.select_related("person", "community").order_by("id"):
        rows.append(
            {
                "code": application.code,
                "name": mask_name(application.person.name),
                "id_number": mask_id_number(application.person.id_number),
                "community": str(application.community or ""),
                "amount": application.amount,
                "paused": application.status == Status.PAUSED,
            }
        )
    return rows


@public
def notices(request):
    now = timezone.now()
    current = list(PublicNotice.objects.filter(ends_at__gt=now).select_related("programme", "organization")[:20])
    for notice in current:
        notice.rows = _notice_rows(notice)
    return render(request, "relief/public/notices.html", {"notices": current})


@public
@require_http_methods(["GET", "POST"])
def objection(request, code: str):
    application = get_object_or_404(
        Application.objects.select_related("notice", "programme", "person", "community"),
        code=code.upper(),
        notice__isnull=False,
    )
    if application.status not in (Status.IN_NOTICE, Status.PAUSED):
        raise Http404
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "objection"):
            form.add_error(None, _("Too many objections from this connection; please try again in an hour."))
        else:
            try:
                services.file_objection(
                    application, text=form.cleaned_data["text"], contact=form.cleaned_data["contact"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                return render(request, "relief/public/objection_filed.html", {"application": application})
    return render(
        request,
        "relief/public/objection.html",
        {
            "application": application,
            "form": form,
            "masked_name": mask_name(application.person.name),
            "masked_id": mask_id_number(application.person.id_number),
        },
    )


def _timeline(application):
    events = [(application.created_at, _("Application received"), "")]
    for decision in application.decisions.select_related("step"):
        if decision.decision == Decision.RESUBMIT:
            events.append((decision.created_at, _("Revised and resubmitted"), ""))
            continue
        label = decision.step.name if decision.step else _("Public notice")
        events.append((decision.created_at, f"{label}: {decision.get_decision_display()}", decision.comment))
    if application.notice_id:
        events.append((application.notice.starts_at, _("Public notice published"), ""))
    for entry in application.entries.all():
        events.append((entry.created_at, entry.get_kind_display(), f"{entry.amount}"))
    return sorted(events, key=lambda event: event[0])


@public
@require_http_methods(["GET", "POST"])
def track(request):
    """`?code=` (from "my requests" or a message) fills in the tracking code; nothing is looked up
    until the last four phone digits are entered too."""
    code = re.sub(r"[^0-9A-Za-z]", "", request.GET.get("code", ""))[:12].upper()
    form = TrackForm(request.POST or None, initial={"code": code} if code else None)
    if code and request.method == "GET":
        form.fields["phone_last4"].widget.attrs["autofocus"] = True
    application = None
    if request.method == "POST" and form.is_valid():
        if rate_limited(request, "track"):
            form.add_error(None, _("Too many attempts; please try again in ten minutes."))
        else:
            candidate = (
                Application.objects.select_related("programme", "notice").filter(code=form.cleaned_data["code"]).first()
            )
            if candidate and (candidate.contact_phone or "")[-4:] == form.cleaned_data["phone_last4"]:
                application = candidate
            else:
                # One message for both cases, so the page does not confirm which codes exist.
                form.add_error(None, _("No application matches this code and phone number."))
    return render(
        request,
        "relief/public/track.html",
        {
            "form": form,
            "application": application,
            "timeline": _timeline(application) if application else [],
            "steps": list(application.programme.steps.all()) if application else [],
        },
    )
