from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shuniu.core.models import AuditEntry
from shuniu.core.services import DomainError
from shuniu.people import households
from shuniu.people.models import Household, Person, PersonTag, Serving, Tag
from tests.people.helpers import id_number, make_person


def _family(world, actor):
    """王芳 (head) with her husband 李强, both served by org_a."""
    head = make_person(world.org_a, "王芳", sequence="124", address="和平路18号", community=world.community)
    husband = make_person(world.org_a, "李强", birth=date(1978, 3, 4), sequence="135")
    household = households.create_household(actor=actor, organization=world.org_a, head=head)
    households.add_household_member(
        actor=actor, organization=world.org_a, household=household, person=husband, relation="spouse"
    )
    return household, head, husband


# --- services -------------------------------------------------------------------------------------


def test_create_household_makes_the_person_head_at_their_address_and_is_audited(world, caseworker):
    head = make_person(world.org_a, "王芳", address="和平路18号", community=world.community)

    household = households.create_household(actor=caseworker, organization=world.org_a, head=head)

    assert (household.name, household.address, household.community, household.members_count) == (
        "王芳户",
        "和平路18号",
        world.community,
        1,
    )
    assert (head.household_id, head.relation_to_head) == (household.pk, "head")
    entry = AuditEntry.objects.get(action="people.household.created")
    assert entry.object_id == str(household.pk) and entry.data == {"head": head.pk}


def test_a_person_already_in_a_household_cannot_head_a_second_one(world, caseworker):
    household, head, _husband = _family(world, caseworker)

    with pytest.raises(DomainError, match="一个户"):
        households.create_household(actor=caseworker, organization=world.org_a, head=head)

    assert Household.objects.count() == 1
    head.refresh_from_db()
    assert (head.household_id, head.relation_to_head) == (household.pk, "head")


def test_add_member_records_the_relation_and_counts_members(world, caseworker):
    household, _head, husband = _family(world, caseworker)

    household.refresh_from_db()
    assert household.members_count == 2
    assert (husband.household_id, husband.relation_to_head) == (household.pk, "spouse")
    entry = AuditEntry.objects.get(action="people.household.member_added")
    assert entry.data == {"person": husband.pk, "relation": "spouse"}


def test_adding_the_same_person_twice_is_refused(world, caseworker):
    household, _head, husband = _family(world, caseworker)

    with pytest.raises(DomainError, match="已是该家庭成员"):
        households.add_household_member(
            actor=caseworker, organization=world.org_a, household=household, person=husband, relation="child"
        )

    husband.refresh_from_db()
    assert husband.relation_to_head == "spouse"
    assert AuditEntry.objects.filter(action="people.household.member_added").count() == 1


def test_a_member_of_another_household_is_not_moved_silently(world, caseworker):
    household, _head, _husband = _family(world, caseworker)
    other_head = make_person(world.org_a, "赵敏", birth=date(1990, 1, 1), sequence="146")
    other = households.create_household(actor=caseworker, organization=world.org_a, head=other_head)

    with pytest.raises(DomainError, match="另一户"):
        households.add_household_member(
            actor=caseworker, organization=world.org_a, household=household, person=other_head, relation="child"
        )

    other_head.refresh_from_db()
    assert (other_head.household_id, other_head.relation_to_head) == (other.pk, "head")


def test_a_second_head_is_refused_when_adding_and_when_changing_a_relation(world, caseworker):
    household, _head, husband = _family(world, caseworker)
    son = make_person(world.org_a, "李明", birth=date(2005, 6, 1), sequence="157")

    with pytest.raises(DomainError, match="已有户主"):
        households.add_household_member(
            actor=caseworker, organization=world.org_a, household=household, person=son, relation="head"
        )
    with pytest.raises(DomainError, match="已有户主"):
        households.change_relation(
            actor=caseworker, organization=world.org_a, household=household, person=husband, relation="head"
        )

    son.refresh_from_db()
    husband.refresh_from_db()
    assert son.household_id is None
    assert husband.relation_to_head == "spouse"


