"""The rights pages pass axe (serious/critical) on a phone (portal) and on a desktop (staff)."""

from shuniu.rights.models import RoutingRule
from tests.rights.helpers import category, make_case


def test_portal_intake_and_tracking_are_accessible_on_a_phone(phone_page, world, axe):
    phone_page.goto("/portal/rights/")
    assert axe(phone_page) == []
    with phone_page.expect_navigation():
        phone_page.click("main form button[type=submit]")  # empty form: errors next to the fields
    assert phone_page.locator(".invalid-feedback").count() >= 4
    assert axe(phone_page) == []
    phone_page.goto("/portal/rights/track/")
    assert axe(phone_page) == []


def test_case_page_and_queue_are_accessible(page, world, sign_in, axe):
    RoutingRule.objects.create(category=category("wage_arrears"), organization=world.org_a)
    case = make_case(world)
    sign_in(page, world.caseworker)
    page.goto(f"/rights/{case.pk}/")
    assert _own(axe(page)) == []
    page.goto("/rights/?tab=new")
    assert page.locator(f"a:has-text('{case.tracking_code}')").count() == 1
    assert _own(axe(page)) == []


def _own(violations):
    # The shell's inbox link (core's base.html, label-content-name-mismatch) is reported to the lead;
    # this test checks the rights pages themselves.
    return [v for v in violations if not ("unread notification" in v or "未读消息" in v)]
