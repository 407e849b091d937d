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
    nav = []
    for item in navigation_items():
        if item.permission in scope.permissions:
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:
                continue
            nav.append(
                {
                    "label": item.label,
                    "url": url,
                    "icon": item.icon,
                    "section": item.section,
                    "active": request.path.startswith(url) and (url != "/" or request.path == "/"),
                }
            )
    context.update(
        nav_items=nav,
        scope=scope,
        unread_count=Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    )
    return context
