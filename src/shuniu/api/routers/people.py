"""People lookup: exact ID number or phone, for an outside system checking whether the registry
already knows someone before it sends a case or an application."""

from datetime import date
from typing import Literal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from shuniu.core import crypto
from shuniu.core.audit import log_action
from shuniu.core.scoping import get_scope
from shuniu.core.validators import parse_id_number, validate_phone
from shuniu.people.models import Person
from shuniu.people.services import find_existing

from ..base import ApiError, responses
from ..helpers import require

router = Router(tags=["people"])


class LookupIn(Schema):
    id_number: str = Field("", max_length=30, description="Resident ID number (18 characters)")
    phone: str = Field("", max_length=30, description="Mobile or landline number")


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: date | None
    community: str | None
    id_number_masked: str
    phone_masked: str
    tags: list[str]


class LookupOut(Schema):
    match: Literal["none", "registered_elsewhere", "visible"]
    person: PersonOut | None = None


def person_out(person: Person) -> dict:
    return {
        "id": person.pk,
        "name": person.name,
        "gender": person.gender,
        "birth_date": person.birth_date,
        "community": person.community.name if person.community_id else None,
        "id_number_masked": crypto.mask_id_number(person.id_number),
        "phone_masked": crypto.mask_phone(person.phone),
        "tags": sorted(tag.tag for tag in person.tags.all()),
    }


@router.post("/people/lookup", response=responses(LookupOut), summary="Find a person by exact ID number or phone")
def lookup_person(request, payload: LookupIn):
    """Details come back only for people the caller's organisation serves; otherwise the answer only
    says whether the registry knows the person (`registered_elsewhere`). Every lookup is audited."""
    require(request, "people:view")
    id_number, phone = payload.id_number.strip(), payload.phone.strip()
    if not id_number and not phone:
        raise ApiError(422, "invalid", _("Give an ID number or a phone number to look up."))
    try:
        if id_number:
            id_number = parse_id_number(id_number)[0]
        if phone:
            validate_phone(phone)
    except ValidationError as error:
        raise ApiError(422, "invalid", error.messages[0]) from None
    match = find_existing(id_number, phone)
    visible = None
    if match is not None:
        visible = Person.objects.visible_to(request.user).filter(pk=match.pk).select_related("community").first()
    result = "visible" if visible else ("registered_elsewhere" if match else "none")
    log_action(
        "api.people.lookup",
        actor=request.user,
        organization=get_scope(request.user).primary_organization,
        obj=visible,
        data={"by": "id_number" if id_number else "phone", "match": result},
    )
    return {"match": result, "person": person_out(visible) if visible else None}
