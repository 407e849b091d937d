"""Done when: citizen submits on the portal → routed to the Women's Federation → referred to the
union's legal aid → accepted → resolved with money recovered → follow-up → closed."""

from decimal import Decimal

from shuniu.core.permissions import Role
from shuniu.rights.models import RightsCase, RoutingRule
from tests.rights.helpers import category as category_named
from tests.rights.helpers import legal_aid_org
from tests.world import make_user


def test_portal_request_to_closure_across_organisations(page, world, sign_in):
    category = category_named("labour_contract")
    RoutingRule.objects.create(category=category, organization=world.org_a)
    aid = legal_aid_org(world)
    lawyer = make_user("lawyer", aid, Role.CASEWORKER, "工会法援 律师 冯律")

    # The citizen, without an account.
    page.goto("/portal/rights/")
    page.fill("#id_name", "陈晓梅")
    page.fill("#id_phone", "13987654321")
    page.select_option("#id_community", str(world.community.pk))
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_description", "公司在我怀孕后单方解除劳动合同，拒付经济补偿金。")
    page.check("#id_consent")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    code = page.locator("[data-testid=tracking-code]").inner_text().strip()
    case = RightsCase.objects.get(tracking_code=code)
    assert case.lead_org == world.org_a

    # The Women's Federation accepts and refers to the union's legal-aid centre.
    sign_in(page, world.caseworker)
    page.goto(f"/rights/{case.pk}/")
    assert page.locator("[data-testid=lead-org]").inner_text() == world.org_a.display_name
    with page.expect_navigation():
        page.click("form[action$='/do/accept/'] button")
    page.click("details:has(form[action$='/refer/']) > summary")
    page.select_option("#refer-to_org", str(aid.pk))
    page.check("#refer-mode_0")
    page.fill("#refer-reason", "需要工会法律援助中心代理劳动仲裁")
    page.check("#refer-consent")
    with page.expect_navigation():
        page.click("form[action$='/refer/'] button[type=submit]")
    assert page.locator("[data-testid=referral-status]").inner_text() == "等待答复"

    # The legal-aid centre accepts, works, resolves with money recovered, follows up, closes.
    page.context.clear_cookies()
    sign_in(page, lawyer)
    page.goto(f"/rights/{case.pk}/")
    with page.expect_navigation():
        page.click("form[action$='/answer/'] button[value=accept]")
    assert page.locator("[data-testid=lead-org]").inner_text() == aid.display_name
    with page.expect_navigation():
        page.click("form[action$='/do/start/'] button")
    page.select_option("#resolve-outcome", "legal_aid")
    page.fill("#resolve-money_recovered", "18600.50")
    page.fill("#resolve-summary", "经劳动仲裁调解，公司支付经济补偿金18600.50元。")
    with page.expect_navigation():
        page.click("form[action$='/resolve/'] button[type=submit]")
    assert page.locator("[data-testid=money-recovered]").inner_text() == "18600.50"
    page.select_option("#follow-up-method", "phone")
    page.select_option("#follow-up-satisfaction", "5")
    with page.expect_navigation():
        page.click("form[action$='/follow-up/'] button[type=submit]")
    with page.expect_navigation():
        page.click("form[action$='/do/close/'] button")
    assert page.locator("[data-testid=case-status]").inner_text() == "已办结"

    case.refresh_from_db()
    assert case.status == "closed"
    assert case.lead_org == aid
    assert case.money_recovered == Decimal("18600.50")
    assert case.follow_ups.get().satisfaction == 5

    # The citizen checks the progress with the code and the phone's last four digits.
    page.context.clear_cookies()
    page.goto("/portal/rights/track/")
    page.fill("#id_code", code)
    page.fill("#id_last_four", "4321")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "办结" in page.locator("[data-testid=public-status]").inner_text()
