from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "shuniu.rights"
    label = "rights"
    verbose_name = _("Rights protection")

    def ready(self):
        from shuniu.rights.search import register_search

        register_search()
