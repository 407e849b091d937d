"""People registry services shared by every part of the platform.

Every change to a person goes through here: guard → atomic → save → audit → side effects on
commit. Identity resolution (candidates, merge, undo) lives in `resolution.py`; imports in
`importing.py`.
"""

import json
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shuniu.core import events
from shuniu.core.audit import log_action
from shuniu.core.fields import blind_index_for
from shuniu.core.models import Organization, Region
from shuniu.core.services import DomainError
from shuniu.core.validators import normalize_phone, parse_id_number, validate_phone
from shuniu.people.models import (
    Consent,
    ConsentPurpose,
    Gender,
    MatchCandidate,
    MatchStatus,
    Person,
    PersonTag,
    Serving,
)

ANONYMISED_NAME = "（已匿名）"


def find_existing(id_number: str = "", phone: str = "") -> Person | None:
    """Exact match by ID number (blind index) first, then by phone, among current (not merged-away)
    records. Not scoped: callers decide what the user may see of the result (only serving
    organisations see details)."""
    current = Person.objects.current().filter(anonymized_at__isnull=True)
    if id_number:
        match = current.filter(id_number_index=blind_index_for(Person, "id_number_index", id_number)).first()
        if match:
            return match
    if phone:
        return current.filter(phone_index=blind_index_for(Person, "phone_index", phone)).order_by("id").first()
    return None


def _may_share_with(person: Person, organization: Organization) -> bool:
    """After the person withdrew consent to sharing, only organisations already serving them may use the record."""
    if person.sharing_withdrawn_at is None:
        return True
    return Serving.objects.filter(person=person, organization=organization).exists()


def clean_identity(id_number: str = "", phone: str = "") -> tuple[str, date | None, str | None, str]:
    """Validate an ID number and a phone; returns (id_number, birth date, gender, phone) or raises DomainError."""
    birth = gender = None
    if id_number:
        try:
            id_number, birth, gender = parse_id_number(id_number)
        except ValidationError as error:
            raise DomainError(error.messages[0], code="id_number") from None
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as error:
            raise DomainError(error.messages[0], code="phone") from None
        phone = normalize_phone(phone)
    return id_number, birth, gender, phone


def find_or_create_person(
    *,
    name: str,
    organization: Organization,
    actor=None,
    id_number: str = "",
    phone: str = "",
    community: Region | None = None,
    address: str = "",
) -> tuple[Person, bool]:
    """Find a person by ID number or phone, or register them; either way `organization` now serves
    them. Returns (person, created). Invalid ID numbers are refused with the validator's message.
    A person who withdrew consent to sharing is not linked to a new organisation: that organisation
    gets its own record, collected under its own consent."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Please enter the person's name."))
    birth = gender = None
    if id_number:
        try:
            id_number, birth, gender = parse_id_number(id_number)
        except ValidationError as error:
            raise DomainError(error.messages[0], code="id_number") from None
    phone = normalize_phone(phone) if phone else ""
    with transaction.atomic():
        person = find_existing(id_number, phone)
        if person is not None and not _may_share_with(person, organization):
            person = None
        created = person is None
        if created:
            person = Person.objects.create(
                name=name,
                id_number=id_number,
                phone=phone,
                community=community,
                address=address,
                birth_date=birth,
                gender=gender or Gender.UNKNOWN,
                created_by_org=organization,
            )
            log_action("people.person.created", actor=actor, organization=organization, obj=person)
            _after_registration(person)
        _serving, serving_created = Serving.objects.get_or_create(person=person, organization=organization)
        if serving_created and not created:
            log_action("people.serving.added", actor=actor, organization=organization, obj=person)
    return person, created


def _after_registration(person: Person) -> None:
    from shuniu.people.tasks import scan_person_task

    person_id = person.pk
    transaction.on_commit(lambda: scan_person_task.enqueue(person_id))


PERSON_FIELDS = [
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


def register_person(*, actor, organization: Organization, data: dict, tags: list[tuple[str, str]] = ()):
    """Register someone from the staff form. An ID number already in the registry links the
    existing record instead of creating a second one. Returns (person, created)."""
    id_number, birth, gender, phone = clean_identity(data.get("id_number", ""), data.get("phone", ""))
    name = (data.get("name") or "").strip()
    if not name:
        raise DomainError(_("Please enter the person's name."))
    if birth and data.get("birth_date") and data["birth_date"] != birth:
        raise DomainError(_("The birth date does not match the one in the ID number."), code="birth_date")
    with transaction.atomic():
        existing = find_existing(id_number) if id_number else None
        if existing is not None and _may_share_with(existing, organization):
            _serving, serving_created = Serving.objects.get_or_create(person=existing, organization=organization)
            if serving_created:
                log_action("people.serving.added", actor=actor, organization=organization, obj=existing)
            return existing, False
        person = Person.objects.create(
            name=name,
            gender=gender or data.get("gender") or Gender.UNKNOWN,
            birth_date=birth or data.get("birth_date"),
            id_number=id_number,
            phone=phone,
            community=data.get("community"),
            address=(data.get("address") or "").strip(),
            household=data.get("household"),
            relation_to_head=(data.get("relation_to_head") or "").strip(),
            created_by_org=organization,
        )
        Serving.objects.create(person=person, organization=organization)
        for tag, detail in tags:
            PersonTag.objects.create(person=person, tag=tag, detail=detail, organization=organization)
        log_action("people.person.created", actor=actor, organization=organization, obj=person)
        _after_registration(person)
    return person, True


def update_person(*, actor, person: Person, organization: Organization, data: dict) -> list[str]:
    """Change a person's details; the audit entry names the changed fields, never their values."""
    if person.anonymized_at or person.merged_into_id:
        raise DomainError(_("This record can no longer be changed (it was merged or anonymised)."))
    id_number, birth, gender, phone = clean_identity(data.get("id_number", ""), data.get("phone", ""))
    values = {**data, "id_number": id_number, "phone": phone}
    if birth:
        values["birth_date"], values["gender"] = birth, gender
    if not (values.get("name") or "").strip():
        raise DomainError(_("Please enter the person's name."))
    changed = [field for field in PERSON_FIELDS if field in values and getattr(person, field) != values[field]]
    if not changed:
        return []
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        for field in changed:
            setattr(locked, field, values[field])
        locked.save()
        log_action(
            "people.person.updated", actor=actor, organization=organization, obj=locked, data={"fields": changed}
        )
        _after_registration(locked)
    person.refresh_from_db()
    return changed


