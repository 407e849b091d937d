from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import user_has_device

from shuniu.core import accounts
from shuniu.core.decorators import permission_required
from shuniu.core.models import Membership, Organization, User
from shuniu.core.permissions import Role
from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError

PAGE_SIZE = 50


class UserForm(forms.Form):
    username = forms.RegexField(
        label=gettext_lazy("User name"),
        regex=r"^[a-zA-Z0-9_.-]{3,40}$",
        max_length=40,
        error_messages={"invalid": gettext_lazy("3 to 40 letters, digits, dots, dashes or underscores.")},
    )
    display_name = forms.CharField(label=gettext_lazy("Display name"), max_length=60)
    email = forms.EmailField(label=gettext_lazy("Email"), required=False)
    organization = forms.ModelChoiceField(label=gettext_lazy("Organisation"), queryset=Organization.objects.none())
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=())

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = accounts.manageable_organizations(actor)
        self.fields["role"].choices = [(role, Role(role).label) for role in accounts.grantable_roles(actor)]


class MembershipForm(UserForm):
    def __init__(self, actor, *args, **kwargs):
        super().__init__(actor, *args, **kwargs)
        for name in ("username", "display_name", "email"):
            del self.fields[name]


def _user_or_404(actor, pk):
    try:
        return accounts.manageable_users(actor).get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


@permission_required("account:view")
def user_list(request):
    users = accounts.manageable_users(request.user).prefetch_related("memberships__organization")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(display_name__icontains=query) | users.filter(username__icontains=query)
    before = request.GET.get("before")
    if before and before.isdigit():
        users = users.filter(id__lt=int(before))
    rows = list(users.order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "core/users.html",
        {
            "users": rows,
            "q": query,
            "next_before": rows[-1].id if more else None,
            "can_create": bool(accounts.grantable_roles(request.user)),
        },
    )


@permission_required("account:view")
@require_http_methods(["GET", "POST"])
def user_create(request):
    form = UserForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, password = accounts.create_user(request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _(
                    "Account %(username)s created. Initial password (shown once, give it to the "
                    "user in person): %(password)s"
                )
                % {"username": user.username, "password": password},
            )
            return redirect("core:user_detail", pk=user.pk)
    return render(request, "core/user_form.html", {"form": form})


@permission_required("account:view")
@require_http_methods(["GET", "POST"])
def user_detail(request, pk: int):
    user = _user_or_404(request.user, pk)
    form = MembershipForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.grant_membership(request.user, user, form.cleaned_data["organization"], form.cleaned_data["role"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Role granted."))
            return redirect("core:user_detail", pk=user.pk)
    actor_scope = get_scope(request.user)
    return render(
        request,
        "core/user_detail.html",
        {
            "account": user,
            "memberships": user.memberships.select_related("organization").order_by("-is_active", "organization__code"),
            "form": form,
            "has_device": user_has_device(user, confirmed=True),
            "can_reset_two_factor": Role.SECURITY_ADMIN in actor_scope.roles,
            "is_self": user.pk == request.user.pk,
        },
    )


@permission_required("account:view")
@require_POST
def user_action(request, pk: int, action: str):
    user = _user_or_404(request.user, pk)
    try:
        if action == "deactivate":
            accounts.set_active(request.user, user, False)
            messages.success(request, _("The account is deactivated; its sessions have ended."))
        elif action == "activate":
            accounts.set_active(request.user, user, True)
            messages.success(request, _("The account is active again."))
        elif action == "reset-two-factor":
            accounts.reset_two_factor(request.user, user)
            messages.success(request, _("Two-factor sign-in was reset; the user sets it up again at next sign-in."))
        else:
            raise Http404
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("core:user_detail", pk=user.pk)


@permission_required("account:view")
@require_POST
def membership_end(request, pk: int, membership_pk: int):
    user = _user_or_404(request.user, pk)
    try:
        membership = Membership.objects.get(pk=membership_pk, user=user)
    except Membership.DoesNotExist:
        raise Http404 from None
    try:
        accounts.end_membership(request.user, membership)
        messages.success(request, _("The role was ended."))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("core:user_detail", pk=user.pk)
