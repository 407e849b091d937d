from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from shuniu.core.audit import log_action
from shuniu.core.decorators import public
from shuniu.core.forms import SignInForm, TokenForm


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = public(SignInView.as_view())


@public
@require_http_methods(["POST"])
def sign_out(request):
    return auth_views.LogoutView.as_view()(request)


def _safe_next(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Create (or reuse) an unconfirmed TOTP device, show its QR code and confirm it with a first code."""
    if user_has_device(request.user, confirmed=True) and request.user.is_verified():
        messages.info(request, _("Two-factor sign-in is already set up for your account."))
        return redirect("core:home")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            log_action("core.auth.totp_enabled", actor=request.user)
            messages.success(request, _("Two-factor sign-in is set up. You will be asked for a code at each sign-in."))
            return redirect(_safe_next(request))
        log_action("core.auth.totp_failed", actor=request.user, data={"stage": "setup"})
        form.add_error("token", _("That code is not correct or has expired. Enter the code now shown in the app."))
    import segno

    qr = segno.make(device.config_url, error="m")
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "core/two_factor_setup.html",
        {"form": form, "qr_data_uri": qr.svg_data_uri(scale=5), "secret": secret, "next": _safe_next(request, "")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
    if not devices:
        return redirect("core:two_factor_setup")
    if request.user.is_verified():
        return redirect(_safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices:
            allowed, _details = device.verify_is_allowed()
            if not allowed:
                form.add_error("token", _("Too many wrong codes. Please wait a minute and try again."))
                break
            if device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                log_action("core.auth.totp_verified", actor=request.user)
                return redirect(_safe_next(request))
        else:
            log_action("core.auth.totp_failed", actor=request.user, data={"stage": "sign-in"})
            form.add_error("token", _("That code is not correct or has expired. Enter the code now shown in the app."))
    return render(request, "core/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})
