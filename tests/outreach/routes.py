from shuniu.outreach.models import StoryStatus
from tests.outreach import factories as f
from tests.permission_matrix import COORDINATOR_ONLY, ORG_SCOPED, PERSONAS, PUBLIC, STAFF, Route

# Work pages of one's own organisation: the coordinator oversees but does not run activities.
MANAGE = {"caseworker": 200, "colleague": 200, "outsider": 200, "coordinator": 403, "anonymous": 302}
MANAGE_OWN = {"caseworker": 200, "colleague": 200, "outsider": 404, "coordinator": 403, "anonymous": 302}
ACT_OWN = {"caseworker": 302, "colleague": 302, "outsider": 404, "coordinator": 403, "anonymous": 302}
PUBLISH = {"caseworker": 403, "colleague": 403, "outsider": 403, "coordinator": 302, "anonymous": 302}
REDIRECT_ALL = dict.fromkeys(PERSONAS, 302)
NOT_FOUND_ALL = dict.fromkeys(PERSONAS, 404)
NO_VOLUNTEER = "no volunteer"


def activity(world):
    return {"pk": f.make_activity(world).pk}


def draft_activity(world):
    return {"pk": f.make_activity(world, status="draft").pk}


def signup(world):
    return {"pk": f.make_signup(f.make_activity(world)).pk}


def photo(world):
    return {"pk": f.make_photo(f.make_activity(world)).pk}


def hours(world):
    return {"pk": f.make_pending_hours(world).pk}


def volunteer(world):
    return {"pk": f.make_volunteer(world.org_a).pk}


def story(world):
    return {"pk": f.make_story(world).pk}


def review_story(world):
    return {"pk": f.make_story(world, status=StoryStatus.REVIEW).pk}


def published_story(world):
    return {"pk": f.make_story(world, status=StoryStatus.PUBLISHED).pk}


def story_with_cover(world):
    return {"pk": f.make_story(world, cover=True).pk}


def published_story_with_cover(world):
    return {"pk": f.make_story(world, status=StoryStatus.PUBLISHED, cover=True).pk}


def social_org(world):
    return {"pk": f.make_social_org(world).pk}


def shift(world):
    return {"pk": f.make_shift(f.make_activity(world)).pk}


def referral(world):
    return {"pk": f.make_referral(world).pk}


def referral_link(world):
    from shuniu.outreach.services.referrals import PURPOSE_ANSWER, make_link_token

    return {"token": make_link_token(f.make_referral(world), PURPOSE_ANSWER)}


