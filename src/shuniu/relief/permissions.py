from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "relief:view": _("See aid programmes and applications of own organisation"),
    "relief:apply": _("Register aid applications for people"),
    "relief:approve": _("Decide aid applications at an approval step"),
    "relief:notice": _("Publish public notices and resolve objections"),
    "relief:disburse": _("Prepare and pay disbursement batches"),
    "relief:manage": _("Manage aid programmes, budgets, eligibility rules and approval chains"),
    "relief:ledger": _("Record ledger reversals and adjustments"),
    "relief:report": _("See duplicate-aid, coverage-gap and reconciliation reports"),
}
ROLE_GRANTS = {
    "caseworker": ["relief:view", "relief:apply", "relief:approve", "relief:notice", "relief:disburse"],
    "supervisor": [
        "relief:view",
        "relief:apply",
        "relief:approve",
        "relief:notice",
        "relief:disburse",
        "relief:manage",
        "relief:ledger",
        "relief:report",
    ],
    "org_admin": [
        "relief:view",
        "relief:apply",
        "relief:approve",
        "relief:notice",
        "relief:disburse",
        "relief:manage",
        "relief:ledger",
        "relief:report",
    ],
    "district_coordinator": ["relief:view", "relief:report"],
    "auditor": ["relief:view", "relief:report"],
}
