from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "shuniu.library"
    label = "library"
    verbose_name = _("Resource library")

    def ready(self):
        from shuniu.library.search import register_search

        register_search()