def set_tags(*, actor, person: Person, organization: Organization, tags: list[tuple[str, str]]) -> None:
    """Replace the person's tags with `tags` [(tag, detail)]. Disability and similar circumstances are
    sensitive personal information: they need the person's separate consent (PIPL art. 29)."""
    from shuniu.people.models import Tag

    sensitive = {Tag.DISABILITY, Tag.LEFT_BEHIND_CHILD}
    wanted = dict(tags)
    if set(wanted) & sensitive and not has_consent(person, ConsentPurpose.SENSITIVE):
        raise DomainError(
            _("Recording a disability or a left-behind child needs the person's consent to sensitive data first.")
        )
    with transaction.atomic():
        existing = {tag.tag: tag for tag in PersonTag.objects.select_for_update().filter(person=person)}
        for tag in set(existing) - set(wanted):
            existing[tag].delete()
        for tag, detail in wanted.items():
            if tag in existing:
                if existing[tag].detail != detail:
                    existing[tag].detail = detail
                    existing[tag].save(update_fields=["detail"])
            else:
                PersonTag.objects.create(person=person, tag=tag, detail=detail, organization=organization)
        log_action(
            "people.person.tags_changed",
            actor=actor,
            organization=organization,
            obj=person,
            data={"tags": sorted(wanted)},
        )


# --- households: in households.py (create_household, add_household_member, change_relation, ...) ---

from shuniu.people.households import add_household_member, create_household  # noqa: E402,F401

# --- consent (PIPL) -----------------------------------------------------------------------------


def has_consent(person: Person, purpose: str, organization: Organization | None = None) -> bool:
    consents = Consent.objects.active().filter(person=person, purpose=purpose)
    if organization is not None:
        consents = consents.filter(organization=organization)
    return consents.exists()


def record_consent(
    *,
    actor,
    person: Person,
    organization: Organization,
    purpose: str,
    channel: str,
    given_on: date,
    guardian_name: str = "",
    guardian_relation: str = "",
) -> Consent:
    """Record a consent. For a child under 14 the consent must come from a guardian (PIPL art. 31)."""
    if person.anonymized_at:
        raise DomainError(_("This record is anonymised; consents cannot be recorded."))
    if purpose not in ConsentPurpose.values:
        raise DomainError(_("Unknown purpose of consent."))
    if given_on > timezone.localdate():
        raise DomainError(_("The date of consent cannot be in the future."))
    guardian_name, guardian_relation = guardian_name.strip(), guardian_relation.strip()
    if person.is_minor_under_14 and not (guardian_name and guardian_relation):
        raise DomainError(
            _("This person is under 14: consent must be given by a guardian. Enter the guardian's name and relation."),
            code="guardian",
        )
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()
        if has_consent(person, purpose, organization):
            raise DomainError(_("This consent is already recorded for your organisation."))
        consent = Consent.objects.create(
            person=person,
            organization=organization,
            purpose=purpose,
            channel=channel,
            given_on=given_on,
            guardian_name=guardian_name,
            guardian_relation=guardian_relation,
            recorded_by=actor,
        )
        if purpose == ConsentPurpose.SHARING and person.sharing_withdrawn_at:
            Person.objects.filter(pk=person.pk).update(sharing_withdrawn_at=None)
        log_action(
            "people.consent.recorded",
            actor=actor,
            organization=organization,
            obj=person,
            data={"purpose": purpose, "channel": channel, "guardian": bool(guardian_name)},
        )
    person.refresh_from_db()
    return consent


