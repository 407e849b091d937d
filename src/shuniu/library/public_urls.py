from django.urls import path

from shuniu.library import public_views

urlpatterns = [
    path("", public_views.index, name="index"),
    path("<int:pk>/", public_views.detail, name="detail"),
    path("<int:pk>/download/", public_views.download, name="download"),
    path("<int:pk>/pages/<int:number>.png", public_views.page_image, name="page_image"),
]
