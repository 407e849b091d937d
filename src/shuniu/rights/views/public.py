"""The citizen's pages on the portal: submit a request, follow it with the code and phone digits."""

import re

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shuniu.core.decorators import public
from shuniu.core.request_context import current_ip
from shuniu.core.services import DomainError
from shuniu.rights import services
from shuniu.rights.forms import PublicIntakeForm, TrackForm
from shuniu.rights.models import Channel, Status

TRACK_ATTEMPTS = 10
TRACK_WINDOW_SECONDS = 15 * 60
PUBLIC_STEPS = [
    (Status.RECEIVED, _("Received")),
    (Status.ACCEPTED, _("Accepted")),
    (Status.IN_PROGRESS, _("Being handled")),
    (Status.RESOLVED, _("Resolved")),
    (Status.CLOSED, _("Closed")),
]
STEP_OF = {
    Status.RECEIVED: 0,
    Status.DECLINED: 0,
    Status.ACCEPTED: 1,
    Status.ASSIGNED: 1,
    Status.IN_PROGRESS: 2,
    Status.REOPENED: 2,
    Status.RESOLVED: 3,
    Status.FOLLOWED_UP: 3,
    Status.CLOSED: 4,
}


def _client_ip(request) -> str:
    return current_ip() or request.META.get("REMOTE_ADDR", "") or "unknown"


@public
@require_http_methods(["GET", "POST"])
def intake(request):
    form = PublicIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.submit_case(
                channel=Channel.WEB,
                category=data["category"],
                name=data["name"],
                phone=data["phone"],
                community=data["community"],
                description=data["description"],
                consent_processing=data["consent"],
                consent_referral=data["consent"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            request.session["rights_submitted_code"] = case.tracking_code
            return redirect("rights_public:submitted")
    return render(request, "rights/public/intake.html", {"form": form})


@public
def submitted(request):
    code = request.session.get("rights_submitted_code")
    return render(request, "rights/public/submitted.html", {"code": code})


@public
@require_http_methods(["GET", "POST"])
def track(request):
    """Same answer for an unknown code and wrong digits; at most 10 tries per 15 minutes per address.
    `?code=` (from "my requests" or a message) fills in the tracking code; nothing is looked up until
    the last four phone digits are entered too."""
    code = re.sub(r"[^0-9A-Za-z-]", "", request.GET.get("code", ""))[:20].upper()
    form = TrackForm(request.POST or None, initial={"code": code} if code else None)
    if code and request.method == "GET":
        form.fields["last_four"].widget.attrs["autofocus"] = True
    case = None
    status_code = 200
    if request.method == "POST":
        key = f"rights-track:{_client_ip(request)}"
        cache.add(key, 0, TRACK_WINDOW_SECONDS)
        try:
            attempts = cache.incr(key)
        except ValueError:
            cache.set(key, 1, TRACK_WINDOW_SECONDS)
            attempts = 1
        if attempts > TRACK_ATTEMPTS:
            form.is_valid()
            form.add_error(None, _("Too many attempts. Please wait 15 minutes and try again, or call the hotline."))
            status_code = 429
        elif form.is_valid():
            case = services.find_for_tracking(form.cleaned_data["code"], form.cleaned_data["last_four"])
            if case is None:
                form.add_error(
                    None,
                    _("We found no request with this code and these phone digits. Please check both and try again."),
                )
    context = {"form": form, "case": case}
    if case is not None:
        step = STEP_OF.get(case.status)
        context.update(
            steps=[
                (label, index <= (step if step is not None else -1)) for index, (_s, label) in enumerate(PUBLIC_STEPS)
            ],
            withdrawn=case.status == Status.WITHDRAWN,
            last_update=case.events.order_by("-id").values_list("created_at", flat=True).first(),
        )
    return render(request, "rights/public/track.html", context, status=status_code)
