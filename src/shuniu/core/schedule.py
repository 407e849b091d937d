"""Recurring jobs without cron.

An app declares its jobs in `<app>/schedule.py` as `RECURRING = [Recurring(name, "dotted.path", every)]`.
`shuniu serve` calls `ensure_scheduled()` once at start: every declared job without a waiting run gets
one. Each run (`run_recurring`, a database task) calls the job and then enqueues its own next run with
`run_after`, as `core.taskqueue` does for stale-task recovery, so the chain keeps itself going.

Never duplicated: enqueuing checks for a waiting run of the job under a lock (PostgreSQL: an advisory
transaction lock; SQLite: the write lock that every transaction takes at BEGIN IMMEDIATE), so several
workers or several `serve` processes starting together leave exactly one waiting run per job. Jobs
are idempotent anyway (a run that happens twice changes nothing the second time). With the immediate
task backend (tests, development without a worker) nothing is scheduled: there is no worker to wait.
"""

from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.db import connection, transaction
from django.tasks import task
from django.utils import timezone

# Any constant number shared by every process that schedules (PostgreSQL advisory lock key).
SCHEDULE_LOCK_KEY = 7_318_402


@dataclass(frozen=True)
class Recurring:
    """A job run every `every`; `function` is the dotted path of a callable without arguments."""

    name: str
    function: str
    every: timedelta


def recurring_jobs() -> dict[str, Recurring]:
    from shuniu.core.hooks import app_modules

    jobs: dict[str, Recurring] = {}
    for module in app_modules("schedule"):
        if module.__name__ == __name__:
            continue
        for job in getattr(module, "RECURRING", []):
            if job.name in jobs:
                raise ValueError(f"recurring job {job.name} is declared twice")
            jobs[job.name] = job
    return jobs


def _call(dotted: str):
    module, _dot, attribute = dotted.rpartition(".")
    return getattr(import_module(module), attribute)()


def _waiting(name: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    runs = DBTaskResult.objects.filter(status="READY", task_path__endswith=".run_recurring").values_list(
        "args_kwargs", flat=True
    )
    return any((args_kwargs or {}).get("args", [None])[:1] == [name] for args_kwargs in runs)


def schedule(name: str, after: timedelta) -> bool:
    """Enqueue the next run of job `name` unless one is already waiting; True if enqueued."""
    if settings.TASK_BACKEND != "database":
        return False
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEDULE_LOCK_KEY])
        if _waiting(name):
            return False
        run_recurring.using(run_after=timezone.now() + after).enqueue(name)
    return True


def ensure_scheduled() -> list[str]:
    """At start-up: give every declared job a waiting run (soon) if it has none. Returns the names
    of the jobs that were scheduled now."""
    return [name for name in recurring_jobs() if schedule(name, after=timedelta(seconds=30))]


@task()
def run_recurring(name: str) -> str:
    job = recurring_jobs().get(name)
    if job is None:  # the job was removed from the code: let its chain end
        return "unknown"
    try:
        result = _call(job.function)
    finally:
        # Even when the job fails, its next run stays scheduled (the failure is in the task's row).
        schedule(name, after=job.every)
    return str(result)
