"""Identity resolution in the registry: finding candidate pairs, merging, undoing, marking distinct.

Never merges automatically: scanning only proposes `MatchCandidate`s; a person decides.
A merge re-points every row of any app that refers to the merged person — discovered from
`Person._meta` at run time, so models added later by other apps are covered without a change
here — and records exactly which rows moved, so the merge can be undone.
"""

import json
from datetime import date

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core import events
from shuniu.core.audit import log_action
from shuniu.core.fields import blind_index_for
from shuniu.core.services import DomainError
from shuniu.people import matching
from shuniu.people.models import MatchCandidate, MatchStatus, MergeRecord, Person, Serving

MERGE_FIELDS = [
    "name",
    "gender",
    "birth_date",
    "id_number",
    "phone",
    "community",
    "address",
    "household",
    "relation_to_head",
]
# Our own bookkeeping points at people but must not follow a merge: the pair and the merge record
# name both sides on purpose.
NOT_REPOINTED = {"people.matchcandidate", "people.mergerecord"}
MAX_CANDIDATES = 50
# Rows read from one block at most (the batch resolver likewise compares only neighbours in a
# block larger than matching.MAX_BLOCK).
BLOCK_LIMIT = 100


def person_relations() -> list:
    """Every foreign key or one-to-one in the project that points at Person (hidden ones and
    many-to-many through tables included), except the merge bookkeeping and `merged_into`."""
    relations = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel) or isinstance(relation, models.ManyToManyRel):
            continue
        if relation.related_model is Person or relation.related_model._meta.label_lower in NOT_REPOINTED:
            continue
        relations.append(relation)
    return relations


# --- candidates ---------------------------------------------------------------------------------


def _blocks(record: matching.Record) -> list[Q]:
    """The batch resolver's blocking keys (`matching.blocking_keys`) for one record, as lookups on
    indexed columns, the most telling first: ID number, ID without birth date, sorted ID digits,
    phone, name + sorted phone digits, address, name + community — then the two that common names
    make large: name pinyin + birth year, surname + birth date."""
    strong, weak = [], []
    if record.id_number:
        strong.append(Q(id_number_index=blind_index_for(Person, "id_number_index", record.id_number)))
        if matching.id_without_birth(record.id_number):
            strong.append(Q(id_fragment_index=blind_index_for(Person, "id_fragment_index", record.id_number)))
        strong.append(Q(id_digits_index=blind_index_for(Person, "id_digits_index", record.id_number)))
    if record.phone:
        strong.append(Q(phone_index=blind_index_for(Person, "phone_index", record.phone)))
        name_phone = _match_key("name_phone_index", record.name, record.phone)
        if name_phone:
            strong.append(Q(name_phone_index=name_phone))
    if matching.normalize_address(record.address):
        strong.append(Q(address_index=blind_index_for(Person, "address_index", record.address)))
        name_community = _match_key("name_community_index", record.name, record.address)
        if name_community:
            strong.append(Q(name_community_index=name_community))
    key = matching.name_key(record.name)
    year = record.birth_date.year if record.birth_date else None
    if year is None and len(record.id_number) == 18 and record.id_number[6:10].isdigit():
        year = int(record.id_number[6:10])
    if key and year:
        weak.append(Q(name_key=key, birth_date__year=year))
    if record.birth_date and record.name:
        weak.append(Q(birth_date=record.birth_date, name__startswith=matching.normalize_name(record.name)[:1]))
    return strong + weak


def _match_key(field: str, *values: str) -> str:
    return Person._meta.get_field(field).compute(*values)


def candidates_for(record: matching.Record, *, exclude: int | None = None) -> list[tuple[Person, matching.Score]]:
    """Current people sharing a block with `record`, scored, best first, only those at least 'possible'.
    One indexed lookup per block, each bounded (`BLOCK_LIMIT`), so a block that a common name or a
    shared address makes large cannot crowd out the person found by their phone or ID number;
    fast at a million people."""
    people = Person.objects.current().filter(anonymized_at__isnull=True)
    if exclude is not None:
        people = people.exclude(pk=exclude)
    ids: dict[int, None] = {}
    for block in _blocks(record):
        ids.update(dict.fromkeys(people.filter(block).values_list("pk", flat=True)[:BLOCK_LIMIT]))
    if not ids:
        return []
    found = []
    for person in Person.objects.filter(pk__in=list(ids)).select_related("community"):
        result = matching.score(record, person.to_record())
        if result.level:
            found.append((person, result))
    found.sort(key=lambda pair: (-pair[1].total, pair[0].pk))
    return found[:MAX_CANDIDATES]


