"""Sharing with affiliated social organisations: staff pages (share an activity, refer a need, follow
the referral) and the contact's answer page reached through a signed link (no account)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.decorators import permission_required, public
from shuniu.core.models import Organization
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.core.workdays import add_working_days
from shuniu.outreach.models import Activity, SocialReferral, SocialReferralSource, SocialReferralStatus
from shuniu.outreach.referral_forms import (
    ActivityShareForm,
    ReferralAnswerForm,
    ReferralOutcomeForm,
    SocialReferralForm,
)
from shuniu.outreach.services import referrals as referral_services
from shuniu.outreach.views.common import organizations_with

PAGE_SIZE = 30
SOURCE_CHOICES_LIMIT = 30


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


@permission_required("outreach:activity_manage")
@require_POST
def activity_share(request, pk: int):
    activity = get_visible_or_404(Activity.objects.select_related("organization"), request.user, pk=pk)
    form = ActivityShareForm(
        request.POST, organizations=referral_services.affiliated_social_organizations(activity.organization)
    )
    if not form.is_valid():
        messages.error(request, _("Choose at least one affiliated social organisation."))
    else:
        try:
            shares = referral_services.share_activity(
                request.user, activity, form.cleaned_data["social_organizations"], base_url=_base_url(request)
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Shared with %(count)d social organisation(s); their contacts have been sent a message.")
                % {"count": len(shares)},
            )
    return redirect("outreach:activity_detail", pk=pk)


@permission_required("outreach:view")
def referral_list(request):
    referrals = SocialReferral.objects.visible_to(request.user).select_related("hub", "social_organization")
    status = request.GET.get("status", "")
    if status in SocialReferralStatus.values:
        referrals = referrals.filter(status=status)
    before = request.GET.get("before")
    if before and before.isdigit():
        referrals = referrals.filter(id__lt=int(before))
    rows = list(referrals.order_by("-id")[: PAGE_SIZE + 1])
    return render(
        request,
        "outreach/referral_list.html",
        {
            "referrals": rows[:PAGE_SIZE],
            "next_before": rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None,
            "status": status,
            "statuses": SocialReferralStatus.choices,
            "today": timezone.localdate(),
            "can_refer": get_scope(request.user).has("outreach:refer"),
        },
    )


def _source_choices(user) -> list:
    """Recent rights cases and aid applications the user may see, as "<kind>:<id>" choices. The
    labels name the record (tracking code, subject or programme), never the person."""
    from shuniu.relief.models import Application
    from shuniu.rights.models import RightsCase

    cases = RightsCase.objects.visible_to(user).only("pk", "tracking_code", "subject").order_by("-pk")
    applications = (
        Application.objects.visible_to(user).select_related("programme").only("pk", "code", "programme__name")
    ).order_by("-pk")
    groups = []
    case_rows = [
        (f"{SocialReferralSource.RIGHTS_CASE}:{case.pk}", f"{case.tracking_code} {case.subject}")
        for case in cases[:SOURCE_CHOICES_LIMIT]
    ]
    if case_rows:
        groups.append((_("Rights cases"), case_rows))
    application_rows = [
        (
            f"{SocialReferralSource.RELIEF_APPLICATION}:{application.pk}",
            f"{application.code} {application.programme.name}",
        )
        for application in applications[:SOURCE_CHOICES_LIMIT]
    ]
    if application_rows:
        groups.append((_("Aid applications"), application_rows))
    return groups


@permission_required("outreach:refer")
@require_http_methods(["GET", "POST"])
def referral_create(request):
    hubs = organizations_with(request.user, "outreach:refer")
    hub_ids = list(hubs.values_list("pk", flat=True))
    parents = Organization.objects.filter(pk__in=hub_ids).values_list("parent_id", flat=True)
    social_organizations = (
        Organization.objects.filter(
            kind="social_org",
            hub_id__in=[*hub_ids, *[parent for parent in parents if parent]],
            is_active=True,
            social_profile__status="active",
            social_profile__accepts_referrals=True,
        )
        .select_related("hub")
        .order_by("name")
    )
    source_choices = _source_choices(request.user)
    initial = {
        "source": request.GET.get("source", ""),
        "hub": hubs.first(),
        "due_on": add_working_days(timezone.localdate(), 10),
    }
    form = SocialReferralForm(
        request.POST or None,
        initial=initial,
        hubs=hubs,
        social_organizations=social_organizations,
        source_choices=source_choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["source"]:
            source_type, _separator, source_id = data["source"].partition(":")
        else:
            source_type, source_id = SocialReferralSource.STANDALONE, data["person"]
        subject = referral_services.subject_from_source(request.user, source_type, source_id)
        if subject is None:
            form.add_error("person" if source_type == SocialReferralSource.STANDALONE else "source", _("Not found."))
        else:
            try:
                referral = referral_services.create_referral(
                    request.user,
                    hub=data["hub"],
                    social_organization=data["social_organization"],
                    subject=subject,
                    need=data["need"],
                    due_on=data["due_on"],
                    share_contact=data["share_contact"],
                    base_url=_base_url(request),
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("Referral sent. The organisation's contact has been sent a link to answer.")
                )
                return redirect("outreach:referral_detail", pk=referral.pk)
    return render(
        request,
        "outreach/referral_form.html",
        {"form": form, "has_social_organizations": social_organizations.exists()},
    )


@permission_required("outreach:view")
def referral_detail(request, pk: int):
    referral = get_visible_or_404(
        SocialReferral.objects.select_related("hub", "social_organization", "created_by"), request.user, pk=pk
    )
    return render(
        request,
        "outreach/referral_detail.html",
        {
            "referral": referral,
            "outbox": list(referral.messages.order_by("id")),
            "overdue": referral.is_overdue(),
        },
    )


def _no_trace(response):
    # The link is the contact's key: keep it out of other sites' Referer headers, caches and search
    # engines ("no-referrer" would make the browser send "Origin: null" and fail the CSRF check).
    response["Referrer-Policy"] = "same-origin"
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@public
@require_http_methods(["GET", "POST"])
def referral_answer(request, token: str):
    """The social organisation's contact answers a referral (accept/decline) or reports its outcome."""
    try:
        referral, purpose = referral_services.referral_for_link(token)
    except referral_services.LinkRefused as refused:
        return _no_trace(
            render(
                request,
                "outreach/public/referral_link_refused.html",
                {"expired": refused.expired},
                status=410 if refused.expired else 404,
            )
        )
    answer = purpose == referral_services.PURPOSE_ANSWER
    form_class = ReferralAnswerForm if answer else ReferralOutcomeForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if answer:
                decision = request.POST.get("decision")
                if decision not in ("accept", "decline"):
                    raise DomainError(_("Choose whether you accept or decline."))
                referral = referral_services.answer_referral(
                    token, accept=decision == "accept", note=form.cleaned_data["note"], base_url=_base_url(request)
                )
            else:
                referral = referral_services.report_outcome(token, form.cleaned_data["note"])
        except referral_services.LinkRefused as refused:
            return _no_trace(
                render(
                    request,
                    "outreach/public/referral_link_refused.html",
                    {"expired": refused.expired},
                    status=410 if refused.expired else 404,
                )
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            return _no_trace(render(request, "outreach/public/referral_answered.html", {"referral": referral}))
    return _no_trace(
        render(
            request,
            "outreach/public/referral_answer.html",
            {"referral": referral, "form": form, "answer": answer},
        )
    )
