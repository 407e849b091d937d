from django.urls import path

from shuniu.training import public_views as views

urlpatterns = [
    path("", views.menu, name="menu"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/request/", views.request_course, name="request_course"),
    path("sessions/<int:pk>/enroll/", views.enroll, name="enroll"),
    path("verify/", views.verify, name="verify"),
    path("verify/code/", views.verify_code, name="verify_code"),
    path("verify/forget/", views.forget_me, name="forget_me"),
    path("me/", views.my_courses, name="my_courses"),
    path("me/enrollments/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("me/enrollments/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("check-in/<str:token>/", views.check_in, name="check_in"),
    path("certificates/verify/", views.certificate_verify, name="certificate_verify"),
    path("certificates/<str:code>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
