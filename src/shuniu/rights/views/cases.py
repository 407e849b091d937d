"""Case pages: the hotline intake form, the case page with its timeline, and the case actions.

Every action view: find the case through visible_to (404 out of scope) → validate the form →
call the service → message and back to the case page. Refusals change nothing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.models import User
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.rights import services
from shuniu.rights.forms import (
    ActivityForm,
    AssignForm,
    AttachmentForm,
    ComplexityForm,
    FollowUpForm,
    HotlineIntakeForm,
    LegalAidForm,
    NoteForm,
    ReferForm,
    ReferralAnswerForm,
    RerouteForm,
    ResolveForm,
)
from shuniu.rights.models import (
    CaseAttachment,
    CaseParticipant,
    CollectiveContract,
    LegalAidProvider,
    ParticipantRole,
    Referral,
    ReferralStatus,
    RightsCase,
    own_org_ids,
)
from shuniu.rights.services.lifecycle import allowed_actions
from shuniu.rights.views.files import file_download


@permission_required("rights:case_intake")
@require_http_methods(["GET", "POST"])
def case_create(request):
    """The hotline operator's form: one screen, keyboard order, only the essentials required."""
    form = HotlineIntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.submit_case(
                channel=data["channel"],
                category=data["category"],
                complexity=data["complexity"],
                name=data["name"],
                phone=data["phone"],
                id_number=data["id_number"],
                community=data["community"],
                subject=data["subject"],
                description=data["description"],
                enterprise=data["enterprise"],
                amount_claimed=data["amount_claimed"],
                consent_processing=data["consent_processing"],
                consent_referral=data["consent_referral"],
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Case %(code)s was taken in and sent to %(organization)s. Tell the caller the tracking code.")
                % {"code": case.tracking_code, "organization": case.lead_org.display_name},
            )
            if RightsCase.objects.visible_to(request.user).filter(pk=case.pk).exists():
                return redirect("rights:case_detail", pk=case.pk)
            return redirect("rights:case_create")
    return render(request, "rights/case_form.html", {"form": form})


def _case_for(request, pk):
    return get_visible_or_404(
        RightsCase.objects.select_related(
            "category", "lead_org", "assignee", "community", "street", "enterprise", "person", "legal_aid_provider"
        ),
        request.user,
        pk=pk,
    )


