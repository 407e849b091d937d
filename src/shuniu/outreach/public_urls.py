from django.urls import path

from shuniu.outreach.views import public, referrals

urlpatterns = [
    path("activities/", public.activities, name="activities"),
    path("activities/<int:pk>/", public.activity, name="activity"),
    path("activities/<int:pk>/sign-up/", public.activity_signup, name="activity_signup"),
    path("photos/<int:pk>/", public.activity_photo, name="activity_photo"),
    path("shifts/<int:pk>/sign-up/", public.shift_signup, name="shift_signup"),
    path("volunteer/", public.volunteer_home, name="volunteer_home"),
    path("volunteer/register/", public.volunteer_register, name="volunteer_register"),
    path("volunteer/leave/", public.volunteer_sign_out, name="volunteer_sign_out"),
    path("volunteer/shifts/<int:pk>/check-in/", public.volunteer_check_in, name="volunteer_check_in"),
    path("volunteer/shifts/<int:pk>/check-out/", public.volunteer_check_out, name="volunteer_check_out"),
    path("volunteer/shifts/<int:pk>/cancel/", public.volunteer_cancel, name="volunteer_cancel"),
    path("volunteer/certificate.pdf", public.volunteer_certificate, name="volunteer_certificate"),
    path("referrals/<str:token>/", referrals.referral_answer, name="referral_answer"),
    path("stories/", public.stories, name="stories"),
    path("stories/<int:pk>/", public.story, name="story"),
    path("stories/<int:pk>/cover.img", public.story_cover, name="story_cover"),
]
