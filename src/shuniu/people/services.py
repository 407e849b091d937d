"""People registry services shared by every part of the platform."""

from django.db import transaction
from django.utils.translation import gettext as _

from shuniu.core.audit import log_action
from shuniu.core.fields import blind_index_for
from shuniu.core.models import Organization, Region
from shuniu.core.services import DomainError
from shuniu.core.validators import normalize_phone, parse_id_number
from shuniu.people.models import Gender, Person, Serving


def find_existing(id_number: str = "", phone: str = "") -> Person | None:
    """Exact match by ID number (blind index) first, then by phone. Not scoped: callers decide what
    the user may see of the result (only serving organisations see details)."""
    if id_number:
        match = Person.objects.filter(id_number_index=blind_index_for(Person, "id_number_index", id_number)).first()
        if match:
            return match
    if phone:
        return Person.objects.filter(phone_index=blind_index_for(Person, "phone_index", phone)).first()
    return None


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
    them. Returns (person, created). Invalid ID numbers are refused with the validator's message."""
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Please enter the person's name."))
    birth = gender = None
    if id_number:
        from django.core.exceptions import ValidationError

        try:
            id_number, birth, gender = parse_id_number(id_number)
        except ValidationError as error:
            raise DomainError(error.messages[0], code="id_number") from None
    phone = normalize_phone(phone) if phone else ""
    with transaction.atomic():
        person = find_existing(id_number, phone)
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
        Serving.objects.get_or_create(person=person, organization=organization)
    return person, created
