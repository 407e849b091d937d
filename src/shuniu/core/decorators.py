from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from shuniu.core.permissions import require_known
from shuniu.core.scoping import get_scope


def permission_required(key: str):
    """Staff view guard: anonymous → sign-in page; signed in without `key` anywhere → 403."""
    require_known(key)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not get_scope(request.user).has(key):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.permission_key = key
        return wrapped

    return decorator


def public(view):
    """Marks a view as open to anonymous visitors (the permission matrix checks the mark)."""
    view.is_public = True
    return view