def test_an_unknown_or_empty_relation_is_refused(world, caseworker):
    household, _head, _husband = _family(world, caseworker)
    son = make_person(world.org_a, "李明", birth=date(2005, 6, 1), sequence="157")

    for relation in ("", "表哥"):
        with pytest.raises(DomainError):
            households.add_household_member(
                actor=caseworker, organization=world.org_a, household=household, person=son, relation=relation
            )

    son.refresh_from_db()
    assert son.household_id is None


def test_change_relation_then_the_head_can_be_handed_over(world, caseworker):
    household, head, husband = _family(world, caseworker)

    assert households.change_relation(
        actor=caseworker, organization=world.org_a, household=household, person=head, relation="spouse"
    )
    assert households.change_relation(
        actor=caseworker, organization=world.org_a, household=household, person=husband, relation="head"
    )
    assert not households.change_relation(
        actor=caseworker, organization=world.org_a, household=household, person=husband, relation="head"
    )

    head.refresh_from_db()
    husband.refresh_from_db()
    assert (head.relation_to_head, husband.relation_to_head) == ("spouse", "head")
    entries = AuditEntry.objects.filter(action="people.household.relation_changed").order_by("pk")
    assert [entry.data for entry in entries] == [
        {"person": head.pk, "from": "head", "to": "spouse"},
        {"person": husband.pk, "from": "spouse", "to": "head"},
    ]


def test_the_head_stays_while_other_members_remain(world, caseworker):
    household, head, _husband = _family(world, caseworker)

    with pytest.raises(DomainError, match="户主"):
        households.remove_household_member(actor=caseworker, organization=world.org_a, household=household, person=head)

    head.refresh_from_db()
    assert head.household_id == household.pk
    assert not AuditEntry.objects.filter(action="people.household.member_removed").exists()


def test_removing_members_then_the_last_one_removes_the_household(world, caseworker):
    household, head, husband = _family(world, caseworker)

    deleted = households.remove_household_member(
        actor=caseworker, organization=world.org_a, household=household, person=husband
    )
    household.refresh_from_db()
    husband.refresh_from_db()
    assert (deleted, household.members_count, husband.household_id, husband.relation_to_head) == (False, 1, None, "")

    deleted = households.remove_household_member(
        actor=caseworker, organization=world.org_a, household=household, person=head
    )
    assert deleted is True
    assert not Household.objects.filter(pk=household.pk).exists()
    assert Person.objects.filter(pk__in=[head.pk, husband.pk], household__isnull=True).count() == 2
    assert AuditEntry.objects.filter(action="people.household.member_removed").count() == 2


def test_an_organisation_serving_no_member_may_not_change_the_household(world, caseworker, outsider):
    household, _head, husband = _family(world, caseworker)
    stranger = make_person(world.org_b, "孙丽", birth=date(1985, 1, 1), sequence="168")

    with pytest.raises(PermissionDenied):
        households.add_household_member(
            actor=outsider, organization=world.org_b, household=household, person=stranger, relation="child"
        )
    with pytest.raises(PermissionDenied):
        households.remove_household_member(
            actor=outsider, organization=world.org_b, household=household, person=husband
        )
    with pytest.raises(PermissionDenied):
        households.create_household(actor=outsider, organization=world.org_b, head=make_person(world.org_a, "周杰"))

    stranger.refresh_from_db()
    husband.refresh_from_db()
    assert stranger.household_id is None and husband.household_id == household.pk
    assert Household.objects.count() == 1


def test_a_district_coordinator_without_edit_permission_may_not_change_households(world, caseworker, coordinator):
    household, _head, husband = _family(world, caseworker)

    with pytest.raises(PermissionDenied):
        households.change_relation(
            actor=coordinator, organization=world.joint_office, household=household, person=husband, relation="child"
        )

    husband.refresh_from_db()
    assert husband.relation_to_head == "spouse"


