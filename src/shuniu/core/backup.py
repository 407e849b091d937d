"""Backup and restore of the database and uploaded files, for SQLite and PostgreSQL.

An archive (.tar.gz) holds `manifest.json` (engine, time, row counts of every table, ledger sums),
the database (`database.sqlite3` made with SQLite's online backup API, or `database.pgdump` made
with pg_dump's custom format) and `media/` (uploaded files). Restore loads the database and files
and then recounts: the drill passes only when counts and ledger sums are identical.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

FORMAT_VERSION = 1


class BackupError(RuntimeError):
    pass


def _ledger_models():
    for model in apps.get_models():
        if model.__name__.endswith("LedgerEntry") and any(field.name == "amount" for field in model._meta.fields):
            yield model


def snapshot() -> dict:
    """Row counts per table and ledger sums: what a restore must reproduce exactly."""
    counts = {}
    for model in apps.get_models():
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.db_table] = model._base_manager.count()
    sums = {}
    for model in _ledger_models():
        total = model._base_manager.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        sums[model._meta.label] = str(total)
    return {"counts": counts, "ledger_sums": sums}


def _pg_env(database: dict) -> dict:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_args(database: dict) -> list[str]:
    args = []
    if database.get("HOST"):
        args += ["-h", str(database["HOST"])]
    if database.get("PORT"):
        args += ["-p", str(database["PORT"])]
    if database.get("USER"):
        args += ["-U", str(database["USER"])]
    return args


def create_backup(output: Path) -> dict:
    database = connection.settings_dict
    manifest = {
        "format": FORMAT_VERSION,
        "engine": connection.vendor,
        "created": timezone.now().isoformat(),
        **snapshot(),
    }
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        if connection.vendor == "sqlite":
            db_file = work_dir / "database.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(db_file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
        elif connection.vendor == "postgresql":
            db_file = work_dir / "database.pgdump"
            command = [
                "pg_dump",
                "-Fc",
                "--no-owner",
                "--no-acl",
                "-f",
                str(db_file),
                *_pg_args(database),
                database["NAME"],
            ]
            result = subprocess.run(command, env=_pg_env(database), capture_output=True, text=True, check=False)  # noqa: S603
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        else:
            raise BackupError(f"backups of {connection.vendor} databases are not supported")
        output.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(output, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(db_file, arcname=db_file.name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname="media")
    return manifest


def _safe_members(archive: tarfile.TarFile):
    for member in archive.getmembers():
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or member.issym() or member.islnk():
            raise BackupError(f"unsafe path in archive: {member.name}")
        yield member


def restore_backup(archive_path: Path, *, force: bool = False) -> tuple[dict, dict]:
    """Restore into the configured database and media folder; returns (expected, actual) snapshots."""
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(work_dir, members=list(_safe_members(archive)), filter="data")
        manifest = json.loads((work_dir / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError("unknown backup format")
        if manifest["engine"] != connection.vendor:
            raise BackupError(f"this backup is of a {manifest['engine']} database; the target is {connection.vendor}")
        existing = connection.introspection.table_names()
        if existing and not force:
            from shuniu.core.models import Organization

            if "core_organization" in existing and Organization.objects.exists():
                raise BackupError("the target database is not empty; restore into a new database or pass --force")
        database = connection.settings_dict
        if connection.vendor == "sqlite":
            target = Path(database["NAME"])
            connections.close_all()
            source = sqlite3.connect(work_dir / "database.sqlite3")
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)
            finally:
                source.close()
                destination.close()
        else:
            command = [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "-d",
                database["NAME"],
                *_pg_args(database),
                str(work_dir / "database.pgdump"),
            ]
            connections.close_all()
            result = subprocess.run(command, env=_pg_env(database), capture_output=True, text=True, check=False)  # noqa: S603
            if result.returncode != 0:
                raise BackupError(f"pg_restore failed: {result.stderr.strip()[-2000:]}")
        media_source = work_dir / "media"
        if media_source.exists():
            shutil.copytree(media_source, settings.MEDIA_ROOT, dirs_exist_ok=True)
    actual = snapshot()
    return {"counts": manifest["counts"], "ledger_sums": manifest["ledger_sums"]}, actual
