from django.urls import path

from shuniu.rights.views import cases, config, contracts, queue

app_name = "rights"

urlpatterns = [
    path("", queue.queue, name="queue"),
    path("new/", cases.case_create, name="case_create"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/do/<slug:action>/", cases.case_action, name="case_action"),
    path("<int:pk>/assign/", cases.case_assign, name="case_assign"),
    path("<int:pk>/resolve/", cases.case_resolve, name="case_resolve"),
    path("<int:pk>/follow-up/", cases.case_follow_up, name="case_follow_up"),
    path("<int:pk>/refer/", cases.case_refer, name="case_refer"),
    path("<int:pk>/route/", cases.case_reroute, name="case_reroute"),
    path("<int:pk>/complexity/", cases.case_complexity, name="case_complexity"),
    path("<int:pk>/work/", cases.case_activity, name="case_activity"),
    path("<int:pk>/attachments/", cases.case_attachment_upload, name="case_attachment_upload"),
    path("<int:pk>/legal-aid/", cases.case_legal_aid, name="case_legal_aid"),
    path("attachments/<int:pk>/", cases.attachment_download, name="attachment_download"),
    path("referrals/<int:pk>/answer/", cases.referral_answer, name="referral_answer"),
    path("settings/", config.settings_overview, name="settings"),
    path("settings/categories/new/", config.category_edit, name="category_create"),
    path("settings/categories/<int:pk>/", config.category_edit, name="category_edit"),
    path("settings/deadlines/new/", config.deadline_edit, name="deadline_create"),
    path("settings/deadlines/<int:pk>/", config.deadline_edit, name="deadline_edit"),
    path("settings/rules/new/", config.rule_edit, name="rule_create"),
    path("settings/rules/<int:pk>/", config.rule_edit, name="rule_edit"),
    path("legal-aid/", config.legal_aid_pool, name="legal_aid_pool"),
    path("enterprises/", contracts.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", contracts.enterprise_edit, name="enterprise_create"),
    path("enterprises/<int:pk>/", contracts.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", contracts.enterprise_edit, name="enterprise_edit"),
    path("enterprises/<int:pk>/contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/file/", contracts.contract_file, name="contract_file"),
]
