"""Staff pages where administrators issue and revoke API tokens and manage webhooks."""

from datetime import datetime, time

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shuniu.core.decorators import permission_required
from shuniu.core.scoping import get_visible_or_404
from shuniu.core.services import DomainError

from . import services
from .forms import TokenForm, WebhookForm
from .models import ApiToken, WebhookDelivery, WebhookSubscription

PAGE_SIZE = 50


@permission_required("api:manage")
@require_http_methods(["GET", "POST"])
def token_list(request):
    form = TokenForm(request.POST or None, actor=request.user)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = datetime.combine(data["expires_on"], time(23, 59, 59), timezone.get_current_timezone())
        try:
            token, raw = services.create_token(
                request.user,
                name=data["name"],
                kind=data["kind"],
                organization=data["organization"],
                permissions=data["permissions"],
                expires_at=expires_at,
                user=data["user"] if data["kind"] == "personal" else None,
                rate_limit_per_minute=data["rate_limit_per_minute"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            created = (token, raw)
            form = TokenForm(actor=request.user)
    tokens = ApiToken.objects.visible_to(request.user).select_related("organization", "user")
    before = request.GET.get("before")
    if before and before.isdigit():
        tokens = tokens.filter(pk__lt=int(before))
    rows = list(tokens.order_by("-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": rows, "created": created, "next_before": rows[-1].pk if more else None},
        status=422 if request.method == "POST" and created is None else 200,
    )


@permission_required("api:manage")
@require_http_methods(["GET", "POST"])
def token_detail(request, pk: int):
    token = get_visible_or_404(
        ApiToken.objects.select_related("organization", "user", "created_by"), request.user, pk=pk
    )
    form = WebhookForm(request.POST or None)
    secret = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _subscription, secret = services.add_webhook(
                    request.user, token, url=form.cleaned_data["url"], event_prefixes=form.cleaned_data["events"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
                status = 422
            else:
                form = WebhookForm()
        else:
            status = 422
    subscriptions = list(WebhookSubscription.objects.filter(token=token).order_by("-pk"))
    deliveries = list(
        WebhookDelivery.objects.filter(subscription__token=token).select_related("subscription").order_by("-pk")[:30]
    )
    return render(
        request,
        "api/token_detail.html",
        {"token": token, "form": form, "secret": secret, "subscriptions": subscriptions, "deliveries": deliveries},
        status=status,
    )


@permission_required("api:manage")
@require_POST
def token_revoke(request, pk: int):
    token = get_visible_or_404(ApiToken.objects.select_related("organization"), request.user, pk=pk)
    try:
        services.revoke_token(request.user, token)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token “%(name)s” is revoked; it no longer works.") % {"name": token.name})
    return redirect("api:token_detail", pk=token.pk)


@permission_required("api:manage")
@require_POST
def webhook_toggle(request, pk: int):
    subscription = get_visible_or_404(
        WebhookSubscription.objects.select_related("token__organization"), request.user, pk=pk
    )
    try:
        services.set_webhook_active(request.user, subscription, not subscription.is_active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Webhook resumed.") if subscription.is_active else _("Webhook paused."))
    return redirect("api:token_detail", pk=subscription.token_id)
