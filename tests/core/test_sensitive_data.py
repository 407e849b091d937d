"""ID numbers and phones never appear in plaintext in logs, error pages or the database file."""

import logging

import pytest
from django.db import connection
from django.test import Client

from shuniu.core.log_filters import MaskPersonalDataFilter, mask_text
from shuniu.people.models import Person, Serving

ID_NUMBER = "11010519491231002X"
PHONE = "13812345678"


def test_log_lines_are_masked(caplog):
    logger = logging.getLogger("shuniu.test")
    handler_filter = MaskPersonalDataFilter()
    record = logger.makeRecord("shuniu.test", logging.INFO, __file__, 1, "caller %s id %s", (PHONE, ID_NUMBER), None)
    handler_filter.filter(record)
    assert record.getMessage() == "caller 138****5678 id 110105********002X"
    assert mask_text(f"x{PHONE}y") == "x138****5678y"


def test_configured_console_handler_masks(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "mask_personal_data" in handler["filters"]


@pytest.mark.django_db(transaction=True)
def test_database_dump_holds_no_plaintext(world, tmp_path, settings):
    person = Person.objects.create(name="王芳", id_number=ID_NUMBER, phone=PHONE, address="东湖街道和平社区3幢")
    Serving.objects.create(person=person, organization=world.org_a)
    from django.core.management import call_command

    if connection.vendor == "postgresql":
        import subprocess

        db = connection.settings_dict
        dump = subprocess.run(  # a plain SQL dump, as an operator or an attacker with the backup would read it
            [
                "pg_dump",
                "-Fp",
                "-h",
                db["HOST"] or "127.0.0.1",
                "-p",
                str(db["PORT"] or 5432),
                "-U",
                db["USER"],
                db["NAME"],
            ],
            capture_output=True,
            check=True,
        )
        data = dump.stdout
    else:
        archive = tmp_path / "dump.tar.gz"
        settings.MEDIA_ROOT = tmp_path / "media"
        call_command("backup", "--output", str(archive))
        import tarfile

        with tarfile.open(archive) as tar:
            data = tar.extractfile("database.sqlite3").read()
    assert ID_NUMBER.encode() not in data
    assert PHONE.encode() not in data
    assert "和平社区3幢".encode() not in data
    assert "王芳".encode() in data  # names are not encrypted: the check itself can find text


def test_server_error_page_shows_no_personal_data(world, settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    response = client.get(f"/reveal/people.person/999999/{ID_NUMBER}/")
    assert ID_NUMBER not in response.content.decode()
