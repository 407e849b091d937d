from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("People registry"), "people:list", "people:view", icon="users", order=20),
    NavItem(_("Possible duplicates"), "people:review_queue", "people:merge", icon="git-merge", order=21),
    NavItem(_("Import lists"), "people:imports", "people:import", icon="file-spreadsheet", order=22),
]
