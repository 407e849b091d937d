from functools import lru_cache

from django.apps import apps
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import get_language

from shuniu.core.hooks import navigation_items
from shuniu.core.models import Notification
from shuniu.core.scoping import get_scope


@lru_cache(maxsize=256)
def _menu(permissions: frozenset[str], language: str, script_prefix: str) -> tuple[dict, ...]:
    """The menu for one set of permissions in one language, built once per process: every staff
    page needs it, and the navigation modules, URLs and app names do not change while it runs."""
    nav = []
    app_order = {app.rsplit(".", 1)[1]: index for index, app in enumerate(settings.SHUNIU_APPS)}
    for item in navigation_items():
        if item.permission in permissions:
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
                }
            )
    # Items of one app stay together under the app's name; the shell's own items come first.
    nav.sort(key=lambda entry: (entry["section"] == "admin", entry["group_order"], entry["order"]))
    return tuple(nav)


def shell(request):
    """Navigation by role and the unread count, for the staff layout."""
    context = {"site_name": settings.SHUNIU_SITE_NAME}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return context
    scope = get_scope(user)
    if request.path.startswith("/accounts/two-factor/") and not user.is_verified():
        # Half signed in (password given, code not yet): show no menu of what lies behind.
        context.update(nav_items=[], nav_html="", scope=scope, unread_count=0)
        return context
    menu = _menu(scope.permissions, get_language(), get_script_prefix())
    active = tuple(
        entry["url"]
        for entry in menu
        if request.path.startswith(entry["url"]) and (entry["url"] != "/" or request.path == "/")
    )
    unread_count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    key = (scope.permissions, get_language(), get_script_prefix(), active, unread_count)
    context.update(
        nav_items=[{**entry, "active": entry["url"] in active} for entry in menu],
        # Rendered only when a full page shows it (the template calls it), then reused by every
        # request with the same menu: the sidebar was a fifth of a list page's rendering time.
        nav_html=lambda: _menu_html(*key),
        scope=scope,
        unread_count=unread_count,
    )
    return context


@lru_cache(maxsize=1024)
def _menu_html(
    permissions: frozenset[str], language: str, script_prefix: str, active: tuple[str, ...], unread_count: int
) -> str:
    menu = _menu(permissions, language, script_prefix)
    nav = [{**entry, "active": entry["url"] in active} for entry in menu]
    return render_to_string("includes/nav.html", {"nav_items": nav, "unread_count": unread_count})
