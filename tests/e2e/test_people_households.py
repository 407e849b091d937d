"""Households in a browser: create one around a person, add a member found in the registry, change
a relation; the household page is accessible."""

from datetime import date

import pytest
from playwright.sync_api import expect

from shuniu.people.models import Person
from tests.people.helpers import make_person


@pytest.mark.django_db(transaction=True)
def test_household_is_built_from_the_person_page(page, world, sign_in, axe):
    head = make_person(world.org_a, "王芳", address="和平路18号", community=world.community)
    son = make_person(world.org_a, "李明", birth=date(2005, 6, 1), sequence="157")

    sign_in(page, world.caseworker)
    page.goto(f"/people/{head.pk}/")
    page.click("#household form button[type=submit]")
    expect(page.locator("#members-title")).to_be_visible()
    head.refresh_from_db()
    assert page.url.endswith(f"/people/households/{head.household_id}/")

    page.click(f"a[href='/people/households/{head.household_id}/members/']")
    page.fill("#member-q", "李明")
    page.click("form[role=search] button[type=submit]")
    expect(page.locator(f"#relation-{son.pk}")).to_be_visible()
    page.select_option(f"#relation-{son.pk}", "child")
    page.click(f"form:has(#relation-{son.pk}) button[type=submit]")
    expect(page.locator("#members-title")).to_be_visible()

    son.refresh_from_db()
    assert (son.household_id, son.relation_to_head) == (head.household_id, "child")
    page.select_option(f"#relation-{son.pk}", "grandchild")
    page.click(f"form:has(#relation-{son.pk}) button[type=submit]")
    expect(page.locator(".alert-success")).to_be_visible()
    assert Person.objects.get(pk=son.pk).relation_to_head == "grandchild"
    page.goto(f"/people/households/{head.household_id}/")  # the page itself, without the flash message
    expect(page.locator("#members-title")).to_be_visible()
    assert axe(page) == []
