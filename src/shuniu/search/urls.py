from django.urls import path

from shuniu.search import views

app_name = "search"

urlpatterns = [path("", views.index, name="index")]
