"""On a phone: an approved aid application becomes a published story with no personal data left, and
a social organisation's contact answers a referral through the link in their message."""

import re

import pytest
from playwright.sync_api import expect

from shuniu.outreach.models import SocialOrganizationMessage, SocialReferralStatus, Story, StoryStatus
from tests.e2e.test_outreach_done import new_context
from tests.outreach import factories as f

PERSONAL = ["李小花", "33010220120315732X", "13812345678", "和平路小学"]


@pytest.mark.django_db(transaction=True)
def test_paid_aid_application_becomes_a_published_story_without_personal_data(
    phone_page, browser, live_server, world, sign_in
):
    from tests.relief.helpers import make_application

    application = make_application(
        world,
        status="paid",
        student_enrolled=True,
        school="和平路小学",
        reason="李小花（身份证33010220120315732X）在和平路小学读书，母亲务农，电话13812345678。",
    )
    page = phone_page

    sign_in(page, world.caseworker)
    page.goto("/outreach/stories/from-case/")
    page.get_by_label("已办结案件或救助记录").select_option(f"relief_application:{application.pk}")
    page.get_by_role("button", name="生成草稿").click()
    removed = page.locator("[data-removed-kind]")
    expect(removed.first).to_be_visible()
    kinds = sorted(set(removed.evaluate_all("items => items.map(i => i.dataset.removedKind)")))
    assert kinds == ["id_number", "name", "phone", "school"]
    page.get_by_role("button", name="我已通读：没有残留个人信息").click()
    page.get_by_role("button", name="送审").click()
    expect(page.locator("[data-privacy-confirmed]")).to_be_visible()
    story = Story.objects.get(source_type="relief_application", source_id=str(application.pk))
    assert story.status == StoryStatus.REVIEW

    context, reviewer = new_context(browser, live_server)
    sign_in(reviewer, world.supervisor)
    reviewer.goto(f"/outreach/stories/{story.pk}/")
    reviewer.get_by_role("button", name="发布", exact=True).click()
    expect(reviewer.locator(".messages")).to_have_text(re.compile("已在门户发布。"))
    context.close()

    context, citizen = new_context(browser, live_server)
    citizen.goto(f"/portal/outreach/stories/{story.pk}/")
    expect(citizen.locator("main")).to_contain_text("李某")
    text = citizen.locator("main").inner_text()
    context.close()
    assert "李某" in text
    assert [value for value in PERSONAL if value in text] == []


@pytest.mark.django_db(transaction=True)
def test_social_organisation_contact_accepts_a_referral_on_a_phone(phone_page, world, sign_in, browser, live_server):
    referral = f.make_referral(world)
    link = re.search(r"/portal/outreach/referrals/[^/\s]+/", SocialOrganizationMessage.objects.get().body).group(0)
    page = phone_page

    page.goto(link)
    expect(page.get_by_text("需要每周两次上门陪伴老人")).to_be_visible()
    page.get_by_label("给转介单位的说明").fill("本周内上门")
    page.get_by_role("button", name="接收转介").click()
    expect(page.locator("[data-status='accepted']")).to_be_visible()
    referral.refresh_from_db()
    assert referral.status == SocialReferralStatus.ACCEPTED

    page.goto(link)
    expect(page.get_by_role("heading", name="此链接无法使用")).to_be_visible()

    context, staff = new_context(browser, live_server)
    sign_in(staff, world.caseworker)
    staff.goto(f"/outreach/referrals/{referral.pk}/")
    expect(staff.locator("[data-status='accepted']")).to_be_visible()
    context.close()
