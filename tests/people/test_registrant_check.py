"""The check of one new registrant uses the batch resolver's blocking keys, through indexed columns."""

from datetime import date

from django.urls import reverse

from shuniu.core.validators import id_check_character
from shuniu.people import matching, resolution, services
from shuniu.people.models import Person
from tests.people.helpers import make_person


def _valid(first17: str) -> str:
    return first17 + id_check_character(first17)


def _key(field: str, *values: str) -> str:
    return Person._meta.get_field(field).compute(*values)


def test_person_stores_the_batch_blocking_keys_as_blind_indexes(world):
    person = make_person(world.org_a, "王芳", phone="13812345678", address="东湖街道和平社区3幢2单元301室")

    assert person.id_digits_index == _key("id_digits_index", person.id_number)
    assert person.name_phone_index == _key("name_phone_index", "王芳", "13812345678")
    assert person.name_community_index == _key("name_community_index", "王芳", "东湖街道和平社区3幢2单元301室")
    assert len(person.name_phone_index) == 64 and "13812345678" not in person.name_phone_index
    # the same plaintext keys as the batch resolver's blocks
    keys = matching.blocking_keys(person.to_record())
    assert "s:" + matching.id_digits_key(person.id_number) in keys
    assert "q:" + matching.name_phone_key("王芳", "13812345678") in keys
    assert "c:" + matching.name_community_key("王芳", "东湖街道和平社区3幢2单元301室") in keys


def test_an_id_number_with_swapped_birth_year_digits_is_proposed(world):
    # 1980 typed as 1908: a valid number (check character recomputed), other birth year and date,
    # so only the sorted-digits block brings the two together.
    existing = Person.objects.create(name="王芳", id_number=_valid("33010619800517124"), birth_date=date(1980, 5, 17))
    swapped = _valid("33010619080517124")
    assert matching.id_without_birth(swapped) != matching.id_without_birth(existing.id_number)

    found = resolution.candidates_for(
        matching.Record(key=None, name="王芳", id_number=swapped, birth_date=date(1908, 5, 17))
    )

    assert [(person.pk, score.level) for person, score in found] == [(existing.pk, "likely")]


def test_a_phone_with_swapped_digits_and_the_same_name_is_proposed(world):
    existing = make_person(world.org_a, "王芳", sequence="", phone="13812345678")

    found = resolution.candidates_for(matching.Record(key=None, name="王芳", phone="13812345687"))

    assert [(person.pk, score.level) for person, score in found] == [(existing.pk, "likely")]


def test_the_same_name_in_the_same_community_is_proposed(world):
    existing = make_person(world.org_a, "王芳", sequence="", address="东湖街道和平社区3幢2单元301室")

    found = resolution.candidates_for(matching.Record(key=None, name="王芳", address="东湖街道和平社区3幢2单元302室"))

    assert [person.pk for person, _score in found] == [existing.pk]


def test_an_anonymised_person_is_not_proposed_and_loses_the_keys(world, supervisor):
    person = make_person(world.org_a, "王芳", sequence="", phone="13812345678", address="东湖街道和平社区3幢2单元301室")

    services.anonymise_person(actor=supervisor, person=person, organization=world.org_a)

    person.refresh_from_db()
    assert (person.id_digits_index, person.name_phone_index, person.name_community_index) == ("", "", "")
    for record in (
        matching.Record(key=None, name="王芳", phone="13812345687"),
        matching.Record(key=None, name="王芳", address="东湖街道和平社区3幢2单元302室"),
    ):
        assert resolution.candidates_for(record) == []


def test_the_keys_follow_a_change_and_a_merge(world, caseworker):
    person = make_person(world.org_a, "王芳", sequence="", phone="13812345678")
    other = make_person(world.org_a, "王芳", birth=date(1980, 5, 17), sequence="135", phone="13900001111")

    services.update_person(
        actor=caseworker, person=person, organization=world.org_a, data={"name": "王芳", "phone": "13700002222"}
    )
    person.refresh_from_db()
    assert person.name_phone_index == _key("name_phone_index", "王芳", "13700002222")

    resolution.merge(actor=caseworker, survivor=person, merged=other, choices={"phone": "merged"})
    person.refresh_from_db()
    assert person.name_phone_index == _key("name_phone_index", "王芳", "13900001111")


def test_match_check_finds_a_typed_id_number_with_swapped_digits(world, caseworker, client_for):
    existing = make_person(world.org_a, "王芳", birth=date(1980, 5, 17), sequence="124")
    typed = existing.id_number[:14] + existing.id_number[15] + existing.id_number[14] + existing.id_number[16:]
    assert typed != existing.id_number

    page = (
        client_for(caseworker)
        .get(reverse("people:match_check"), {"name": "王芳", "id_number": typed}, HTTP_HX_REQUEST="true")
        .content.decode()
    )

    assert reverse("people:detail", args=[existing.pk]) in page


def test_match_check_uses_the_chosen_community(world, caseworker, client_for):
    address = f"{world.community.parent.name}{world.community.name}3幢2单元301室"
    existing = make_person(world.org_a, "王芳", sequence="", address=address)

    page = (
        client_for(caseworker)
        .get(
            reverse("people:match_check"),
            {"name": "王芳", "community": world.community.pk, "address": "5幢1单元"},
            HTTP_HX_REQUEST="true",
        )
        .content.decode()
    )

    assert reverse("people:detail", args=[existing.pk]) in page


def test_a_crowded_name_block_does_not_hide_the_person_found_by_phone(world):
    # 260 other 张伟 born in 1980 (a common name fills the name + birth-year block) and, registered
    # last, the same man with his phone: the phone block must bring him in however large the other is.
    Person.objects.bulk_create(
        [Person(name="张伟", birth_date=date(1980, 1 + index % 12, 1 + index % 28)) for index in range(260)]
    )
    existing = Person.objects.create(name="张伟", birth_date=date(1980, 3, 9), phone="13912345678")

    found = resolution.candidates_for(
        matching.Record(key=None, name="张伟", birth_date=date(1980, 3, 9), phone="13912345678")
    )

    assert found[0][0].pk == existing.pk
    assert found[0][1].level == "likely"
    assert len(found) <= resolution.MAX_CANDIDATES
