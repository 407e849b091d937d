from django.db import connection

from shuniu.core import crypto
from shuniu.core.fields import blind_index_for
from shuniu.people.models import Person


def test_masks_follow_national_practice():
    assert crypto.mask_id_number("11010519491231002X") == "110105********002X"
    assert crypto.mask_phone("13812345678") == "138****5678"
    assert crypto.mask_name("张三丰") == "张**"


def test_personal_data_is_encrypted_at_rest_and_found_by_blind_index(db):
    person = Person.objects.create(name="王芳", id_number="11010519491231002X", phone="13812345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone, id_number_index FROM people_person WHERE id = %s", [person.pk])
        stored_id, stored_phone, index = cursor.fetchone()
    assert "11010519491231002X" not in stored_id
    assert stored_id.startswith(crypto.PREFIX)
    assert "13812345678" not in stored_phone
    assert Person.objects.get(pk=person.pk).id_number == "11010519491231002X"
    # the index is computed from the normalised value, so spaces and lower-case x still match
    lookup = blind_index_for(Person, "id_number_index", "110105 19491231002x")
    assert index == lookup
    assert list(Person.objects.filter(id_number_index=lookup)) == [person]
    phone_lookup = blind_index_for(Person, "phone_index", "+86 138-1234-5678")
    assert list(Person.objects.filter(phone_index=phone_lookup)) == [person]


def test_bulk_create_fills_blind_index(db):
    Person.objects.bulk_create([Person(name="李四", id_number="11010519491231002X")])
    assert Person.objects.get().id_number_index == blind_index_for(Person, "id_number_index", "11010519491231002X")


def test_old_key_still_decrypts_after_rotation(settings):
    token = crypto.encrypt("13812345678")
    new_key = crypto.generate_key()
    settings.DATA_KEYS = [new_key, *settings.DATA_KEYS]
    assert crypto.decrypt(token) == "13812345678"
    rotated = crypto.rotate(token)
    settings.DATA_KEYS = [new_key]
    assert crypto.decrypt(rotated) == "13812345678"
