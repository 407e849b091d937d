from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [NavItem(_("Search"), "search:index", "core:home", icon="search", order=5)]
