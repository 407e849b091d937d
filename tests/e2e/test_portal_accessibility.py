"""axe-core over every public page at phone size: zero serious or critical violations.

The portal's and outreach's pages (with the social organisations' referral answer pages and the
tracking forms opened from a link) are walked with records in place; other apps' public pages
without URL parameters are found from the URL map (each is its own test, so a failure names the page).
"""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse

from shuniu.outreach.models import SocialReferral, StoryStatus
from shuniu.outreach.services import referrals as referral_services
from tests.outreach import factories as f
from tests.permission_matrix import project_url_names
from tests.relief.helpers import make_application
from tests.rights.helpers import make_case

OWN_NAMESPACES = ("portal", "outreach_public")
NEEDS = ("rights", "aid", "course", "volunteer")


def other_public_pages() -> list[str]:
    pages = []
    for name in sorted(project_url_names()):
        namespace = name.split(":")[0]
        if not namespace.endswith("_public") or namespace in OWN_NAMESPACES:
            continue
        try:
            pages.append(reverse(name))
        except NoReverseMatch:
            continue  # needs parameters
    return pages


def own_pages(world) -> list[str]:
    activity = f.make_activity(world)
    f.make_shift(activity)
    past = f.make_activity(world, start_in=-timedelta(days=3), title="往期活动")
    f.make_photo(past)
    story = f.make_story(world, status=StoryStatus.PUBLISHED, cover=True, tags="欠薪,联动")
    news = f.make_news(world)
    social_org = f.make_social_org(world)
    referral_services.share_activity(world.caseworker, activity, [social_org.organization])
    answer = referral_services.make_link_token(f.make_referral(world, social_org=social_org), "answer")
    accepted = f.make_referral(world, social_org=social_org, person=f.make_consenting_person(world, name="钱芳"))
    SocialReferral.objects.filter(pk=accepted.pk).update(status="accepted")
    outcome = referral_services.make_link_token(accepted, "outcome")
    case = make_case(world)
    application = make_application(world)
    return [
        reverse("portal:home"),
        reverse("portal:help"),
        *[f"{reverse('portal:help')}?need={need}" for need in NEEDS],
        reverse("portal:track"),
        f"{reverse('portal:track')}?kind=rights",
        reverse("portal:news"),
        reverse("portal:news_detail", args=[news.pk]),
        reverse("portal:accessibility"),
        reverse("outreach_public:activities"),
        reverse("outreach_public:activity", args=[activity.pk]),
        reverse("outreach_public:activity", args=[past.pk]),
        reverse("outreach_public:activity_signup", args=[activity.pk]),
        reverse("outreach_public:volunteer_register"),
        reverse("outreach_public:volunteer_home"),
        reverse("outreach_public:stories"),
        reverse("outreach_public:story", args=[story.pk]),
        reverse("outreach_public:referral_answer", args=[answer]),
        reverse("outreach_public:referral_answer", args=[outcome]),
        (reverse("outreach_public:referral_answer", args=["forged"]), 404),
        f"{reverse('rights_public:track')}?code={case.tracking_code}",
        f"{reverse('relief_public:track')}?code={application.code}",
    ]


@pytest.mark.django_db(transaction=True)
def test_every_portal_and_outreach_page_passes_axe_on_a_phone(phone_page, world, axe):
    problems = {}
    for url in own_pages(world):
        url, status = url if isinstance(url, tuple) else (url, 200)
        response = phone_page.goto(url)
        assert response.status == status, url
        violations = axe(phone_page)
        if violations:
            problems[url] = violations
    # Large-text mode must not break anything either.
    phone_page.goto(reverse("portal:home"))
    phone_page.get_by_role("button", name="大字模式").click()
    assert phone_page.get_by_role("button", name="大字模式").get_attribute("aria-pressed") == "true"
    phone_page.goto(reverse("outreach_public:activities"))
    assert "large-text" in phone_page.locator("body").get_attribute("class")
    assert phone_page.get_by_role("button", name="大字模式").get_attribute("aria-pressed") == "true"
    if violations := axe(phone_page):
        problems["large text"] = violations
    assert problems == {}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("url", other_public_pages())
def test_other_apps_public_page_passes_axe_on_a_phone(url, phone_page, world, axe):
    from django.test import Client

    if Client().get(url).status_code == 405:
        pytest.skip("answers POST only")
    response = phone_page.goto(url)
    assert response.status < 400, url
    assert axe(phone_page) == []
