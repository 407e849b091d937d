"""Keeping the database task queue healthy without cron.

A worker killed mid-task leaves its task RUNNING forever. `recover_stale_tasks` puts such tasks
back to READY so another worker runs them again; this is safe because every Shuniu task is
idempotent (tasks take ids, and their effects use dedupe keys or compare-and-set). The recovery
task re-schedules itself with `run_after`, so one enqueue at start-up keeps it going.
"""

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

STALE_AFTER = timedelta(minutes=15)
RECOVERY_EVERY = timedelta(minutes=5)


def recover_stale_tasks(older_than: timedelta = STALE_AFTER) -> int:
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - older_than
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).update(status="READY", started_at=None)


@task()
def recover_stale_tasks_task() -> int:
    recovered = recover_stale_tasks()
    schedule_recovery()
    return recovered


def schedule_recovery() -> None:
    """Enqueue the next recovery run unless one is already waiting."""
    if settings.TASK_BACKEND != "database":
        return
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(status="READY", task_path__endswith="recover_stale_tasks_task").exists():
        return
    recover_stale_tasks_task.using(run_after=timezone.now() + RECOVERY_EVERY).enqueue()
