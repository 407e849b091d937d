"""People lookup through the API: exact match, details only when permitted, every lookup audited."""

from shuniu.core.models import AuditEntry
from shuniu.people.models import Person, PersonTag, Serving
from tests.api.helpers import issue_token, token_client

URL = "/api/v1/people/lookup"
ID_NUMBER = "11010519491231002X"


def _person(organization, **fields):
    person = Person.objects.create(name="王芳", id_number=ID_NUMBER, phone="13812345678", **fields)
    Serving.objects.create(person=person, organization=organization)
    return person


def test_lookup_returns_masked_details_of_a_person_the_organisation_serves(world):
    person = _person(world.org_a, community=world.community)
    PersonTag.objects.create(person=person, tag="in_difficulty")
    _token, raw = issue_token(world, permissions=["people:view"])

    response = token_client(raw).post(URL, {"id_number": "110105 19491231002x"}, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {
        "match": "visible",
        "person": {
            "id": person.pk,
            "name": "王芳",
            "gender": "unknown",
            "birth_date": None,
            "community": "和平社区",
            "id_number_masked": "110105********002X",
            "phone_masked": "138****5678",
            "tags": ["in_difficulty"],
        },
    }
    entry = AuditEntry.objects.get(action="api.people.lookup")
    assert entry.object_id == str(person.pk)
    assert entry.data == {"by": "id_number", "match": "visible"}
    assert ID_NUMBER not in str(entry.data)


def test_lookup_of_someone_served_elsewhere_says_only_that_they_exist(world):
    _person(world.org_b)
    _token, raw = issue_token(world, permissions=["people:view"])

    response = token_client(raw).post(URL, {"phone": "138 1234 5678"}, content_type="application/json")

    assert response.json() == {"match": "registered_elsewhere", "person": None}
    entry = AuditEntry.objects.get(action="api.people.lookup")
    assert entry.object_id == ""
    assert entry.data == {"by": "phone", "match": "registered_elsewhere"}


def test_lookup_without_a_match(world):
    _token, raw = issue_token(world, permissions=["people:view"])

    response = token_client(raw).post(URL, {"id_number": ID_NUMBER}, content_type="application/json")

    assert response.json() == {"match": "none", "person": None}


def test_lookup_rejects_a_wrong_id_number_with_the_validator_message(world):
    _token, raw = issue_token(world, permissions=["people:view"])

    response = token_client(raw).post(URL, {"id_number": "110105194912310021"}, content_type="application/json")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"
    assert "X" in response.json()["error"]["message"]
    assert not AuditEntry.objects.filter(action="api.people.lookup").exists()


def test_lookup_needs_something_to_look_for(world):
    _token, raw = issue_token(world, permissions=["people:view"])

    response = token_client(raw).post(URL, {}, content_type="application/json")

    assert response.status_code == 422


def test_lookup_needs_the_people_permission(world):
    _person(world.org_a)
    _token, raw = issue_token(world, permissions=["core:home"])

    response = token_client(raw).post(URL, {"id_number": ID_NUMBER}, content_type="application/json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not AuditEntry.objects.filter(action="api.people.lookup").exists()
