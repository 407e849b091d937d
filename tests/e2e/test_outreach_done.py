"""Issue 9, "done when", on a phone-sized screen: a citizen finds an activity, volunteers, checks in
and out; the organiser confirms the hours; the volunteer downloads the certificate. A closed case
becomes a published story with no personal data left."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from shuniu.outreach.models import HoursStatus, Story, StoryStatus, Volunteer, VolunteerHours
from tests.e2e.conftest import DESKTOP, PHONE
from tests.outreach import factories as f


def new_context(browser, live_server, phone=True):
    options = {"viewport": PHONE if phone else DESKTOP, "locale": "zh-CN", "base_url": live_server.url}
    if phone:
        options.update(is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(15000)
    return context, page


@pytest.mark.django_db(transaction=True)
def test_citizen_volunteers_checks_in_and_out_and_downloads_confirmed_hours(
    phone_page, browser, live_server, world, sign_in, axe
):
    now = timezone.now()
    activity = f.make_activity(world, start_in=-timedelta(minutes=5), title="助残日手语服务")
    f.make_shift(activity, title="手语翻译", required_skill="sign_language")
    page = phone_page

    # The citizen finds the activity from the portal's home page.
    page.goto("/")
    page.get_by_role("navigation", name="门户栏目").get_by_role("link", name="活动").click()
    page.get_by_role("link", name="助残日手语服务").click()
    page.get_by_role("button", name=re.compile("报名该班次.*手语翻译")).click()
    # Not registered yet: the registration form, then back to the activity.
    page.get_by_label("您的姓名", exact=True).fill("赵志愿")
    page.get_by_label("手机号码", exact=True).fill("139 8765 4321")
    page.locator("input[name=skills][value=sign_language]").check()
    page.get_by_label("我同意群团组织保存我的姓名和手机号码，用于安排志愿服务。").check()
    assert axe(page) == []
    page.locator("#main form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("助残日手语服务")
    page.get_by_role("button", name=re.compile("报名该班次.*手语翻译")).click()
    expect(page.locator("[data-assignment-status]")).to_have_text("已报名")
    assert axe(page) == []

    page.get_by_role("button", name="签到").click()
    expect(page.locator("[data-assignment-status]")).to_have_text("已签到")
    with time_machine.travel(now + timedelta(minutes=25), tick=True):
        page.get_by_role("button", name="签退").click()
        expect(page.locator("[data-assignment-status]")).to_have_text("已签退")
        hours = VolunteerHours.objects.get(volunteer__name="赵志愿")
        assert hours.recorded_minutes in (24, 25, 26)

        # The organiser (the caseworker of the Women's Federation) confirms on her own device.
        context, organiser = new_context(browser, live_server, phone=False)
        sign_in(organiser, world.caseworker)
        organiser.goto("/outreach/hours/")
        organiser.get_by_role("button", name="确认", exact=True).click()
        expect(organiser.locator("body")).to_contain_text("服务时长已确认")
        context.close()

    hours.refresh_from_db()
    assert (hours.status, hours.confirmed_minutes, hours.decided_by) == (
        HoursStatus.CONFIRMED,
        hours.recorded_minutes,
        world.caseworker,
    )
    page.reload()
    expect(page.locator("[data-confirmed-hours]")).to_have_text(f"{hours.recorded_minutes / 60:.1f}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载服务时长证明（PDF）").click()
    with open(download_info.value.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert Volunteer.objects.get(name="赵志愿").skills == ["sign_language"]


def restore_rights_categories():
    """Browser tests flush the database between tests, which removes rows made by data migrations."""
    from importlib import import_module

    from django.apps import apps

    import_module("shuniu.rights.migrations.0002_default_categories").create(apps, None)


@pytest.mark.django_db(transaction=True)
def test_closed_case_becomes_a_published_story_without_personal_data(phone_page, browser, live_server, world, sign_in):
    from shuniu.rights.models import RightsCase
    from tests.rights.helpers import make_case

    restore_rights_categories()
    case = make_case(world, description="王芳在工厂工作，被拖欠三个月工资，电话13812345678。")
    RightsCase.objects.filter(pk=case.pk).update(
        status="closed", outcome_summary="经区妇联与劳动监察联合调解，为王芳追回工资一万二千元。"
    )
    page = phone_page

    sign_in(page, world.caseworker)
    page.goto("/outreach/stories/from-case/")
    page.get_by_label("已办结案件或救助记录").select_option(f"rights_case:{case.pk}")
    page.get_by_role("button", name="生成草稿").click()
    removed = page.locator("[data-removed-kind]")
    expect(removed.first).to_be_visible()
    assert sorted(removed.evaluate_all("items => items.map(i => i.dataset.removedKind)")) == ["name", "phone"]
    page.get_by_role("button", name="我已通读：没有残留个人信息").click()
    page.get_by_role("button", name="送审").click()
    expect(page.locator("[data-privacy-confirmed]")).to_be_visible()
    story = Story.objects.get(source_type="rights_case", source_id=str(case.pk))
    assert story.status == StoryStatus.REVIEW

    context, reviewer = new_context(browser, live_server)
    sign_in(reviewer, world.supervisor)
    reviewer.goto(f"/outreach/stories/{story.pk}/")
    reviewer.get_by_role("button", name="发布", exact=True).click()
    expect(reviewer.locator(".messages")).to_have_text(re.compile(r"^\s*已在门户发布。\s*$"))
    context.close()

    context, citizen = new_context(browser, live_server)
    citizen.goto("/portal/outreach/stories/")
    citizen.get_by_role("link", name=story.title).click()
    expect(citizen.locator("main")).to_contain_text("王某")
    text = citizen.locator("main").inner_text()
    context.close()
    assert "王某" in text
    assert "王芳" not in text
    assert "13812345678" not in text
