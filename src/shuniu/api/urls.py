"""`/api/v1/` (the open API, its OpenAPI document and local docs) and the staff pages where
administrators manage tokens and webhooks (`/api/tokens/`)."""

from importlib import import_module

from django.urls import path

from . import views
from .base import api

app_name = "api"

# Routers in the order their tags appear in the docs.
ROUTER_MODULES = ["meta", "people", "rights", "relief", "training", "library", "meetings"]

for _name in ROUTER_MODULES:
    api.add_router("", import_module(f"shuniu.api.routers.{_name}").router)

urlpatterns = [
    path("v1/", api.urls),
    path("tokens/", views.token_list, name="tokens"),
    path("tokens/<int:pk>/", views.token_detail, name="token_detail"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("webhooks/<int:pk>/toggle/", views.webhook_toggle, name="webhook_toggle"),
]
