import json
from datetime import date

import pytest
import time_machine

from shuniu.core.models import AuditEntry
from shuniu.core.services import DomainError
from shuniu.people import services
from shuniu.people.models import (
    Consent,
    ConsentChannel,
    ConsentPurpose,
    MatchCandidate,
    Person,
    PersonTag,
    Serving,
    Tag,
)
from tests.people.helpers import id_number, make_person


def test_find_or_create_links_an_existing_person_by_id_number(world, caseworker, outsider):
    number = id_number(date(1975, 3, 9), "213")
    person, created = services.find_or_create_person(
        name="李强", organization=world.org_a, actor=caseworker, id_number=number
    )
    again, created_again = services.find_or_create_person(
        name="李强", organization=world.org_b, actor=outsider, id_number=number.lower()
    )
    assert (created, created_again) == (True, False)
    assert again == person
    assert person.birth_date == date(1975, 3, 9)
    assert person.gender == "male"
    assert set(Serving.objects.filter(person=person).values_list("organization_id", flat=True)) == {
        world.org_a.pk,
        world.org_b.pk,
    }


def test_invalid_id_number_is_refused_and_nothing_is_saved(world, caseworker):
    valid = id_number(date(1975, 3, 9), "213")
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    with pytest.raises(DomainError) as error:
        services.find_or_create_person(name="李强", organization=world.org_a, actor=caseworker, id_number=wrong)
    assert error.value.code == "id_number"
    assert Person.objects.count() == 0


def test_registering_proposes_near_duplicates(world, caseworker, django_capture_on_commit_callbacks):
    make_person(world.org_b, "张伟", birth=date(1990, 1, 1), sequence="", phone="13812345678")
    with django_capture_on_commit_callbacks(execute=True):
        person, created = services.register_person(
            actor=caseworker,
            organization=world.org_a,
            data={"name": "張瑋", "birth_date": date(1990, 1, 1), "phone": "13812345678", "gender": "male"},
        )
    assert created
    assert MatchCandidate.objects.filter(person_high=person).count() == 1


def test_guardian_consent_is_required_under_14(world, caseworker):
    with time_machine.travel(date(2026, 6, 1)):
        child = make_person(world.org_a, "小明", birth=date(2016, 2, 2), sequence="135")
        with pytest.raises(DomainError) as error:
            services.record_consent(
                actor=caseworker,
                person=child,
                organization=world.org_a,
                purpose=ConsentPurpose.SERVICE,
                channel=ConsentChannel.PAPER,
                given_on=date(2026, 5, 30),
            )
        assert error.value.code == "guardian"
        assert Consent.objects.count() == 0
        consent = services.record_consent(
            actor=caseworker,
            person=child,
            organization=world.org_a,
            purpose=ConsentPurpose.SERVICE,
            channel=ConsentChannel.PAPER,
            given_on=date(2026, 5, 30),
            guardian_name="王芳",
            guardian_relation="母亲",
        )
    assert consent.guardian_relation == "母亲"
    assert AuditEntry.objects.filter(action="people.consent.recorded").count() == 1


def test_withdrawing_sharing_consent_stops_linking_new_organisations(
    world, caseworker, outsider, django_capture_on_commit_callbacks
):
    person = make_person(world.org_a, "王芳")
    consent = services.record_consent(
        actor=caseworker,
        person=person,
        organization=world.org_a,
        purpose=ConsentPurpose.SHARING,
        channel=ConsentChannel.IN_PERSON,
        given_on=date(2026, 1, 1),
    )
    services.withdraw_consent(actor=caseworker, consent=consent)
    person.refresh_from_db()
    assert person.sharing_withdrawn_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        other, created = services.find_or_create_person(
            name="王芳", organization=world.org_b, actor=outsider, id_number=person.id_number
        )
    assert created and other != person
    assert list(Serving.objects.filter(person=person).values_list("organization_id", flat=True)) == [world.org_a.pk]
    # and the two records are not proposed to anyone as a pair
    assert MatchCandidate.objects.count() == 0
    with pytest.raises(DomainError):
        services.withdraw_consent(actor=caseworker, consent=consent)


def test_sensitive_tags_need_sensitive_consent(world, caseworker):
    person = make_person(world.org_a, "王芳")
    with pytest.raises(DomainError):
        services.set_tags(actor=caseworker, person=person, organization=world.org_a, tags=[(Tag.DISABILITY, "二级")])
    assert PersonTag.objects.count() == 0
    services.record_consent(
        actor=caseworker,
        person=person,
        organization=world.org_a,
        purpose=ConsentPurpose.SENSITIVE,
        channel=ConsentChannel.PAPER,
        given_on=date(2026, 1, 1),
    )
    services.set_tags(actor=caseworker, person=person, organization=world.org_a, tags=[(Tag.DISABILITY, "二级")])
    assert list(PersonTag.objects.values_list("tag", "detail")) == [("disability", "二级")]


def test_data_export_holds_everything_and_is_audited(world, supervisor):
    person = make_person(world.org_a, "王芳", phone="13812345678")
    PersonTag.objects.create(person=person, tag=Tag.SINGLE_PARENT)
    document = json.loads(services.export_person_data(actor=supervisor, person=person, organization=world.org_a))
    assert document["person"]["phone"] == "13812345678"
    assert [row["tag"] for row in document["records"]["people.persontag"]] == ["single_parent"]
    assert [row["organization_id"] for row in document["records"]["people.serving"]] == [world.org_a.pk]
    assert AuditEntry.objects.filter(action="people.person.data_exported", object_id=str(person.pk)).count() == 1


def test_anonymise_removes_identity_and_keeps_statistics(world, supervisor):
    person = make_person(world.org_a, "王芳", phone="13812345678", address="和平社区3幢", community=world.community)
    PersonTag.objects.create(person=person, tag=Tag.SINGLE_PARENT)
    services.anonymise_person(actor=supervisor, person=person, organization=world.org_a)
    person.refresh_from_db()
    assert (person.name, person.id_number, person.phone, person.address) == (services.ANONYMISED_NAME, "", "", "")
    assert person.id_number_index == ""
    assert person.birth_date == date(1980, 1, 1)
    assert person.gender == "female"
    assert person.community == world.community
    assert PersonTag.objects.filter(person=person).count() == 1
    assert Serving.objects.filter(person=person).count() == 1
    with pytest.raises(DomainError):
        services.anonymise_person(actor=supervisor, person=person, organization=world.org_a)
    assert AuditEntry.objects.filter(action="people.person.anonymised").count() == 1
