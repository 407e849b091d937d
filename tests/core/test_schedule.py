"""Recurring jobs without cron: declared per app, started once by `shuniu serve`, each run enqueuing
the next with `run_after`, never two waiting runs of one job."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shuniu.core import schedule

JOBS = ["insights.period_reports", "insights.rebuild_aggregates", "insights.refresh_aggregates"]


@pytest.fixture
def database_queue(settings):
    settings.TASK_BACKEND = "database"
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _waiting():
    rows = DBTaskResult.objects.filter(status="READY", task_path__endswith=".run_recurring")
    return sorted((row.args_kwargs["args"][0], row.run_after) for row in rows)


def _as_worker(name):
    """Run the waiting run of `name` as a worker would: mark it running, then call it."""
    row = next(
        row
        for row in DBTaskResult.objects.filter(status="READY", task_path__endswith=".run_recurring")
        if row.args_kwargs["args"] == [name]
    )
    DBTaskResult.objects.filter(pk=row.pk).update(status="RUNNING", started_at=timezone.now())
    return schedule.run_recurring.call(name)


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_starting_again_and_again_leaves_one_waiting_run_per_job(db, database_queue):
    assert sorted(schedule.ensure_scheduled()) == JOBS
    assert schedule.ensure_scheduled() == []
    assert schedule.ensure_scheduled() == []

    soon = timezone.now() + timedelta(seconds=30)
    assert _waiting() == [(name, soon) for name in JOBS]


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_each_run_schedules_the_next_one_after_its_interval(world, database_queue):
    schedule.ensure_scheduled()

    _as_worker("insights.refresh_aggregates")

    waiting = dict(_waiting())
    assert waiting["insights.refresh_aggregates"] == timezone.now() + timedelta(minutes=5)
    assert len(_waiting()) == 3


@time_machine.travel("2026-11-20 10:00 +0800", tick=False)
def test_a_failing_job_keeps_its_next_run(db, database_queue, monkeypatch):
    broken = schedule.Recurring("test.broken", "tests.core.test_schedule.explode", timedelta(hours=1))
    monkeypatch.setattr(schedule, "recurring_jobs", lambda: {"test.broken": broken})
    schedule.ensure_scheduled()

    with pytest.raises(RuntimeError):
        _as_worker("test.broken")

    assert _waiting() == [("test.broken", timezone.now() + timedelta(hours=1))]


def test_nothing_is_scheduled_without_a_worker_queue(db, settings):
    settings.TASK_BACKEND = "immediate"

    assert schedule.ensure_scheduled() == []
    assert DBTaskResult.objects.count() == 0


def test_jobs_are_declared_by_the_apps():
    jobs = schedule.recurring_jobs()

    assert sorted(jobs) == JOBS
    assert jobs["insights.refresh_aggregates"].every == timedelta(minutes=5)


def explode():
    raise RuntimeError("the job failed")