def _may_pair(left: Person, right: Person) -> bool:
    """A person who withdrew consent to sharing is only compared with records of organisations already serving them."""
    if left.sharing_withdrawn_at is None and right.sharing_withdrawn_at is None:
        return True
    return Serving.objects.filter(person=left, organization__servings__person=right).exists()


def propose(left: Person, right: Person, result: matching.Score) -> MatchCandidate | None:
    """Store or refresh a candidate pair; a pair already decided (merged, distinct) is left alone."""
    if left.pk == right.pk or not result.level or not _may_pair(left, right):
        return None
    low, high = sorted([left.pk, right.pk])
    try:
        with transaction.atomic():
            candidate, created = MatchCandidate.objects.get_or_create(
                person_low_id=low,
                person_high_id=high,
                defaults={"score": result.total, "level": result.level, "fields": result.fields},
            )
    except IntegrityError:  # a concurrent scan proposed the same pair
        return MatchCandidate.objects.get(person_low_id=low, person_high_id=high)
    if not created and candidate.status == MatchStatus.OPEN and candidate.score != result.total:
        MatchCandidate.objects.filter(pk=candidate.pk, status=MatchStatus.OPEN).update(
            score=result.total, level=result.level, fields=result.fields
        )
    return candidate


def scan_person(person_id: int) -> int:
    """Propose candidates for one person (after registration, change or merge). Returns how many pairs."""
    person = Person.objects.filter(pk=person_id, merged_into__isnull=True, anonymized_at__isnull=True).first()
    if person is None:
        return 0
    count = 0
    for other, result in candidates_for(person.to_record(), exclude=person.pk):
        if propose(person, other, result):
            count += 1
    return count


def scan_registry(batch_size: int = 5000) -> int:
    """Propose candidates across the whole registry: in-memory blocking over all current people,
    the same algorithm the benchmark measures. Returns how many pairs were proposed."""
    records = []
    people = {}
    for person in Person.objects.current().filter(anonymized_at__isnull=True).iterator(chunk_size=batch_size):
        records.append(person.to_record())
        people[person.pk] = person
    count = 0
    for left, right, result in matching.resolve(records):
        if propose(people[left], people[right], result):
            count += 1
    return count


# --- decisions ------------------------------------------------------------------------------------


def _snapshot(person: Person) -> dict:
    values = {}
    for field in MERGE_FIELDS:
        model_field = Person._meta.get_field(field)
        value = getattr(person, model_field.attname)
        values[field] = value.isoformat() if isinstance(value, date) else value
    return values


def _restore(person: Person, values: dict) -> None:
    for field, value in values.items():
        model_field = Person._meta.get_field(field)
        if field == "birth_date" and value:
            value = date.fromisoformat(value)
        setattr(person, model_field.attname, value)


def mark_distinct(*, actor, candidate: MatchCandidate, organization=None) -> MatchCandidate:
    """The two records are different people: the pair is never proposed again."""
    with transaction.atomic():
        updated = MatchCandidate.objects.filter(pk=candidate.pk, status=MatchStatus.OPEN).update(
            status=MatchStatus.DISTINCT, decided_by=actor, decided_at=timezone.now()
        )
        if updated != 1:
            raise DomainError(_("This pair was already decided by someone else."))
        log_action(
            "people.match.distinct",
            actor=actor,
            organization=organization,
            obj=candidate,
            data={"people": [candidate.person_low_id, candidate.person_high_id]},
        )
    candidate.refresh_from_db()
    return candidate


