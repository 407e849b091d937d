from shuniu.core.models import AuditEntry
from shuniu.people.models import Person, Serving


def make_person(world):
    person = Person.objects.create(name="王芳", id_number="11010519491231002X", phone="13812345678")
    Serving.objects.create(person=person, organization=world.org_a)
    return person


def test_reveal_needs_a_reason_and_is_audited(world, client_for):
    person = make_person(world)
    client = client_for(world.caseworker)
    url = f"/reveal/people.person/{person.pk}/id_number/"
    refused = client.post(url, {"reason": ""})
    assert "11010519491231002X" not in refused.content.decode()
    assert not AuditEntry.objects.filter(action="core.personal_data.revealed").exists()
    response = client.post(url, {"reason": "核实来电人身份"})
    assert "11010519491231002X" in response.content.decode()
    entry = AuditEntry.objects.get(action="core.personal_data.revealed")
    assert entry.actor_label == "caseworker"
    assert entry.data == {"field": "id_number", "reason": "核实来电人身份"}
    assert entry.object_id == str(person.pk)


def test_reveal_of_a_person_served_elsewhere_is_not_found(world, client_for):
    person = make_person(world)
    response = client_for(world.outsider).post(f"/reveal/people.person/{person.pk}/id_number/", {"reason": "想看看"})
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="core.personal_data.revealed").exists()


def test_unregistered_field_cannot_be_revealed(world, client_for):
    person = make_person(world)
    response = client_for(world.caseworker).post(f"/reveal/people.person/{person.pk}/name/", {"reason": "核实身份"})
    assert response.status_code == 404
