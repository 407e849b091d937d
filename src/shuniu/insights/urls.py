from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("reports/", views.reports, name="reports"),
    path("reports/subscribe/", views.subscribe, name="subscribe"),
    path("reports/<int:pk>/<str:fmt>/", views.report_download, name="report_download"),
]
