"""Root URL map. Each Shuniu app contributes `urls.py` (staff pages, under /<app>/) and optionally
`public_urls.py` (citizen pages, under /portal/<app>/); the portal app owns `/`."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("shuniu.core.urls")),
]

for app in settings.SHUNIU_APPS:
    label = app.rsplit(".", 1)[1]
    if label in {"core", "portal", "api"}:
        continue
    if find_spec(f"{app}.urls"):
        urlpatterns.append(path(f"{label}/", include(f"{app}.urls")))
    if find_spec(f"{app}.public_urls"):
        module = import_module(f"{app}.public_urls")
        urlpatterns.append(path(f"portal/{label}/", include((module.urlpatterns, f"{label}_public"))))

if find_spec("shuniu.api.urls"):
    urlpatterns.append(path("api/", include("shuniu.api.urls")))
if find_spec("shuniu.portal.urls"):
    urlpatterns.append(path("", include("shuniu.portal.urls")))

handler400 = "shuniu.core.views.errors.bad_request"
