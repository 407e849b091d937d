from django.urls import path

from shuniu.relief import public_views

urlpatterns = [
    path("", public_views.programmes, name="programmes"),
    path("apply/<slug:code>/", public_views.apply, name="apply"),
    path("notices/", public_views.notices, name="notices"),
    path("notices/<str:code>/objection/", public_views.objection, name="objection"),
    path("track/", public_views.track, name="track"),
]
