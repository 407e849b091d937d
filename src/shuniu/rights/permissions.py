from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "rights:case_view": _("See rights cases handled by own organisation"),
    "rights:case_intake": _("Take in rights cases (hotline, walk-in, letters)"),
    "rights:case_handle": _("Handle rights cases: accept, assign, record work, resolve, follow up, refer"),
    "rights:referral_respond": _("Accept or decline referrals sent to own organisation"),
    "rights:case_supervise": _("Reassign and reopen rights cases"),
    "rights:config_manage": _("Edit case categories, deadlines and routing rules"),
    "rights:legal_aid_manage": _("Manage the legal-aid pool of lawyers and volunteers"),
    "rights:contract_view": _("See the enterprise and collective-contract registry"),
    "rights:contract_manage": _("Register enterprises and collective contracts"),
}

HANDLING = ["rights:case_view", "rights:case_intake", "rights:case_handle", "rights:referral_respond"]
ROLE_GRANTS = {
    "hotline_operator": ["rights:case_view", "rights:case_intake", "rights:contract_view"],
    "caseworker": [*HANDLING, "rights:contract_view", "rights:contract_manage"],
    "supervisor": [
        *HANDLING,
        "rights:case_supervise",
        "rights:legal_aid_manage",
        "rights:contract_view",
        "rights:contract_manage",
    ],
    "org_admin": ["rights:case_view", "rights:legal_aid_manage", "rights:contract_view", "rights:contract_manage"],
    "district_coordinator": [
        *HANDLING,
        "rights:case_supervise",
        "rights:config_manage",
        "rights:legal_aid_manage",
        "rights:contract_view",
        "rights:contract_manage",
    ],
    "auditor": ["rights:case_view", "rights:contract_view"],
}
