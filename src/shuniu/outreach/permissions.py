from django.utils.translation import gettext_lazy as _

PERMISSIONS = {
    "outreach:view": _("See activities, volunteers, stories and the partner directory"),
    "outreach:activity_manage": _("Create and run activities, check people in, upload photos"),
    "outreach:hours_confirm": _("Confirm volunteer hours of own organisation's activities"),
    "outreach:story_edit": _("Write stories and run the personal-data check"),
    "outreach:story_publish": _("Publish stories on the portal"),
    "outreach:directory_manage": _("Manage affiliated social organisations and department contacts"),
    "outreach:refer": _("Refer a person's need to an affiliated social organisation (with their consent)"),
    "outreach:procedure_manage": _("Write new versions of joint-work procedures"),
    "outreach:news_manage": _("Publish news on the portal"),
}

WORK = [
    "outreach:view",
    "outreach:activity_manage",
    "outreach:hours_confirm",
    "outreach:story_edit",
    "outreach:directory_manage",
    "outreach:news_manage",
    "outreach:refer",
]
ROLE_GRANTS = {
    "hotline_operator": ["outreach:view"],
    "caseworker": WORK,
    "supervisor": [*WORK, "outreach:story_publish"],
    "org_admin": [*WORK, "outreach:story_publish", "outreach:procedure_manage"],
    "district_coordinator": [
        "outreach:view",
        "outreach:story_publish",
        "outreach:procedure_manage",
        "outreach:news_manage",
    ],
    "auditor": ["outreach:view"],
}
