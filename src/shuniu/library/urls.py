from django.urls import path

from shuniu.library import links, views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("upload/", views.upload, name="upload"),
    path("moderation/", views.moderation, name="moderation"),
    path("reports/<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/pages/<int:number>.png", views.page_image, name="page_image"),
    path("<int:pk>/favorite/", views.favorite, name="favorite"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/versions/new/", views.new_version, name="new_version"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/restore/", views.restore, name="restore"),
    path("links/<slug:target>/picker/", links.picker, name="link_picker"),
    path("links/<slug:target>/add/", links.link_add, name="link_add"),
    path("links/<int:pk>/remove/", links.link_remove, name="link_remove"),
]
