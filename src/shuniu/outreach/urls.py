from django.urls import path

from shuniu.outreach.views import activities, directory, referrals, stories

app_name = "outreach"

urlpatterns = [
    path("", activities.activity_list, name="activities"),
    path("activities/new/", activities.activity_create, name="activity_create"),
    path("activities/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", activities.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/publish/", activities.activity_publish, name="activity_publish"),
    path("activities/<int:pk>/cancel/", activities.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/shifts/", activities.shift_create, name="shift_create"),
    path("activities/<int:pk>/photos/", activities.photo_upload, name="photo_upload"),
    path("activities/<int:pk>/share/", referrals.activity_share, name="activity_share"),
    path("signups/<int:pk>/check-in/", activities.signup_check_in, name="signup_check_in"),
    path("photos/<int:pk>/", activities.photo, name="photo"),
    path("hours/", activities.hours_queue, name="hours_queue"),
    path("hours/<int:pk>/decide/", activities.hours_decide, name="hours_decide"),
    path("volunteers/", activities.volunteer_list, name="volunteers"),
    path("volunteers/<int:pk>/", activities.volunteer_detail, name="volunteer_detail"),
    path("stories/", stories.story_list, name="stories"),
    path("stories/new/", stories.story_create, name="story_create"),
    path("stories/from-case/", stories.story_from_case, name="story_from_case"),
    path("stories/<int:pk>/", stories.story_detail, name="story_detail"),
    path("stories/<int:pk>/edit/", stories.story_edit, name="story_edit"),
    path(
        "stories/<int:pk>/remove-personal-data/", stories.story_remove_personal_data, name="story_remove_personal_data"
    ),
    path("stories/<int:pk>/confirm-check/", stories.story_confirm_check, name="story_confirm_check"),
    path("stories/<int:pk>/submit/", stories.story_submit, name="story_submit"),
    path("stories/<int:pk>/publish/", stories.story_publish, name="story_publish"),
    path("stories/<int:pk>/return/", stories.story_return, name="story_return"),
    path("stories/<int:pk>/withdraw/", stories.story_withdraw, name="story_withdraw"),
    path("stories/<int:pk>/redraft/", stories.story_redraft, name="story_redraft"),
    path("stories/<int:pk>/cover/", stories.story_cover_upload, name="story_cover_upload"),
    path("stories/<int:pk>/known/", stories.story_add_known, name="story_add_known"),
    path("stories/<int:pk>/cover.img", stories.story_cover, name="story_cover"),
    path("social-organisations/", directory.social_org_list, name="social_orgs"),
    path("social-organisations/new/", directory.social_org_create, name="social_org_create"),
    path("social-organisations/<int:pk>/", directory.social_org_edit, name="social_org_edit"),
    path("referrals/", referrals.referral_list, name="referrals"),
    path("referrals/new/", referrals.referral_create, name="referral_create"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral_detail"),
    path("partners/", directory.partner_list, name="partners"),
    path("partners/<int:pk>/", directory.partner_detail, name="partner_detail"),
    path("procedures/", directory.procedure_list, name="procedures"),
    path("procedures/new-version/", directory.procedure_new_version, name="procedure_new_version"),
    path("procedures/<int:pk>/", directory.procedure_detail, name="procedure_detail"),
    path("news/", directory.news_list, name="news"),
]
