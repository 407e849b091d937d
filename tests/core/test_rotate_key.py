import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import CommandError

from shuniu.core.fields import blind_index_for
from shuniu.people.models import Person


def test_rotation_re_encrypts_and_lookups_keep_working(db, settings):
    old_key = settings.DATA_KEYS[0]
    person = Person.objects.create(name="王芳", id_number="11010519491231002X", phone="13812345678")
    new_key = Fernet.generate_key().decode()
    settings.DATA_KEYS = [new_key, old_key]
    with pytest.raises(CommandError, match="older key"):
        call_command("rotate_data_key", "--check")
    # during the rotation, lookups by blind index still find the person
    lookup = blind_index_for(Person, "id_number_index", "11010519491231002X")
    assert Person.objects.filter(id_number_index=lookup).get() == person
    call_command("rotate_data_key")
    call_command("rotate_data_key", "--check")
    settings.DATA_KEYS = [new_key]  # the old key is gone
    reloaded = Person.objects.get(pk=person.pk)
    assert reloaded.id_number == "11010519491231002X"
    assert reloaded.phone == "13812345678"
    assert Person.objects.filter(id_number_index=lookup).get() == person
