from datetime import date

import pytest

from shuniu.core.models import AuditEntry
from shuniu.core.services import DomainError
from shuniu.people import resolution
from shuniu.people.models import (
    Consent,
    ConsentChannel,
    ConsentPurpose,
    MatchCandidate,
    MatchStatus,
    MergeRecord,
    Person,
    PersonTag,
    Serving,
    Tag,
)
from tests.people.helpers import id_number, make_person

BIRTH = date(1980, 5, 17)


@pytest.fixture
def pair(world):
    """The same woman registered by the Women's Federation and, with a homophone name and a
    swapped phone digit and no ID number, by the trade union."""
    left = make_person(world.org_a, "王芳", birth=BIRTH, phone="13812345678", address="东湖街道和平社区3幢201")
    right = make_person(world.org_b, "汪芳", birth=BIRTH, sequence="", phone="13812345687", address="和平社区3幢201")
    Person.objects.filter(pk=right.pk).update(gender="female")
    right.refresh_from_db()
    return left, right


def test_scan_person_proposes_a_homophone_pair_as_likely(pair):
    left, right = pair
    assert resolution.scan_person(right.pk) == 1
    candidate = MatchCandidate.objects.get()
    assert (candidate.person_low_id, candidate.person_high_id) == (left.pk, right.pk)
    assert candidate.level == "likely"
    assert candidate.fields["phone"] == 0.8


def test_scan_registry_finds_the_same_pairs(pair):
    assert resolution.scan_registry() == 1
    assert MatchCandidate.objects.count() == 1


def test_distinct_pair_is_never_proposed_again(pair, coordinator):
    _left, right = pair
    resolution.scan_person(right.pk)
    candidate = MatchCandidate.objects.get()
    resolution.mark_distinct(actor=coordinator, candidate=candidate)
    resolution.scan_person(right.pk)
    resolution.scan_registry()
    assert list(MatchCandidate.objects.values_list("status", flat=True)) == [MatchStatus.DISTINCT]
    with pytest.raises(DomainError):
        resolution.mark_distinct(actor=coordinator, candidate=candidate)


def test_person_relations_are_discovered_from_the_model():
    labels = {f"{r.related_model._meta.label_lower}.{r.field.name}" for r in resolution.person_relations()}
    assert {"people.serving.person", "people.persontag.person", "people.consent.person", "people.importrow.person"} <= (
        labels
    )
    assert not any(
        label.startswith(("people.matchcandidate", "people.mergerecord", "people.person.")) for label in labels
    )


def test_merge_repoints_linked_records_and_undo_restores_them(pair, world, coordinator):
    left, right = pair
    PersonTag.objects.create(person=right, tag=Tag.SINGLE_PARENT)
    PersonTag.objects.create(person=left, tag=Tag.SINGLE_PARENT)  # duplicate: stays with the merged record
    PersonTag.objects.create(person=right, tag=Tag.LOW_INCOME)
    consent = Consent.objects.create(
        person=right,
        organization=world.org_b,
        purpose=ConsentPurpose.SERVICE,
        channel=ConsentChannel.PAPER,
        given_on=date(2026, 1, 5),
    )
    resolution.scan_person(right.pk)
    candidate = MatchCandidate.objects.get()

    record = resolution.merge(
        actor=coordinator, survivor=left, merged=right, choices={"phone": "merged"}, candidate=candidate
    )

    left.refresh_from_db()
    right.refresh_from_db()
    assert right.merged_into_id == left.pk
    assert left.phone == "13812345687"
    assert left.name == "王芳"
    assert set(Serving.objects.filter(person=left).values_list("organization_id", flat=True)) == {
        world.org_a.pk,
        world.org_b.pk,
    }
    assert sorted(PersonTag.objects.filter(person=left).values_list("tag", flat=True)) == [
        "low_income",
        "single_parent",
    ]
    assert PersonTag.objects.filter(person=right).count() == 1
    consent.refresh_from_db()
    assert consent.person_id == left.pk
    assert MatchCandidate.objects.get().status == MatchStatus.MERGED
    assert AuditEntry.objects.filter(action="people.person.merged", object_id=str(left.pk)).count() == 1

    resolution.undo_merge(actor=coordinator, record=record)

    left.refresh_from_db()
    right.refresh_from_db()
    assert right.merged_into_id is None
    assert left.phone == "13812345678"
    assert list(Serving.objects.filter(person=left).values_list("organization_id", flat=True)) == [world.org_a.pk]
    assert list(Serving.objects.filter(person=right).values_list("organization_id", flat=True)) == [world.org_b.pk]
    assert sorted(PersonTag.objects.filter(person=right).values_list("tag", flat=True)) == [
        "low_income",
        "single_parent",
    ]
    consent.refresh_from_db()
    assert consent.person_id == right.pk
    assert MatchCandidate.objects.get().status == MatchStatus.OPEN
    assert MergeRecord.objects.get().undone_by == coordinator
    assert AuditEntry.objects.filter(action="people.person.merge_undone").count() == 1
    with pytest.raises(DomainError):
        resolution.undo_merge(actor=coordinator, record=record)


def test_merge_keeps_both_values_in_history(pair, coordinator):
    left, right = pair
    record = resolution.merge(actor=coordinator, survivor=left, merged=right, choices={"name": "merged"})
    import json

    snapshot = json.loads(MergeRecord.objects.get(pk=record.pk).snapshot)
    assert snapshot["survivor"]["name"] == "王芳"
    assert snapshot["merged"]["name"] == "汪芳"
    assert snapshot["survivor"]["id_number"] == id_number(BIRTH, "124")
    # stored encrypted, never in plain text
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM people_mergerecord WHERE id = %s", [record.pk])
        assert "王芳" not in cursor.fetchone()[0]


def test_merging_an_already_merged_record_is_refused_and_changes_nothing(pair, world, coordinator):
    left, right = pair
    third = make_person(world.org_a, "王芳芳", birth=BIRTH, sequence="246")
    resolution.merge(actor=coordinator, survivor=left, merged=right)
    with pytest.raises(DomainError):
        resolution.merge(actor=coordinator, survivor=third, merged=right)
    right.refresh_from_db()
    assert right.merged_into_id == left.pk
    assert Serving.objects.filter(person=third).count() == 1
    assert MergeRecord.objects.count() == 1


def test_undo_refused_while_a_later_merge_into_the_survivor_stands(pair, world, coordinator):
    left, right = pair
    third = make_person(world.org_a, "王芳", birth=BIRTH, sequence="", phone="13900000000")
    first = resolution.merge(actor=coordinator, survivor=left, merged=right)
    resolution.merge(actor=coordinator, survivor=left, merged=third)
    with pytest.raises(DomainError):
        resolution.undo_merge(actor=coordinator, record=first)
    right.refresh_from_db()
    assert right.merged_into_id == left.pk
    assert MergeRecord.objects.filter(undone_at__isnull=False).count() == 0


def test_merged_record_is_not_found_by_exact_match(pair, coordinator):
    from shuniu.people.services import find_existing

    left, right = pair
    resolution.merge(actor=coordinator, survivor=left, merged=right)
    assert find_existing(phone="13812345687") is None
    assert find_existing(id_number=id_number(BIRTH, "124")) == left