def merge(
    *,
    actor,
    survivor: Person,
    merged: Person,
    choices: dict[str, str] | None = None,
    candidate: MatchCandidate | None = None,
    organization=None,
) -> MergeRecord:
    """Merge `merged` into `survivor`. `choices` says, per field, whether the survivor keeps its value
    ("survivor", the default) or takes the other record's ("merged"); both values stay in the merge's
    history. Every row referring to `merged` is re-pointed; rows that would duplicate one the
    survivor already has (e.g. the same organisation serving both) stay where they are."""
    choices = {field: side for field, side in (choices or {}).items() if field in MERGE_FIELDS}
    if survivor.pk == merged.pk:
        raise DomainError(_("A record cannot be merged with itself."))
    with transaction.atomic():
        locked = {
            p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]).order_by("pk")
        }
        if len(locked) != 2:
            raise DomainError(_("One of the records no longer exists."))
        survivor, merged = locked[survivor.pk], locked[merged.pk]
        if survivor.merged_into_id or merged.merged_into_id:
            raise DomainError(_("One of the records was already merged into another one."))
        if survivor.anonymized_at or merged.anonymized_at:
            raise DomainError(_("Anonymised records cannot be merged."))
        if candidate is not None:
            if (
                MatchCandidate.objects.filter(pk=candidate.pk, status=MatchStatus.OPEN).update(
                    status=MatchStatus.MERGED, decided_by=actor, decided_at=timezone.now()
                )
                != 1
            ):
                raise DomainError(_("This pair was already decided by someone else."))
        snapshot = {"survivor": _snapshot(survivor), "merged": _snapshot(merged)}
        for field, side in choices.items():
            if side == "merged":
                model_field = Person._meta.get_field(field)
                setattr(survivor, model_field.attname, getattr(merged, model_field.attname))
        survivor.save()
        moved = _repoint(merged, survivor)
        merged.merged_into = survivor
        merged.save(update_fields=["merged_into", "updated_at"])
        record = MergeRecord.objects.create(
            survivor=survivor,
            merged=merged,
            candidate=candidate,
            choices=choices,
            snapshot=json.dumps(snapshot, ensure_ascii=False, default=str),
            moved=moved,
            merged_by=actor,
        )
        log_action(
            "people.person.merged",
            actor=actor,
            organization=organization,
            obj=survivor,
            data={
                "merged": merged.pk,
                "fields_from_merged": sorted(f for f, s in choices.items() if s == "merged"),
                "moved": {label: len(pks) for label, pks in moved.items()},
            },
        )
        events.publish("people.person.merged", {"survivor_id": survivor.pk, "merged_id": merged.pk})
        survivor_id = survivor.pk
        transaction.on_commit(lambda: _enqueue_scan(survivor_id))
    return record


def _enqueue_scan(person_id: int) -> None:
    from shuniu.people.tasks import scan_person_task

    scan_person_task.enqueue(person_id)


def _repoint(merged: Person, survivor: Person) -> dict[str, list]:
    moved: dict[str, list] = {}
    for relation in person_relations():
        model = relation.related_model
        field = relation.field.name
        manager = model._base_manager
        pks = list(manager.filter(**{field: merged}).values_list("pk", flat=True))
        if not pks:
            continue
        try:
            with transaction.atomic():
                manager.filter(pk__in=pks).update(**{field: survivor})
            done = pks
        except IntegrityError:
            # A unique constraint (e.g. one Serving per organisation): move row by row and leave
            # the duplicates with the merged record, where an undo finds them unchanged.
            done = []
            for pk in pks:
                try:
                    with transaction.atomic():
                        manager.filter(pk=pk).update(**{field: survivor})
                    done.append(pk)
                except IntegrityError:
                    continue
        if done:
            moved[f"{model._meta.label_lower}.{field}"] = [str(pk) for pk in done]
    return moved


def undo_merge(*, actor, record: MergeRecord, organization=None) -> MergeRecord:
    """Undo a merge: the survivor gets its own values back, the re-pointed rows go back to the merged
    record (those not moved elsewhere since), and the pair returns to the review queue."""
    from django.apps import apps

    with transaction.atomic():
        if (
            MergeRecord.objects.filter(pk=record.pk, undone_at__isnull=True).update(
                undone_at=timezone.now(), undone_by=actor
            )
            != 1
        ):
            raise DomainError(_("This merge was already undone."))
        people = {
            p.pk: p
            for p in Person.objects.select_for_update()
            .filter(pk__in=[record.survivor_id, record.merged_id])
            .order_by("pk")
        }
        survivor, merged = people[record.survivor_id], people[record.merged_id]
        if merged.merged_into_id != survivor.pk or survivor.merged_into_id:
            raise DomainError(_("The records changed since the merge; undo the later merge first."))
        later = MergeRecord.objects.filter(survivor=survivor, undone_at__isnull=True, pk__gt=record.pk).exists()
        if later:
            raise DomainError(_("Another record was merged into this one later; undo that merge first."))
        snapshot = json.loads(record.snapshot)
        _restore(survivor, snapshot["survivor"])
        survivor.save()
        for key, pks in record.moved.items():
            label, field = key.rsplit(".", 1)
            model = apps.get_model(label)
            model._base_manager.filter(pk__in=pks, **{field: survivor}).update(**{field: merged})
        merged.merged_into = None
        merged.save(update_fields=["merged_into", "updated_at"])
        if record.candidate_id:
            MatchCandidate.objects.filter(pk=record.candidate_id).update(
                status=MatchStatus.OPEN, decided_by=None, decided_at=None
            )
        log_action(
            "people.person.merge_undone",
            actor=actor,
            organization=organization,
            obj=survivor,
            data={"merged": merged.pk, "merge": record.pk},
        )
        events.publish("people.person.merge_undone", {"survivor_id": survivor.pk, "merged_id": merged.pk})
    record.refresh_from_db()
    return record
