"""Records for the people tests: valid ID numbers computed with their check character."""

from datetime import date

from shuniu.core.validators import id_check_character
from shuniu.people.models import Gender, Person, Serving


def id_number(birth: date, sequence: str = "123", region: str = "330106") -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + id_check_character(first17)


def make_person(organization, name="王芳", *, birth=date(1980, 5, 17), sequence="124", phone="", address="", **extra):
    number = id_number(birth, sequence) if sequence else ""
    person = Person.objects.create(
        name=name,
        id_number=number,
        birth_date=birth,
        gender=Gender.FEMALE if int(sequence[-1] if sequence else 0) % 2 == 0 else Gender.MALE,
        phone=phone,
        address=address,
        created_by_org=organization,
        **extra,
    )
    if organization is not None:
        Serving.objects.create(person=person, organization=organization)
    return person
