from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "people:view": _("See people served by own organisation"),
    "people:edit": _("Register and edit people"),
    "people:import": _("Import and export lists of people"),
    "people:merge": _("Review possible duplicates and merge records"),
    "people:consent": _("Record and withdraw consents"),
    "people:export_data": _("Export everything held about a person (data subject request)"),
    "people:anonymise": _("Anonymise a person's record"),
}
ROLE_GRANTS = {
    "hotline_operator": ["people:view", "people:edit"],
    "caseworker": ["people:view", "people:edit", "people:import", "people:merge", "people:consent"],
    "supervisor": [
        "people:view",
        "people:edit",
        "people:import",
        "people:merge",
        "people:consent",
        "people:export_data",
        "people:anonymise",
    ],
    "org_admin": [
        "people:view",
        "people:edit",
        "people:import",
        "people:merge",
        "people:consent",
        "people:export_data",
        "people:anonymise",
    ],
    "district_coordinator": ["people:view", "people:merge", "people:export_data"],
    "auditor": ["people:view"],
}
