from django.urls import path

from shuniu.training import views

app_name = "training"

urlpatterns = [
    path("", views.index, name="index"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/enroll/", views.session_enroll, name="session_enroll"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/close/", views.session_close, name="session_close"),
    path("enrollments/<int:pk>/cancel/", views.enrollment_cancel, name="enrollment_cancel"),
    path("lessons/<int:pk>/", views.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/attendance/", views.lesson_attendance, name="lesson_attendance"),
    path("venues/", views.venues, name="venues"),
    path("venues/new/", views.venue_create, name="venue_create"),
    path("venues/<int:pk>/", views.venue_detail, name="venue_detail"),
    path("venues/<int:pk>/edit/", views.venue_edit, name="venue_edit"),
    path("instructors/", views.instructors, name="instructors"),
    path("instructors/new/", views.instructor_create, name="instructor_create"),
    path("instructors/<int:pk>/", views.instructor_detail, name="instructor_detail"),
    path("instructors/<int:pk>/edit/", views.instructor_edit, name="instructor_edit"),
    path("requests/", views.requests, name="requests"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("reach/", views.reach_view, name="reach"),
    path("suggestions/", views.suggestions, name="suggestions"),
]