ROUTES = [
    Route("outreach:activities", expect=STAFF),
    Route("outreach:activity_create", expect=MANAGE),
    Route("outreach:activity_detail", kwargs=activity, expect=ORG_SCOPED),
    Route("outreach:activity_edit", kwargs=activity, expect=MANAGE_OWN),
    Route("outreach:activity_publish", method="post", kwargs=draft_activity, expect=ACT_OWN),
    Route("outreach:activity_cancel", method="post", kwargs=activity, expect=ACT_OWN),
    Route("outreach:shift_create", method="post", kwargs=activity, expect=ACT_OWN),
    Route("outreach:photo_upload", method="post", kwargs=activity, expect=ACT_OWN),
    Route("outreach:activity_share", method="post", kwargs=activity, expect=ACT_OWN),
    Route("outreach:signup_check_in", method="post", kwargs=signup, expect=ACT_OWN),
    Route("outreach:photo", kwargs=photo, expect=ORG_SCOPED),
    Route("outreach:hours_queue", expect=MANAGE),
    Route("outreach:hours_decide", method="post", kwargs=hours, data={"decision": "confirm"}, expect=ACT_OWN),
    Route("outreach:volunteers", expect=STAFF),
    Route("outreach:volunteer_detail", kwargs=volunteer, expect=ORG_SCOPED),
    Route("outreach:stories", expect=STAFF),
    Route("outreach:story_create", expect=MANAGE),
    Route("outreach:story_from_case", expect=MANAGE),
    Route("outreach:story_detail", kwargs=story, expect=ORG_SCOPED),
    Route("outreach:story_edit", kwargs=story, expect=MANAGE_OWN),
    Route("outreach:story_remove_personal_data", method="post", kwargs=story, expect=ACT_OWN),
    Route("outreach:story_confirm_check", method="post", kwargs=story, expect=ACT_OWN),
    Route("outreach:story_submit", method="post", kwargs=story, expect=ACT_OWN),
    Route("outreach:story_redraft", method="post", kwargs=story, expect=ACT_OWN),
    Route("outreach:story_publish", method="post", kwargs=review_story, expect=PUBLISH),
    Route("outreach:story_return", method="post", kwargs=review_story, expect=PUBLISH),
    Route("outreach:story_withdraw", method="post", kwargs=published_story, expect=PUBLISH),
    Route("outreach:story_cover_upload", method="post", kwargs=story, expect=ACT_OWN),
    Route("outreach:story_add_known", method="post", kwargs=story, expect=ACT_OWN),
    Route("outreach:story_cover", kwargs=story_with_cover, expect=ORG_SCOPED),
    Route("outreach:social_orgs", expect=STAFF),
    Route("outreach:social_org_create", expect=MANAGE),
    Route("outreach:social_org_edit", kwargs=social_org, expect=MANAGE_OWN),
    Route("outreach:referrals", expect=STAFF),
    Route("outreach:referral_create", expect=MANAGE),
    Route("outreach:referral_detail", kwargs=referral, expect=ORG_SCOPED),
    Route("outreach:partners", expect=STAFF),
    Route("outreach:partner_detail", kwargs=lambda world: {"pk": world.gov_department.pk}, expect=STAFF),
    Route("outreach:procedures", expect=STAFF),
    Route("outreach:procedure_detail", kwargs=lambda world: {"pk": f.make_procedure(world).pk}, expect=STAFF),
    Route("outreach:procedure_new_version", expect=COORDINATOR_ONLY),
    Route("outreach:news", expect=STAFF),
    # Public pages (no login).
    Route("outreach_public:activities", expect=PUBLIC),
    Route("outreach_public:activity", kwargs=activity, expect=PUBLIC),
    Route("outreach_public:activity", kwargs=draft_activity, expect=NOT_FOUND_ALL, note="draft"),
    Route("outreach_public:activity_signup", kwargs=activity, expect=PUBLIC),
    Route("outreach_public:activity_photo", kwargs=photo, expect=PUBLIC),
    Route("outreach_public:shift_signup", method="post", kwargs=shift, expect=REDIRECT_ALL, note=NO_VOLUNTEER),
    Route("outreach_public:volunteer_home", expect=PUBLIC),
    Route("outreach_public:volunteer_register", expect=PUBLIC),
    Route("outreach_public:volunteer_sign_out", method="post", expect=REDIRECT_ALL),
    Route("outreach_public:volunteer_check_in", method="post", kwargs=hours, expect=NOT_FOUND_ALL, note=NO_VOLUNTEER),
    Route("outreach_public:volunteer_check_out", method="post", kwargs=hours, expect=NOT_FOUND_ALL, note=NO_VOLUNTEER),
    Route("outreach_public:volunteer_cancel", method="post", kwargs=hours, expect=NOT_FOUND_ALL, note=NO_VOLUNTEER),
    Route("outreach_public:volunteer_certificate", expect=NOT_FOUND_ALL, note=NO_VOLUNTEER),
    Route("outreach_public:referral_answer", kwargs=referral_link, expect=PUBLIC),
    Route(
        "outreach_public:referral_answer", kwargs=lambda world: {"token": "forged"}, expect=NOT_FOUND_ALL, note="forged"
    ),
    Route("outreach_public:stories", expect=PUBLIC),
    Route("outreach_public:story", kwargs=published_story, expect=PUBLIC),
    Route("outreach_public:story", kwargs=story, expect=NOT_FOUND_ALL, note="draft"),
    Route("outreach_public:story_cover", kwargs=published_story_with_cover, expect=PUBLIC),
]
