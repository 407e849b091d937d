from django.urls import path

from shuniu.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/help/", views.help_guide, name="help"),
    path("portal/track/", views.track, name="track"),
    path("portal/news/", views.news, name="news"),
    path("portal/news/<int:pk>/", views.news_detail, name="news_detail"),
    path("portal/accessibility/", views.accessibility, name="accessibility"),
]
