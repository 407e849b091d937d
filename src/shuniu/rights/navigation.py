from django.utils.translation import gettext_lazy as _

from shuniu.core.hooks import NavItem

MENU = [
    NavItem(_("Rights cases"), "rights:queue", "rights:case_view", icon="scale", order=10),
    NavItem(_("Take in a case"), "rights:case_create", "rights:case_intake", icon="phone", order=11),
    NavItem(
        _("Enterprises and contracts"), "rights:enterprise_list", "rights:contract_view", icon="building", order=12
    ),
    NavItem(_("Legal-aid pool"), "rights:legal_aid_pool", "rights:legal_aid_manage", icon="users", order=13),
    NavItem(
        _("Rights settings"), "rights:settings", "rights:config_manage", icon="settings", order=920, section="admin"
    ),
]
