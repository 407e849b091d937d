from django.urls import path

from shuniu.meetings import supervision_views, views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("series/new/", views.series_create, name="series_create"),
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("series/<int:pk>/edit/", views.series_edit, name="series_edit"),
    path("series/<int:pk>/pass/", views.series_pass, name="series_pass"),
    path("series/<int:pk>/next/", views.series_next, name="series_next"),
    path("meeting/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meeting/<int:pk>/schedule/", views.meeting_schedule, name="meeting_schedule"),
    path("meeting/<int:pk>/remind/", views.meeting_remind, name="meeting_remind"),
    path("meeting/<int:pk>/submission/", views.submission_edit, name="submission_edit"),
    path("meeting/<int:pk>/cooperation/refresh/", views.cooperation_refresh, name="cooperation_refresh"),
    path("meeting/<int:pk>/minutes/", views.minutes_edit, name="minutes_edit"),
    path("meeting/<int:pk>/resolutions/new/", views.resolution_create, name="resolution_create"),
    path("meeting/<int:pk>/minutes.docx", supervision_views.minutes_docx, name="minutes_docx"),
    path("meeting/<int:pk>/action-items.docx", supervision_views.action_items_docx, name="action_items_docx"),
    path("submission/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("attachment/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("attachment/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
    path("point/<int:pk>/decide/", views.point_decide, name="point_decide"),
    path("point/<int:pk>/project/", views.project_create, name="project_create"),
    path("projects/", views.projects, name="projects"),
    path("resolution/<int:pk>/items/new/", supervision_views.action_item_create, name="action_item_create"),
    path("item/<int:pk>/", supervision_views.action_item_detail, name="action_item_detail"),
    path("item/<int:pk>/progress/", supervision_views.progress_report, name="progress_report"),
    path("board/", supervision_views.board, name="board"),
    path("calendar.ics", supervision_views.calendar_feed, name="calendar_feed"),
]
