from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("Resource library"), "library:index", "library:view", icon="books", order=60),
    NavItem(_("Library reports"), "library:moderation", "library:moderate", icon="flag", order=800, section="admin"),
]
