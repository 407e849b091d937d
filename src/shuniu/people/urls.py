from django.urls import path

from shuniu.people import household_views, import_views, views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_register, name="register"),
    path("check/", views.match_check, name="match_check"),
    path("<int:pk>/", views.person_detail, name="detail"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("<int:pk>/consents/<int:consent_pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:pk>/export/", views.person_data_export, name="data_export"),
    path("<int:pk>/anonymise/", views.person_anonymise, name="anonymise"),
    path("<int:pk>/household/", household_views.household_create, name="household_create"),
    path("households/<int:pk>/", household_views.household_detail, name="household"),
    path("households/<int:pk>/members/", household_views.household_member_add, name="household_member_add"),
    path(
        "households/<int:pk>/members/<int:person_pk>/relation/",
        household_views.household_relation,
        name="household_relation",
    ),
    path(
        "households/<int:pk>/members/<int:person_pk>/remove/",
        household_views.household_member_remove,
        name="household_member_remove",
    ),
    path("review/", views.review_queue, name="review_queue"),
    path("review/scan/", views.review_scan, name="review_scan"),
    path("review/<int:pk>/", views.review_compare, name="review_compare"),
    path("review/<int:pk>/merge/", views.review_merge, name="review_merge"),
    path("review/<int:pk>/distinct/", views.review_distinct, name="review_distinct"),
    path("merges/", views.merge_list, name="merges"),
    path("merges/<int:pk>/undo/", views.merge_undo, name="merge_undo"),
    path("imports/", import_views.import_list, name="imports"),
    path("imports/template/", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<int:pk>/report/", import_views.import_report, name="import_report"),
    path("export/", import_views.registry_export, name="export"),
]
