"""The peer side by side: django-helpdesk (PyPI 2.6.1) loaded with the same number of tickets as
Shuniu's cases, served the same way (granian, same workers) and measured with the same wrk load.

It runs in its own virtual environment (var/bench/helpdesk-venv) so that its dependencies never
mix with Shuniu's. Its ticket list page is a shell whose rows come from `datatables_ticket_list`,
so that JSON endpoint is what "list" and "search" measure.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.web import Scenario, run_wrk

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / "var" / "bench" / "helpdesk-venv"
PEER_PACKAGES = ["django-helpdesk==2.6.1", "Django==6.0.1", "psycopg[binary]==3.3.9", "granian==2.8.9"]


def python() -> str:
    return str(VENV / "bin" / "python")


def ensure_venv() -> None:
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([python(), "-m", "pip", "install", "--quiet", *PEER_PACKAGES], check=True)


def env(database: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT / "bench" / "peer"),
        "DJANGO_SETTINGS_MODULE": "helpdesk_site.settings",
        "HELPDESK_DB": database,
        "HELPDESK_STATIC": str(ROOT / "var" / "bench" / "helpdesk-static"),
    }


def run(size: int, *, port: int, workers: int, connections: int, duration: int, reuse: bool) -> list[dict]:
    import psycopg

    from bench.web import Server

    ensure_venv()
    # One peer database per size, so a 1M run and a 100k run never overwrite each other.
    database = "shuniu_bench_helpdesk" if size < 1_000_000 else f"shuniu_bench_helpdesk_{size // 1_000_000}m"
    environment = env(database)
    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
    if not reuse or not exists:
        with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{database}"')
        subprocess.run([python(), "-m", "django", "migrate", "--noinput", "-v0"], env=environment, check=True)
        subprocess.run([python(), "-m", "helpdesk_site.load", "load", str(size)], env=environment, check=True)
        subprocess.run(
            [
                python(),
                "-c",
                "import django,os;django.setup();"
                "from django.db import connection;connection.cursor().execute('ANALYZE')",
            ],
            env=environment,
            check=True,
        )
    prepared = json.loads(
        subprocess.run(
            [python(), "-m", "helpdesk_site.load", "prepare"],
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    scenarios = [
        Scenario("helpdesk list rows", prepared["list"], cookie=prepared["cookie"]),
        Scenario("helpdesk search rows", prepared["search"], cookie=prepared["cookie"]),
        Scenario("helpdesk detail", prepared["detail"], cookie=prepared["cookie"]),
        Scenario("helpdesk dashboard", prepared["dashboard"], cookie=prepared["cookie"]),
    ]
    results = []
    base = f"http://127.0.0.1:{port}"
    for scenario in scenarios:
        # A fresh server per scenario: requests of the one before that take longer than its run
        # (the list rows at 100k) would otherwise still hold the workers.
        application = "helpdesk_site.wsgi_app:application"
        with Server(environment, port, workers, python=python(), application=application, task_worker=False):
            row = run_wrk(base, scenario, connections=connections, threads=2, duration=duration)
        print(f"   {row}", flush=True)
        results.append(row)
    return results