def test_household_visibility_follows_the_members(world, caseworker, outsider, coordinator):
    household, _head, husband = _family(world, caseworker)

    assert list(Household.objects.visible_to(caseworker)) == [household]
    assert list(Household.objects.visible_to(coordinator)) == [household]
    assert list(Household.objects.visible_to(outsider)) == []
    Serving.objects.create(person=husband, organization=world.org_b)
    assert list(Household.objects.visible_to(outsider)) == [household]


def test_tag_summary_counts_visible_members_and_the_low_income_household(world, caseworker):
    household, head, husband = _family(world, caseworker)
    hidden = make_person(world.org_b, "李小", birth=date(2015, 1, 1), sequence="179")
    Person.objects.filter(pk=hidden.pk).update(household=household, relation_to_head="child")
    PersonTag.objects.create(person=head, tag=Tag.LOW_INCOME)
    PersonTag.objects.create(person=husband, tag=Tag.UNEMPLOYED)
    PersonTag.objects.create(person=hidden, tag=Tag.LEFT_BEHIND_CHILD)
    PersonTag.objects.create(person=hidden, tag=Tag.LOW_INCOME)

    summary = households.tag_summary(household, {head.pk, husband.pk})

    assert summary == [(str(Tag.LOW_INCOME.label), 2), (str(Tag.UNEMPLOYED.label), 1)]


def test_relation_label_translates_choices_and_keeps_imported_text():
    assert households.relation_label("spouse") == "配偶"
    assert households.relation_label("本人") == "户主"
    assert households.relation_label("外甥") == "外甥"


# --- views ----------------------------------------------------------------------------------------


def test_person_page_shows_the_household_members_masked_when_not_served(world, caseworker, client_for):
    household, head, husband = _family(world, caseworker)
    hidden = make_person(world.org_b, "李小红", birth=date(2015, 1, 1), sequence="179")
    Person.objects.filter(pk=hidden.pk).update(household=household, relation_to_head="child")

    page = client_for(caseworker).get(reverse("people:detail", args=[head.pk])).content.decode()

    assert reverse("people:household", args=[household.pk]) in page
    assert reverse("people:detail", args=[husband.pk]) in page
    assert "李强" in page and "配偶" in page
    assert "李**" in page and "李小红" not in page
    assert reverse("people:detail", args=[hidden.pk]) not in page