def _assignees(case):
    return User.objects.filter(
        memberships__organization=case.lead_org,
        memberships__role__in=["caseworker", "supervisor"],
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def _providers(case):
    org_ids = {
        case.lead_org_id,
        *case.participants.filter(role=ParticipantRole.CO_HANDLER).values_list("organization_id", flat=True),
    }
    return LegalAidProvider.objects.filter(
        Q(organization_id__in=org_ids) | Q(organization__parent_id__in=org_ids), is_active=True
    ).order_by("name")


@permission_required("rights:case_view")
def case_detail(request, pk):
    case = _case_for(request, pk)
    scope = get_scope(request.user)
    show_details = case.details_visible_to(request.user)
    can_handle = show_details and scope.has("rights:case_handle") and _handles(case, request.user)
    orgs = own_org_ids(request.user)
    referrals = list(case.referrals.select_related("from_org", "to_org", "responded_by").order_by("-id"))
    for referral in referrals:
        referral.can_answer = referral.status == ReferralStatus.PENDING and scope.has(
            "rights:referral_respond", referral.to_org
        )
    now = timezone.now()
    context = {
        "case": case,
        "show_details": show_details,
        "can_handle": can_handle,
        "can_reveal": show_details and scope.has("personal_data:reveal"),
        "can_supervise": scope.has("rights:case_supervise", case.lead_org) or scope.is_district,
        "actions": allowed_actions(case),
        "events": case.events.select_related("actor", "organization").order_by("created_at", "id"),
        "participants": case.participants.select_related("organization").order_by("id"),
        "referrals": referrals,
        "follow_ups": case.follow_ups.order_by("-id"),
        "overdue": case.is_overdue(now),
        "due_soon": case.is_due_soon(now),
        "in_joint_office": case.lead_org.kind == "joint_office" and case.lead_org_id in orgs,
    }
    if show_details:
        context["activities"] = case.activities.select_related("author", "organization")
        context["attachments"] = case.attachments.all()
    if can_handle:
        # Built only when the template shows them (it calls these): a case at one stage offers a
        # few of the twelve forms, and the assign and legal-aid forms each cost a query.
        context.update(
            decline_form=lambda: NoteForm(auto_id="decline-%s"),
            withdraw_form=lambda: NoteForm(auto_id="withdraw-%s"),
            reopen_form=lambda: NoteForm(auto_id="reopen-%s"),
            assign_form=lambda: AssignForm(assignees=_assignees(case), auto_id="assign-%s"),
            resolve_form=lambda: ResolveForm(auto_id="resolve-%s"),
            follow_up_form=lambda: FollowUpForm(auto_id="follow-up-%s"),
            refer_form=lambda: ReferForm(exclude_org=case.lead_org, auto_id="refer-%s"),
            complexity_form=lambda: ComplexityForm(initial={"complexity": case.complexity}, auto_id="complexity-%s"),
            activity_form=lambda: ActivityForm(auto_id="activity-%s"),
            attachment_form=lambda: AttachmentForm(auto_id="attachment-%s"),
            legal_aid_form=lambda: LegalAidForm(providers=_providers(case), auto_id="legal-aid-%s"),
            reroute_form=lambda: RerouteForm(auto_id="route-%s"),
        )
    if any(referral.can_answer for referral in referrals):
        context["answer_form"] = ReferralAnswerForm()
    if case.enterprise_id and show_details:
        context["contracts"] = CollectiveContract.objects.filter(enterprise_id=case.enterprise_id)[:5]
        context["enterprise_cases"] = (
            RightsCase.objects.visible_to(request.user)
            .filter(enterprise_id=case.enterprise_id)
            .exclude(pk=case.pk)
            .select_related("category")
            .order_by("-id")[:10]
        )
    if show_details and case.is_sensitive:
        log_action("rights.case.sensitive_viewed", actor=request.user, organization=case.lead_org, obj=case)
    return render(request, "rights/case_detail.html", context)


def _handles(case, user) -> bool:
    orgs = own_org_ids(user)
    if get_scope(user).is_district:
        return True
    if case.lead_org_id in orgs:
        return True
    return CaseParticipant.objects.filter(case=case, organization_id__in=orgs, role=ParticipantRole.CO_HANDLER).exists()


def _back(case):
    return redirect("rights:case_detail", pk=case.pk)


def _form_errors(request, form):
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


def _run(request, case, call, success: str):
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
    except PermissionDenied:
        messages.error(request, _("You may not do this for this case."))
    else:
        messages.success(request, success)
    return _back(case)


SIMPLE_ACTIONS = {
    "accept": services.accept_case,
    "start": services.start_work,
    "close": services.close_case,
    "decline": services.decline_case,
    "withdraw": services.withdraw_case,
    "reopen": services.reopen_case,
}


@permission_required("rights:case_handle")
@require_POST
def case_action(request, pk, action):
    case = _case_for(request, pk)
    if action not in SIMPLE_ACTIONS:
        raise Http404
    service = SIMPLE_ACTIONS[action]
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"].strip() if form.is_valid() else ""
    labels = {
        "accept": _("The case was accepted."),
        "start": _("Work on the case has started."),
        "close": _("The case was closed."),
        "decline": _("The case was declined and went back to the joint office."),
        "withdraw": _("The case was withdrawn."),
        "reopen": _("The case was reopened."),
    }
    return _run(request, case, lambda: service(case, request.user, note), labels[action])


@permission_required("rights:case_handle")
@require_POST
def case_assign(request, pk):
    case = _case_for(request, pk)
    form = AssignForm(request.POST, assignees=_assignees(case))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    assignee = form.cleaned_data["assignee"]
    return _run(
        request,
        case,
        lambda: services.assign_case(case, request.user, assignee),
        _("The case was assigned to %(name)s.") % {"name": assignee},
    )


@permission_required("rights:case_handle")
@require_POST
def case_resolve(request, pk):
    case = _case_for(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: services.resolve_case(
            case,
            request.user,
            outcome=data["outcome"],
            money_recovered=data["money_recovered"],
            summary=data["summary"],
        ),
        _("The case was resolved. Remember the follow-up visit within 7 working days."),
    )


@permission_required("rights:case_handle")
@require_POST
def case_follow_up(request, pk):
    case = _case_for(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: services.record_follow_up(
            case, request.user, satisfaction=data["satisfaction"], method=data["method"], comment=data["comment"]
        ),
        _("The follow-up visit was recorded."),
    )


@permission_required("rights:case_handle")
@require_POST
def case_refer(request, pk):
    case = _case_for(request, pk)
    form = ReferForm(request.POST, exclude_org=case.lead_org)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: services.refer_case(
            case, request.user, to_org=data["to_org"], reason=data["reason"], consent=data["consent"], mode=data["mode"]
        ),
        _("The case was referred to %(organization)s.") % {"organization": data["to_org"].display_name},
    )


