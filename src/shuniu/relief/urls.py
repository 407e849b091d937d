from django.urls import path

from shuniu.relief import views, views_admin

app_name = "relief"

urlpatterns = [
    path("applications/", views.applications, name="applications"),
    path("applications/new/", views.application_create, name="application_create"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application_decide"),
    path("applications/<int:pk>/adjust/", views.application_adjust, name="application_adjust"),
    path("applications/<int:pk>/revise/", views.application_revise, name="application_revise"),
    path("applications/<int:pk>/documents/<int:document_pk>/", views.document_download, name="document_download"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("review/", views.review, name="review"),
    path("programmes/", views_admin.programmes, name="programmes"),
    path("programmes/new/", views_admin.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views_admin.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views_admin.programme_edit, name="programme_edit"),
    path("programmes/<int:pk>/rules/new/", views_admin.rule_edit, name="rule_create"),
    path("programmes/<int:pk>/rules/<int:rule_pk>/", views_admin.rule_edit, name="rule_edit"),
    path("programmes/<int:pk>/rules/<int:rule_pk>/delete/", views_admin.rule_delete, name="rule_delete"),
    path("programmes/<int:pk>/steps/", views_admin.step_add, name="step_add"),
    path("programmes/<int:pk>/steps/<int:step_pk>/delete/", views_admin.step_delete, name="step_delete"),
    path("programmes/<int:pk>/budgets/", views_admin.budget_save, name="budget_save"),
    path("programmes/<int:pk>/notice/", views_admin.notice_create, name="notice_create"),
    path("programmes/<int:pk>/batch/", views_admin.batch_create, name="batch_create"),
    path("batches/", views_admin.batches, name="batches"),
    path("batches/<int:pk>/", views_admin.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/pay/", views_admin.batch_pay, name="batch_pay"),
    path("batches/<int:pk>/export/", views_admin.batch_export, name="batch_export"),
    path("ledger/", views_admin.ledger, name="ledger"),
    path("ledger/<int:pk>/reverse/", views_admin.ledger_reverse, name="ledger_reverse"),
    path("reports/duplicate-aid/", views_admin.duplicate_aid, name="duplicate_aid"),
    path("reports/coverage-gap/", views_admin.coverage_gap, name="coverage_gap"),
    path("reports/reconciliation/", views_admin.reconciliation, name="reconciliation"),
]
