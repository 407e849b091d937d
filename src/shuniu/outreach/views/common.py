from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from shuniu.core.scoping import get_scope
from shuniu.core.services import DomainError


def run(request, action, success: str, *args, redirect_to: str):
    """Run a service; show its refusal as an error message. Always redirects (POST/redirect/GET)."""
    try:
        action(*args)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        if success:
            messages.success(request, success)
    return redirect(redirect_to)


def organizations_with(user, key: str):
    """Organisations where the user holds `key` (with branches), for choice fields."""
    from shuniu.core.models import Organization, OrganizationKind

    ids = get_scope(user).org_ids_with(key)
    queryset = Organization.objects.filter(is_active=True).exclude(
        kind__in=[OrganizationKind.SOCIAL_ORG, OrganizationKind.GOV_DEPARTMENT]
    )
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset.order_by("path")


def serve_file(field_file, content_type: str):
    if not field_file:
        raise Http404
    # Photos are re-encoded and at most a few MB: reading them whole keeps no file handle open.
    try:
        with field_file.storage.open(field_file.name, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
