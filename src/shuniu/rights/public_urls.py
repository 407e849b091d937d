from django.urls import path

from shuniu.rights.views import public

urlpatterns = [
    path("", public.intake, name="intake"),
    path("submitted/", public.submitted, name="submitted"),
    path("track/", public.track, name="track"),
]
