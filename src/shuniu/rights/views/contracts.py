"""The enterprise and collective-contract registry."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shuniu.core.audit import log_action
from shuniu.core.decorators import permission_required
from shuniu.core.htmx import render_page
from shuniu.core.scoping import get_scope, get_visible_or_404
from shuniu.core.services import DomainError
from shuniu.rights import services
from shuniu.rights.forms import ContractForm, EnterpriseForm
from shuniu.rights.models import CollectiveContract, Enterprise, RightsCase
from shuniu.rights.views.files import file_download

PAGE_SIZE = 50


@permission_required("rights:contract_view")
def enterprise_list(request):
    query = (request.GET.get("q") or "").strip()
    enterprises = Enterprise.objects.visible_to(request.user).select_related("street")
    if query:
        enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code=query.upper()))
    before = request.GET.get("before")
    if before and before.isdigit():
        enterprises = enterprises.filter(id__lt=int(before))
    rows = list(enterprises.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    today = timezone.localdate()
    contracts = {}
    for contract in CollectiveContract.objects.filter(enterprise__in=rows).order_by("ends_on"):
        contracts.setdefault(contract.enterprise_id, []).append(contract)
    for enterprise in rows:
        enterprise.contract_list = contracts.get(enterprise.pk, [])
        states = {contract.state(today) for contract in enterprise.contract_list}
        enterprise.contract_state = next((s for s in ("in_force", "expiring", "future", "expired") if s in states), "")
    return render_page(
        request,
        "rights/enterprise_list.html",
        {"enterprises": rows, "query": query, "next_before": rows[-1].id if more else None},
        fragment="rights/_enterprise_rows.html",
    )


@permission_required("rights:contract_manage")
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk=None):
    instance = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk) if pk else None
    if instance and not get_scope(request.user).has("rights:contract_manage", instance.registered_by):
        raise PermissionDenied
    form = EnterpriseForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        enterprise = services.save_enterprise(form.save(commit=False), request.user)
        messages.success(request, _("The enterprise was saved."))
        return redirect("rights:enterprise_detail", pk=enterprise.pk)
    return render(request, "rights/enterprise_form.html", {"form": form, "instance": instance})


@permission_required("rights:contract_view")
def enterprise_detail(request, pk):
    enterprise = get_visible_or_404(Enterprise.objects.select_related("street", "registered_by"), request.user, pk=pk)
    today = timezone.localdate()
    contracts = list(enterprise.contracts.select_related("organization"))
    for contract in contracts:
        contract.current_state = contract.state(today)
    cases = (
        RightsCase.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("category", "lead_org")
        .order_by("-id")[:20]
    )
    can_manage = get_scope(request.user).has("rights:contract_manage")
    return render(
        request,
        "rights/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "contracts": contracts,
            "cases": cases,
            "contract_form": ContractForm(enterprise=enterprise) if can_manage else None,
            "can_manage": can_manage,
        },
    )


@permission_required("rights:contract_manage")
@require_http_methods(["GET", "POST"])
def contract_create(request, pk):
    enterprise = get_visible_or_404(Enterprise.objects.all(), request.user, pk=pk)
    form = ContractForm(request.POST or None, request.FILES or None, enterprise=enterprise)
    if request.method == "POST" and form.is_valid():
        contract = form.save(commit=False)
        contract.enterprise = enterprise
        try:
            services.register_contract(contract, request.user)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The contract was registered."))
            return redirect("rights:enterprise_detail", pk=enterprise.pk)
    return render(request, "rights/contract_form.html", {"form": form, "enterprise": enterprise})


@permission_required("rights:contract_view")
def contract_file(request, pk):
    contract = get_visible_or_404(CollectiveContract.objects.all(), request.user, pk=pk)
    if not contract.file:
        raise Http404
    log_action("rights.contract.file_downloaded", actor=request.user, obj=contract)
    return file_download(contract.file, contract.file.name.rsplit("/", 1)[-1])