@permission_required("rights:case_handle")
@require_POST
def case_reroute(request, pk):
    case = _case_for(request, pk)
    form = RerouteForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    organization = form.cleaned_data["organization"]
    return _run(
        request,
        case,
        lambda: services.reroute_case(case, request.user, organization, form.cleaned_data["note"]),
        _("The case was sent to %(organization)s.") % {"organization": organization.display_name},
    )


@permission_required("rights:case_handle")
@require_POST
def case_complexity(request, pk):
    case = _case_for(request, pk)
    form = ComplexityForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    return _run(
        request,
        case,
        lambda: services.set_complexity(
            case, request.user, form.cleaned_data["complexity"], form.cleaned_data["reason"]
        ),
        _("The complexity was changed and the deadline recomputed."),
    )


@permission_required("rights:case_handle")
@require_POST
def case_activity(request, pk):
    case = _case_for(request, pk)
    form = ActivityForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: services.add_activity(
            case,
            request.user,
            kind=data["kind"],
            body=data["body"],
            occurred_at=data["occurred_at"],
            participants=data["participants"],
            result=data["result"],
        ),
        _("The work was recorded."),
    )


@permission_required("rights:case_handle")
@require_POST
def case_attachment_upload(request, pk):
    case = _case_for(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    return _run(
        request,
        case,
        lambda: services.add_attachment(case, request.user, form.cleaned_data["file"]),
        _("The file was attached."),
    )


@permission_required("rights:case_view")
def attachment_download(request, pk):
    attachment = get_object_or_404(CaseAttachment.objects.select_related("case"), pk=pk)
    case = get_visible_or_404(RightsCase.objects.all(), request.user, pk=attachment.case_id)
    if not case.details_visible_to(request.user):
        raise Http404
    log_action(
        "rights.case.attachment_downloaded",
        actor=request.user,
        organization=case.lead_org,
        obj=case,
        data={"attachment": attachment.pk},
    )
    return file_download(attachment.file, attachment.name)


@permission_required("rights:case_handle")
@require_POST
def case_legal_aid(request, pk):
    case = _case_for(request, pk)
    form = LegalAidForm(request.POST, providers=_providers(case))
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    provider = form.cleaned_data["provider"]
    return _run(
        request,
        case,
        lambda: services.assign_legal_aid(case, request.user, provider),
        _("Legal aid was assigned to %(name)s.") % {"name": provider.name},
    )


@permission_required("rights:referral_respond")
@require_POST
def referral_answer(request, pk):
    referral = get_object_or_404(Referral.objects.select_related("case", "to_org", "from_org"), pk=pk)
    case = get_visible_or_404(RightsCase.objects.all(), request.user, pk=referral.case_id)
    form = ReferralAnswerForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(case)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    if decision == "accept":
        call, success = (
            (lambda: services.accept_referral(referral, request.user, note)),
            _("You accepted the referral; the case is now in your organisation's queue."),
        )
    else:
        call, success = (
            (lambda: services.decline_referral(referral, request.user, note)),
            _("You declined the referral; the sender was told."),
        )
    response = _run(request, case, call, success)
    if decision == "decline" and not RightsCase.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("rights:queue")
    return response
