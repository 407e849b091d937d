from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "shuniu.api"
    label = "api"
    verbose_name = _("Open API")

    def ready(self):
        from shuniu.core import events

        from .webhooks import on_event

        # Every domain event; on_event keeps only those a subscription asked for.
        events.subscribe("", on_event)
