"""Fault tests (PostgreSQL): a task worker killed mid-task, and database connections dropped under load."""

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection

from shuniu.core.models import Notification
from shuniu.core.taskqueue import recover_stale_tasks

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def _needs_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the worker and the test share the database only on PostgreSQL (SQLite tests use memory)")


def _worker_env():
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "SHUNIU_DATABASE_URL": url,
        "SHUNIU_TASK_BACKEND": "database",
        "SHUNIU_ENV": "test",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}",
    }


def _wait_for(predicate, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_killed_worker_task_reruns_without_doing_its_effect_twice(world, tmp_path):
    _needs_postgres()
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    from tests.core.fault_tasks import effect_then_hang

    flag = tmp_path / "hang"
    flag.write_text("1")
    backend = DatabaseBackend("default", {"QUEUES": [], "OPTIONS": {}})
    result = backend.enqueue(effect_then_hang, ["caseworker", "fault:1", str(flag)], {})
    worker = subprocess.Popen(
        [sys.executable, "-m", "shuniu", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env=_worker_env(),
        cwd=ROOT,
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: Notification.objects.filter(dedupe_key="fault:1").exists()), "worker never ran"
        os.killpg(worker.pid, signal.SIGKILL)  # the worker dies mid-task, after its effect
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert DBTaskResult.objects.get(id=result.id).status == "RUNNING"  # left behind by the dead worker
    assert recover_stale_tasks(older_than=timedelta(0)) == 1
    flag.unlink()
    rerun = subprocess.run(
        [sys.executable, "-m", "shuniu", "db_worker", "--no-reload", "--no-startup-delay", "--batch"],
        env=_worker_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert rerun.returncode == 0, rerun.stderr
    assert DBTaskResult.objects.get(id=result.id).status == "SUCCESSFUL"
    assert Notification.objects.filter(dedupe_key="fault:1").count() == 1


def test_requests_recover_after_database_connections_are_dropped(world, live_server):
    _needs_postgres()
    url = f"{live_server.url}/healthz"
    statuses: list[int] = []

    def hit():
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback live server
                statuses.append(response.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)

    hit()
    with connection.cursor() as cursor:  # what a database restart does to every open connection
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for _ in range(5):
        hit()
    assert statuses[0] == 200
    assert set(statuses) <= {200, 500}  # a request caught mid-restart fails cleanly, never hangs
    assert statuses[-5:] == [200] * 5  # and the app recovers without a restart
