"""Sign-in events go to the audit log. These are Django's own auth signals; business actions are
logged explicitly in services."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shuniu.core.audit import log_action
from shuniu.core.middleware import client_ip


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    log_action("core.auth.login", actor=user, ip=client_ip(request) if request else None)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        log_action("core.auth.logout", actor=user, ip=client_ip(request) if request else None)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    log_action("core.auth.login_failed", data={"username": username}, ip=client_ip(request) if request else None)


@receiver(user_locked_out)
def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    log_action("core.auth.locked_out", data={"username": str(username or "")[:150]}, ip=ip_address)
