"""The relief "done when" path in a real browser: a citizen applies for Golden Autumn aid and sees
the eligibility check → community, street and union approve → the notice is published → a
citizen objects and the union resolves it → after the notice period a batch is prepared and paid
→ the ledger and the budget match."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from shuniu.core.models import Organization, OrganizationKind
from shuniu.core.permissions import Role
from shuniu.relief.models import Application, Budget, LedgerEntry, Objection, Status
from tests.e2e.conftest import new_page
from tests.relief.helpers import make_programme
from tests.world import make_user


def _golden_autumn(world):
    union_street = Organization.objects.create(
        code="union-s01", name="东湖街道工会", kind=OrganizationKind.UNION, region=world.street, parent=world.org_b
    )
    programme = make_programme(
        world,
        code="golden-autumn",
        name="金秋助学",
        organization=world.org_b,
        base_amount=Decimal("3000.00"),
        person_cap=Decimal("5000.00"),
        household_cap=Decimal("6000.00"),
    )
    Budget.objects.filter(programme=programme).update(amount=Decimal("150000.00"), funding_source="membership_dues")
    programme.rules.create(position=2, field="student_enrolled", operator="is_true", explanation="已被大学录取或在读")
    steps = programme.steps.order_by("position")
    for step, name in zip(steps, ["社区初审", "街道工会审核", "区总工会审批"], strict=True):
        step.name = name
        step.save()
    return programme, union_street


def _decide(page, application, comment=""):
    page.goto(f"/relief/applications/{application.pk}/")
    page.check("input[name=decision][value=approve]")
    if comment:
        page.fill("textarea[name=comment]", comment)
    with page.expect_navigation():
        page.click("form[action$='/decide/'] button[type=submit]")
    assert page.locator(".alert-success").count() == 1


@pytest.mark.django_db(transaction=True)
def test_golden_autumn_from_application_to_payment(browser, live_server, page, world, sign_in, axe):
    programme, union_street = _golden_autumn(world)
    community_worker = make_user("union_s01", union_street, Role.CASEWORKER, "东湖街道工会 何敏")
    street_reviewer = make_user("union_s01_head", union_street, Role.SUPERVISOR, "东湖街道工会 主席")
    union_head = make_user("union_head", world.org_b, Role.SUPERVISOR, "区总工会 郑伟")
    union_clerk = world.outsider  # the union's caseworker prepares the batch

    # A citizen applies on the portal and sees the eligibility check at once.
    page.goto("/portal/relief/")
    with page.expect_navigation():
        page.click(f"a[href='/portal/relief/apply/{programme.code}/']")
    page.fill("input[name=name]", "陈晓明")
    page.fill("input[name=id_number]", "110105200501015139")
    page.fill("input[name=phone]", "138 1234 5678")
    page.select_option("select[name=community]", str(world.community.pk))
    page.fill("input[name=household_size]", "3")
    page.fill("input[name=monthly_income]", "3600")
    page.check("input[name=student_enrolled]")
    page.fill("input[name=school]", "浙江工业大学")
    page.fill("textarea[name=reason]", "父亲是困难职工，因工伤致残，母亲无固定工作。")
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    code = page.locator("[data-tracking-code]").inner_text().strip()
    application = Application.objects.get(code=code)
    assert application.channel == "portal"
    assert application.is_eligible is True
    assert page.locator("li .badge.bg-green-lt").count() == 2  # both rules met, shown with their reasons
    assert "1200.00" in page.content()  # income per member, the fact the rule was judged on
    assert axe(page) == []

    # Community, street and union approve, each with their own account.
    for reviewer in (community_worker, street_reviewer, union_head):
        reviewer_page = new_page(browser, live_server)
        sign_in(reviewer_page, reviewer)
        _decide(reviewer_page, application)
        reviewer_page.context.close()
    application.refresh_from_db()
    assert application.status == Status.APPROVED

    # The union publishes the notice.
    head_page = new_page(browser, live_server)
    sign_in(head_page, union_head)
    head_page.goto(f"/relief/programmes/{programme.pk}/notice/")
    with head_page.expect_navigation():
        head_page.click("#main form button[type=submit]")
    application.refresh_from_db()
    assert application.status == Status.IN_NOTICE

    # Anyone sees it with the name and ID number masked, and objects.
    page.goto("/portal/relief/notices/")
    assert "陈**" in page.content()
    assert "110105********5139" in page.content()
    assert "陈晓明" not in page.content()
    with page.expect_navigation():
        page.click(f"a[href='/portal/relief/notices/{code}/objection/']")
    page.fill("textarea[name=text]", "听说该生家里刚买了新车，请核实家庭收入。")
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    application.refresh_from_db()
    assert application.status == Status.PAUSED

    # The union checks and dismisses it; the application is back in notice.
    head_page.goto(f"/relief/applications/{application.pk}/")
    head_page.check("input[name=outcome][value=dismissed]")
    head_page.fill("textarea[name=resolution]", "经入户核实，车辆为亲戚所有，异议不成立。")
    with head_page.expect_navigation():
        head_page.click("form[action*='/objections/'] button[type=submit]")
    application.refresh_from_db()
    assert application.status == Status.IN_NOTICE
    assert Objection.objects.get().status == "dismissed"
    head_page.context.close()

    # After the notice period the clerk prepares the batch and the union head pays it. A run in the
    # last days of December pays from next year's budget: that year needs one as well.
    paid_at = application.notice.ends_at + timedelta(hours=1)
    paid_year = timezone.localtime(paid_at).year
    Budget.objects.get_or_create(
        programme=programme,
        year=paid_year,
        defaults={"amount": Decimal("150000.00"), "funding_source": "membership_dues"},
    )
    with time_machine.travel(paid_at, tick=True):
        clerk_page = new_page(browser, live_server)
        sign_in(clerk_page, union_clerk)
        clerk_page.goto(f"/relief/programmes/{programme.pk}/batch/")
        with clerk_page.expect_navigation():
            clerk_page.click("#main form button[type=submit]")
        assert "/relief/batches/" in clerk_page.url
        batch_url = clerk_page.url
        assert clerk_page.locator("form[action$='/pay/']").count() == 0  # the preparer cannot pay
        clerk_page.context.close()

        payer_page = new_page(browser, live_server)
        sign_in(payer_page, union_head)
        payer_page.goto(batch_url)
        with payer_page.expect_navigation():
            payer_page.click("form[action$='/pay/'] button[type=submit]")
        assert payer_page.locator(".alert-success").count() == 1
        remaining = payer_page.locator("[data-budget-remaining]").inner_text().strip()
        payer_page.context.close()

    application.refresh_from_db()
    assert application.status == Status.PAID
    entries = list(LedgerEntry.objects.values_list("kind", "amount", "application_id"))
    assert entries == [("disbursement", Decimal("3000.00"), application.pk)]
    budget = Budget.objects.get(programme=programme, year=paid_year)
    assert budget.used() == Decimal("3000.00")
    assert remaining == "147000.00" == str(budget.amount - budget.used())

    # The citizen follows the application with the code and the phone's last four digits.
    page.goto("/portal/relief/track/")
    page.fill("input[name=code]", code)
    page.fill("input[name=phone_last4]", "5678")
    with page.expect_navigation():
        page.click("#main form button[type=submit]")
    with translation.override("zh-hans"):
        assert page.locator("[data-status]").inner_text() == str(Status.PAID.label)