def test_household_page_shows_address_members_and_circumstances(world, caseworker, client_for):
    household, head, husband = _family(world, caseworker)
    PersonTag.objects.create(person=head, tag=Tag.LOW_INCOME)

    response = client_for(caseworker).get(reverse("people:household", args=[household.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "和平路18号" in page and "王芳户" in page
    assert reverse("people:detail", args=[head.pk]) in page and reverse("people:detail", args=[husband.pk]) in page
    assert str(Tag.LOW_INCOME.label) in page
    assert AuditEntry.objects.filter(action="people.household.viewed", object_id=str(household.pk)).count() == 1


def test_household_page_is_not_found_for_an_organisation_serving_no_member(world, caseworker, outsider, client_for):
    household, _head, _husband = _family(world, caseworker)

    response = client_for(outsider).get(reverse("people:household", args=[household.pk]))

    assert response.status_code == 404


def test_create_household_from_the_person_page(world, caseworker, client_for):
    person = make_person(world.org_a, "王芳")

    response = client_for(caseworker).post(reverse("people:household_create", args=[person.pk]))

    person.refresh_from_db()
    assert response.status_code == 302
    assert response.url == reverse("people:household", args=[person.household_id])
    assert person.relation_to_head == "head"


def test_create_household_twice_shows_the_refusal(world, caseworker, client_for):
    _household, head, _husband = _family(world, caseworker)
    client = client_for(caseworker)

    response = client.post(reverse("people:household_create", args=[head.pk]), follow=True)

    assert "只能属于一个户" in response.content.decode()
    assert Household.objects.count() == 1


def test_add_member_page_searches_people_the_user_may_see(world, caseworker, client_for):
    household, _head, _husband = _family(world, caseworker)
    son = make_person(world.org_a, "李明", birth=date(2005, 6, 1), sequence="157")
    make_person(world.org_b, "李明亮", birth=date(2004, 6, 1), sequence="168")

    page = (
        client_for(caseworker)
        .get(reverse("people:household_member_add", args=[household.pk]), {"q": "李明"})
        .content.decode()
    )

    assert f'name="person" value="{son.pk}"' in page
    assert "李明亮" not in page


def test_add_an_existing_person_from_the_search(world, caseworker, client_for):
    household, _head, _husband = _family(world, caseworker)
    son = make_person(world.org_a, "李明", birth=date(2005, 6, 1), sequence="157")

    response = client_for(caseworker).post(
        reverse("people:household_member_add", args=[household.pk]), {"person": son.pk, "relation": "child"}
    )

    son.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("people:household", args=[household.pk])
    assert (son.household_id, son.relation_to_head) == (household.pk, "child")


def test_add_a_person_the_user_may_not_see_is_not_found(world, caseworker, client_for):
    household, _head, _husband = _family(world, caseworker)
    stranger = make_person(world.org_b, "孙丽", birth=date(1985, 1, 1), sequence="168")

    response = client_for(caseworker).post(
        reverse("people:household_member_add", args=[household.pk]), {"person": stranger.pk, "relation": "child"}
    )

    stranger.refresh_from_db()
    assert response.status_code == 404
    assert stranger.household_id is None


def test_register_a_new_member_into_the_household(world, caseworker, client_for):
    household, _head, _husband = _family(world, caseworker)
    number = id_number(date(2008, 9, 1), "191")

    response = client_for(caseworker).post(
        reverse("people:household_member_add", args=[household.pk]),
        {"action": "register", "new-name": "李小明", "new-id_number": number, "new-relation": "child"},
    )

    member = Person.objects.get(name="李小明")
    assert response.status_code == 302
    assert (member.household_id, member.relation_to_head, member.birth_date) == (
        household.pk,
        "child",
        date(2008, 9, 1),
    )
    assert (member.address, member.community_id) == ("和平路18号", world.community.pk)
    assert Serving.objects.filter(person=member, organization=world.org_a).count() == 1


def test_register_a_new_member_with_a_bad_id_number_saves_nothing(world, caseworker, client_for):
    household, _head, _husband = _family(world, caseworker)
    number = id_number(date(2008, 9, 1), "191")
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")

    response = client_for(caseworker).post(
        reverse("people:household_member_add", args=[household.pk]),
        {"action": "register", "new-name": "李小明", "new-id_number": wrong, "new-relation": "child"},
    )

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Person.objects.filter(name="李小明").exists()


def test_change_relation_and_remove_member_through_the_page(world, caseworker, client_for):
    household, _head, husband = _family(world, caseworker)
    client = client_for(caseworker)

    client.post(reverse("people:household_relation", args=[household.pk, husband.pk]), {"relation": "other"})
    husband.refresh_from_db()
    assert husband.relation_to_head == "other"

    response = client.post(reverse("people:household_member_remove", args=[household.pk, husband.pk]))
    husband.refresh_from_db()
    assert response.status_code == 302 and response.url == reverse("people:household", args=[household.pk])
    assert husband.household_id is None


def test_relations_from_imported_lists_are_read_and_written_as_registers_do():
    assert [households.relation_from_text(text) for text in ("本人", " 长子 ", "妻子", "外甥", "")] == [
        "head",
        "child",
        "spouse",
        "外甥",
        "",
    ]
    assert [households.relation_text(value) for value in ("head", "grandchild", "外甥", "")] == [
        "户主",
        "孙子女",
        "外甥",
        "",
    ]
