from django.apps import apps
from django.conf import settings
from django.urls import NoReverseMatch, reverse

from shuniu.core.hooks import navigation_items
from shuniu.core.models import Notification
from shuniu.core.scoping import get_scope


def shell(request):
    """Navigation by role and the unread count, for the staff layout."""
    context = {"site_name": settings.SHUNIU_SITE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    scope = get_scope(user)
    if request.path.startswith("/accounts/two-factor/") and not user.is_verified():
        # Half signed in (password given, code not yet): show no menu of what lies behind.
        context.update(nav_items=[], scope=scope, unread_count=0)
        return context
    nav = []
    app_order = {app.rsplit(".", 1)[1]: index for index, app in enumerate(settings.SHUNIU_APPS)}
    for item in navigation_items():
        if item.permission in scope.permissions:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            app = item.url_name.split(":")[0]
            group = str(apps.get_app_config(app).verbose_name) if app in app_order and app != "core" else ""
            nav.append(
                {
                    "label": item.label,
                    "url": url,
                    "icon": item.icon,
                    "section": item.section,
                    "group": group,
                    "group_order": app_order.get(app, 99),
                    "order": item.order,
                    "active": request.path.startswith(url) and (url != "/" or request.path == "/"),
                }
            )
    # Items of one app stay together under the app's name; the shell's own items come first.
    nav.sort(key=lambda entry: (entry["section"] == "admin", entry["group_order"], entry["order"]))
    context.update(
        nav_items=nav,
        scope=scope,
        unread_count=Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    )
    return context
