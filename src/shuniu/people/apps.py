from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "shuniu.people"
    label = "people"
    verbose_name = _("People registry")

    def ready(self):
        from shuniu.core import reveal

        reveal.register("people.person", ["id_number", "phone", "address"])
