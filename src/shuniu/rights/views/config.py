"""The district coordinator's settings: categories, deadlines, routing rules; and the legal-aid pool."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.scoping import get_scope
from shuniu.rights.forms import CategoryForm, DeadlinePolicyForm, LegalAidProviderForm, RoutingRuleForm
from shuniu.rights.models import CaseCategory, DeadlinePolicy, LegalAidProvider, RoutingRule

EDITABLE = {
    "category": (CaseCategory, CategoryForm, gettext_lazy("case category")),
    "deadline": (DeadlinePolicy, DeadlinePolicyForm, gettext_lazy("deadline policy")),
    "rule": (RoutingRule, RoutingRuleForm, gettext_lazy("routing rule")),
}


@permission_required("rights:config_manage")
def settings_overview(request):
    return render(
        request,
        "rights/settings.html",
        {
            "categories": CaseCategory.objects.all(),
            "policies": DeadlinePolicy.objects.select_related("category"),
            "rules": RoutingRule.objects.select_related("category", "region", "organization", "notify_department"),
        },
    )


def _edit(request, kind, pk=None):
    model, form_class, label = EDITABLE[kind]
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            log_action(
                f"rights.config.{kind}_{'updated' if pk else 'created'}",
                actor=request.user,
                obj=saved,
                data={field: str(form.cleaned_data[field]) for field in form.changed_data},
            )
        messages.success(request, _("Saved. New cases follow it from now on; existing cases keep their deadlines."))
        return redirect("rights:settings")
    return render(request, "rights/settings_form.html", {"form": form, "label": label, "instance": instance})


@permission_required("rights:config_manage")
@require_http_methods(["GET", "POST"])
def category_edit(request, pk=None):
    return _edit(request, "category", pk)


@permission_required("rights:config_manage")
@require_http_methods(["GET", "POST"])
def deadline_edit(request, pk=None):
    return _edit(request, "deadline", pk)


@permission_required("rights:config_manage")
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk=None):
    return _edit(request, "rule", pk)


@permission_required("rights:legal_aid_manage")
@require_http_methods(["GET", "POST"])
def legal_aid_pool(request):
    """The pool of the user's organisations (all pools for district roles); add a lawyer or volunteer."""
    scope = get_scope(request.user)
    org_ids = scope.org_ids_with("rights:legal_aid_manage")
    providers = LegalAidProvider.objects.select_related("organization")
    if org_ids is not None:
        providers = providers.filter(organization_id__in=org_ids)
    form = LegalAidProviderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            provider = form.save(commit=False)
            provider.organization = scope.primary_organization
            provider.save()
            log_action(
                "rights.legal_aid.provider_added", actor=request.user, organization=provider.organization, obj=provider
            )
        messages.success(request, _("%(name)s was added to the pool.") % {"name": provider.name})
        return redirect("rights:legal_aid_pool")
    return render(request, "rights/legal_aid_pool.html", {"providers": providers[:500], "form": form})
