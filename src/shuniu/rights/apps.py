from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "shuniu.rights"
    label = "rights"
    verbose_name = _("Rights protection")

    def ready(self):
        from shuniu.rights.search import register_search

        register_search()

        from shuniu.core import cache_versions
        from shuniu.core.models import Region
        from shuniu.rights.models import CaseCategory
        from shuniu.rights.views.queue import QUEUE_CHOICES

        cache_versions.bump_on_change(QUEUE_CHOICES, CaseCategory, Region)
