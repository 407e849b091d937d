"""Restore drill: a backup restored into a fresh database gives identical counts and ledger sums."""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from shuniu.core.audit import log_action
from shuniu.people.models import Person, Serving


def _restore_in_fresh_process(archive, database_url, var_dir):
    env = {**os.environ, "SHUNIU_DATABASE_URL": database_url, "SHUNIU_VAR_DIR": str(var_dir), "SHUNIU_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "shuniu", "restore", str(archive)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _make_data(world):
    for index in range(5):
        person = Person.objects.create(name=f"测试{index}", phone=f"1381234567{index}")
        Serving.objects.create(person=person, organization=world.org_a)
    log_action("test.backup.seed", actor=world.caseworker)
    media = settings.MEDIA_ROOT
    os.makedirs(media / "drill", exist_ok=True)
    (media / "drill" / "evidence.txt").write_text("证据材料")


@pytest.mark.django_db(transaction=True)
def test_backup_restores_identically(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    _make_data(world)
    archive = tmp_path / "drill.tar.gz"
    call_command("backup", "--output", str(archive))
    var_dir = tmp_path / "restored"
    if connection.vendor == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        result = _restore_in_fresh_process(archive, url, var_dir)
    else:
        name = f"shuniu_drill_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        try:
            db = connection.settings_dict
            url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
            result = _restore_in_fresh_process(archive, url, var_dir)
        finally:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert result.returncode == 0, result.stderr
    assert "identical to the backup" in result.stdout
    assert (var_dir / "media" / "drill" / "evidence.txt").read_text() == "证据材料"


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_data(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    archive = tmp_path / "drill.tar.gz"
    call_command("backup", "--output", str(archive))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