def withdraw_consent(*, actor, consent: Consent) -> Consent:
    """Withdraw a consent. Withdrawing consent to sharing stops sharing at once: the record is no
    longer linked to organisations that do not already serve the person, and it is no longer
    proposed as a match across organisations."""
    now = timezone.now()
    with transaction.atomic():
        updated = Consent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=actor
        )
        if updated != 1:
            raise DomainError(_("This consent was already withdrawn."))
        if consent.purpose == ConsentPurpose.SHARING:
            Person.objects.filter(pk=consent.person_id).update(sharing_withdrawn_at=now)
        log_action(
            "people.consent.withdrawn",
            actor=actor,
            organization=consent.organization,
            obj=consent.person,
            data={"purpose": consent.purpose},
        )
        events.publish("people.consent.withdrawn", {"person_id": consent.person_id, "purpose": consent.purpose})
    consent.refresh_from_db()
    return consent


# --- data subject rights --------------------------------------------------------------------------

BOOKKEEPING = {"people.matchcandidate", "people.mergerecord", "people.person"}


def related_rows(person: Person):
    """Every row in any app that refers to the person, as (model label, field name, queryset)."""
    from shuniu.people.resolution import person_relations

    for relation in person_relations():
        model = relation.related_model
        yield model._meta.label_lower, relation.field.name, model._base_manager.filter(**{relation.field.name: person})


def _row_as_dict(obj) -> dict:
    data = {}
    for field in obj._meta.concrete_fields:
        value = getattr(obj, field.attname)
        data[field.attname] = value if isinstance(value, int | float | bool | type(None)) else str(value)
    return data


def export_person_data(*, actor, person: Person, organization: Organization | None) -> bytes:
    """Everything held about the person (PIPL art. 45), as a JSON file. Audited."""
    household = person.household
    document = {
        "exported_at": timezone.now().isoformat(),
        "person": {
            "id": person.pk,
            "name": person.name,
            "gender": person.gender,
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
            "id_number": person.id_number,
            "phone": person.phone,
            "address": person.address,
            "community": str(person.community) if person.community else None,
            "relation_to_head": person.relation_to_head,
            "registered_at": person.created_at.isoformat(),
        },
        "household": {"name": household.name, "address": household.address} if household else None,
        "records": {},
    }
    for label, _field, rows in related_rows(person):
        found = [_row_as_dict(row) for row in rows[:10000]]
        if found:
            document["records"].setdefault(label, []).extend(found)
    log_action("people.person.data_exported", actor=actor, organization=organization, obj=person)
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode()


def anonymise_person(*, actor, person: Person, organization: Organization) -> Person:
    """Remove identity, keep statistics: name, ID number, phone and address go; birth year, gender,
    community, tags and the records of services stay, so counts and sums do not change."""
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.anonymized_at:
            raise DomainError(_("This record is already anonymised."))
        if locked.merged_into_id:
            raise DomainError(_("This record was merged into another one; anonymise that one instead."))
        locked.name = ANONYMISED_NAME
        locked.id_number = locked.phone = locked.address = ""
        locked.relation_to_head = ""
        locked.household = None
        if locked.birth_date:
            locked.birth_date = date(locked.birth_date.year, 1, 1)
        locked.anonymized_at = timezone.now()
        locked.save()
        MatchCandidate.objects.filter(status=MatchStatus.OPEN).filter(person_low=locked).update(
            status=MatchStatus.DISTINCT, decided_by=actor, decided_at=timezone.now()
        )
        MatchCandidate.objects.filter(status=MatchStatus.OPEN, person_high=locked).update(
            status=MatchStatus.DISTINCT, decided_by=actor, decided_at=timezone.now()
        )
        log_action("people.person.anonymised", actor=actor, organization=organization, obj=locked)
        events.publish("people.person.anonymised", {"person_id": locked.pk})
    person.refresh_from_db()
    return person
