"""Staff pages: affiliated social organisations, government partners, procedures, news."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shuniu.core.decorators import permission_required
from shuniu.core.models import Organization, OrganizationKind
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.outreach import partners as partner_links
from shuniu.outreach.forms import DepartmentContactForm, NewsForm, ProcedureVersionForm, SocialOrganizationForm
from shuniu.outreach.models import (
    Activity,
    DepartmentContact,
    NewsItem,
    Procedure,
    ProcedureVersion,
    SocialOrganizationProfile,
    SocialOrganizationStatus,
)
from shuniu.outreach.services import directory as directory_services
from shuniu.outreach.views.common import organizations_with


def _hubs(user):
    return organizations_with(user, "outreach:directory_manage").filter(parent__isnull=True)


@permission_required("outreach:view")
def social_org_list(request):
    profiles = SocialOrganizationProfile.objects.visible_to(request.user).select_related(
        "organization", "organization__hub"
    )
    status = request.GET.get("status", "")
    if status in SocialOrganizationStatus.values:
        profiles = profiles.filter(status=status)
    return render(
        request,
        "outreach/social_org_list.html",
        {
            "profiles": list(profiles.order_by("organization__hub__name", "organization__name")[:300]),
            "status": status,
            "statuses": SocialOrganizationStatus.choices,
            "can_manage": get_scope(request.user).has("outreach:directory_manage"),
        },
    )


@permission_required("outreach:directory_manage")
@require_http_methods(["GET", "POST"])
def social_org_create(request):
    return _social_org_form(request, SocialOrganizationProfile())


@permission_required("outreach:directory_manage")
@require_http_methods(["GET", "POST"])
def social_org_edit(request, pk: int):
    profile = get_visible_or_404(SocialOrganizationProfile.objects.select_related("organization"), request.user, pk=pk)
    return _social_org_form(request, profile)


def _social_org_form(request, profile):
    hubs = _hubs(request.user)
    form = SocialOrganizationForm(request.POST or None, instance=profile, hubs=hubs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            directory_services.save_social_organization(
                request.user,
                hub=data["hub"],
                name=data["name"],
                credit_code=data["credit_code"],
                profile=form.save(commit=False),
                organization=profile.organization if profile.pk else None,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Social organisation saved."))
            return redirect("outreach:social_orgs")
    activities = []
    if profile.pk:
        activities = list(
            Activity.objects.visible_to(request.user).filter(partners=profile.organization).order_by("-starts_at")[:20]
        )
    return render(
        request, "outreach/social_org_form.html", {"form": form, "profile": profile, "activities": activities}
    )


@permission_required("outreach:view")
def partner_list(request):
    departments = Organization.objects.filter(kind=OrganizationKind.GOV_DEPARTMENT, is_active=True).order_by("path")
    contacts = {}
    for contact in DepartmentContact.objects.filter(department__in=departments).order_by("name"):
        contacts.setdefault(contact.department_id, []).append(contact)
    rows = [(department, contacts.get(department.pk, [])) for department in departments]
    return render(request, "outreach/partner_list.html", {"rows": rows})


@permission_required("outreach:view")
@require_http_methods(["GET", "POST"])
def partner_detail(request, pk: int):
    department = get_object_or_404(Organization, pk=pk, kind=OrganizationKind.GOV_DEPARTMENT)
    can_manage = get_scope(request.user).has("outreach:directory_manage")
    form = DepartmentContactForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            contact = form.save(commit=False)
            contact.department = department
            try:
                directory_services.add_department_contact(request.user, contact)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Contact added."))
                return redirect("outreach:partner_detail", pk=pk)
    return render(
        request,
        "outreach/partner_detail.html",
        {
            "department": department,
            "contacts": department.partner_contacts.order_by("name"),
            "form": form,
            "can_manage": can_manage,
            "cases": partner_links.department_cases(request.user, department),
            "action_items": partner_links.department_action_items(request.user, department),
        },
    )


@permission_required("outreach:view")
def procedure_list(request):
    procedures = Procedure.objects.select_related("owner").prefetch_related("versions").order_by("code")
    return render(
        request,
        "outreach/procedure_list.html",
        {"procedures": procedures, "can_manage": get_scope(request.user).has("outreach:procedure_manage")},
    )


@permission_required("outreach:view")
def procedure_detail(request, pk: int):
    procedure = get_object_or_404(Procedure.objects.select_related("owner"), pk=pk)
    versions = list(procedure.versions.prefetch_related("steps").order_by("-number"))
    number = request.GET.get("version", "")
    current = procedure.current_version()
    shown = (
        next((v for v in versions if str(v.number) == number), None) or current or (versions[0] if versions else None)
    )
    return render(
        request,
        "outreach/procedure_detail.html",
        {
            "procedure": procedure,
            "versions": versions,
            "shown": shown,
            "current": current,
            "can_manage": get_scope(request.user).has("outreach:procedure_manage"),
        },
    )


@permission_required("outreach:procedure_manage")
@require_http_methods(["GET", "POST"])
def procedure_new_version(request):
    initial = {}
    existing = Procedure.objects.filter(code=request.GET.get("code", "")).first()
    if existing:
        current = existing.current_version() or existing.versions.order_by("-number").first()
        initial = {"code": existing.code, "title": existing.title}
        if current:
            initial.update(
                summary=current.summary,
                body=current.body,
                steps="\n".join(
                    f"{step.actor} | {step.action} | {step.deadline_working_days or ''}" for step in current.steps.all()
                ),
            )
    form = ProcedureVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        procedure = Procedure.objects.filter(code=data["code"]).first()
        if procedure is None:
            owner = get_scope(request.user).primary_organization
            procedure = Procedure(code=data["code"], title=data["title"], owner=owner)
        elif procedure.title != data["title"]:
            procedure.title = data["title"]
            procedure.save(update_fields=["title"])
        version = ProcedureVersion(
            summary=data["summary"],
            body=data["body"],
            effective_from=data["effective_from"],
            change_note=data["change_note"],
        )
        try:
            directory_services.add_procedure_version(request.user, procedure, version, data["steps"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Version %(number)d saved.") % {"number": version.number})
            return redirect("outreach:procedure_detail", pk=procedure.pk)
    return render(request, "outreach/procedure_form.html", {"form": form})


@permission_required("outreach:view")
@require_http_methods(["GET", "POST"])
def news_list(request):
    organizations = organizations_with(request.user, "outreach:news_manage")
    can_manage = get_scope(request.user).has("outreach:news_manage")
    form = NewsForm(request.POST or None, organizations=organizations, initial={"organization": organizations.first()})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                directory_services.publish_news(request.user, form.save(commit=False))
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("News published on the portal."))
                return redirect("outreach:news")
    items = NewsItem.objects.visible_to(request.user).select_related("organization").order_by("-published_at")[:50]
    return render(request, "outreach/news_list.html", {"items": items, "form": form, "can_manage": can_manage})
