"""The portal: home with all organisations' content, the help guide, tracking by code."""

from django.urls import reverse

from shuniu.outreach.models import StoryStatus
from shuniu.portal.templatetags.portal import public_link, public_url
from tests.outreach import factories as f


def test_home_shows_news_stories_and_activities(world, client):
    f.make_news(world)
    f.make_story(world, status=StoryStatus.PUBLISHED, title="巾帼创业带头人")
    f.make_story(world, title="草稿不应出现")
    f.make_activity(world, title="社区手语角")
    f.make_activity(world, title="未发布的活动", status="draft")

    page = client.get("/").content.decode()

    assert "妇联开展家庭教育讲座" in page
    assert "巾帼创业带头人" in page
    assert "社区手语角" in page
    assert "草稿不应出现" not in page
    assert "未发布的活动" not in page


def test_links_to_missing_public_pages_degrade_quietly():
    assert public_url("nothing_public:missing") == ""
    assert public_link("nothing_public:missing", "课程", hint=False) == ""
    assert 'aria-disabled="true"' in public_link("nothing_public:missing", "课程")
    assert public_link("portal:help", "求助") == '<a class="" href="/portal/help/">求助</a>'


def test_help_guide_leads_to_the_right_form(client):
    page = client.get(reverse("portal:help"), {"need": "volunteer"}).content.decode()

    assert f'href="{reverse("outreach_public:volunteer_register")}" data-help-target' in page


def test_track_sends_the_code_to_the_issuing_app(client):
    url = public_url("rights_public:track")
    response = client.get(reverse("portal:track"), {"kind": "rights", "code": " AB12CD "})

    if url:
        assert response.status_code == 302
        assert response["Location"] == f"{url}?code=AB12CD"
    else:
        assert "暂不支持网上查询" in response.content.decode()


def test_my_requests_opens_each_tracking_form_with_the_code_filled_in(world, client):
    from tests.relief.helpers import make_application
    from tests.rights.helpers import make_case

    case = make_case(world)
    application = make_application(world)

    for kind, code, digits_field in (
        ("rights", case.tracking_code, "last_four"),
        ("aid", application.code, "phone_last4"),
    ):
        response = client.get(reverse("portal:track"), {"kind": kind, "code": code}, follow=True)
        page = response.content.decode()
        assert response.status_code == 200
        assert f'value="{code}"' in page
        assert f'name="{digits_field}"' in page
        assert "审核中" not in page and case.subject not in page


def test_track_without_code_says_what_is_missing(client):
    response = client.get(reverse("portal:track"), {"kind": "rights"})

    assert response.status_code == 200
    assert "请输入您获得的查询码。" in response.content.decode()


def test_news_filters_by_organisation(world, client):
    f.make_news(world)

    page = client.get(reverse("portal:news"), {"org": world.org_b.pk}).content.decode()

    assert "妇联开展家庭教育讲座" not in page
