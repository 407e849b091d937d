"""Records the API tests and schemathesis find behind generated ids (a little of each kind)."""


def seed_api_world(world) -> dict:
    from shuniu.people.models import Person, Serving
    from shuniu.rights import services as rights_services
    from tests.rights.helpers import make_case

    person = Person.objects.create(name="王芳", id_number="11010519491231002X", phone="13812345678")
    Serving.objects.create(person=person, organization=world.org_a)
    case = make_case(world, phone="13900001111")
    referral = rights_services.refer_case(
        case, world.caseworker, to_org=world.org_a_branch, reason="转街道妇联就近办理", consent=True
    )
    return {"person": person, "case": case, "referral": referral}
