from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shuniu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from shuniu.core import checks, hooks, signals  # noqa: F401  (registers checks and auth signals)

        hooks.load_app_permissions()
