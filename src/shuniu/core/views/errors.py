"""Error pages that depend on who asks: the open API answers in JSON (its document says so for every
status), the site with Django's pages. Runs for requests rejected before any view, such as a Host
header that is not allowed — so nothing here may read the host."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults


def bad_request(request, exception, template_name=defaults.ERROR_400_TEMPLATE_NAME):
    if request.path.startswith("/api/"):
        # The API's error body (shuniu.api.base: ErrorBody).
        body = {"error": {"code": "bad_request", "message": _("Bad request."), "details": []}}
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception, template_name=template_name)
