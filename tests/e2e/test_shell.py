"""The staff shell in a real browser: sign-in, the role's home, the language switch, phone layout."""

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_caseworker_signs_in_sees_home_and_switches_to_english(page, world, sign_in, axe):
    sign_in(page, world.caseworker)
    assert page.url.endswith("/home/")
    assert page.locator("h1").inner_text().endswith("您好")
    assert axe(page) == []
    with page.expect_navigation():
        page.click("button[name=language][value=en]")
    assert page.locator("h1").inner_text().startswith("Good day")
    expect(page.get_by_role("link", name="Inbox").first).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_coordinator_sets_up_two_factor_in_the_browser(page, world, sign_in):
    sign_in(page, world.coordinator)
    assert page.url.endswith("/home/")
    assert "联席办" in page.content() or "周协调" in page.content()


@pytest.mark.django_db(transaction=True)
def test_phone_layout_has_a_menu_button(phone_page, world, sign_in):
    sign_in(phone_page, world.caseworker)
    toggler = phone_page.locator(".navbar-toggler")
    expect(toggler).to_be_visible()
    toggler.click()
    expect(phone_page.get_by_role("link", name="消息").first).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_login_page_is_accessible(page, axe):
    page.goto("/accounts/login/")
    assert axe(page) == []
