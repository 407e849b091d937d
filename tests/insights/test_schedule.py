"""Period reports made by the schedule the day after each period ends, sent to the subscribers."""

import time_machine

from shuniu.core.models import Notification
from shuniu.insights.models import PeriodReport, ReportSubscription
from shuniu.insights.tasks import due_periods, make_due_period_reports
from tests.rights.helpers import make_case


def _reports():
    return sorted(
        (report.organization.code, report.kind, report.period, report.status, report.requested_by.username)
        for report in PeriodReport.objects.select_related("organization", "requested_by")
    )


def test_due_periods_are_the_ones_just_ended():
    from datetime import date

    assert due_periods(date(2026, 12, 1)) == {"monthly": "2026-11", "quarterly": "2026Q3", "yearly": "2025"}
    assert due_periods(date(2027, 1, 1)) == {"monthly": "2026-12", "quarterly": "2026Q4", "yearly": "2026"}
    assert due_periods(date(2026, 4, 30)) == {"monthly": "2026-03", "quarterly": "2026Q1", "yearly": "2025"}


def test_reports_are_made_once_at_period_end_and_sent_to_subscribers(world, django_capture_on_commit_callbacks):
    ReportSubscription.objects.create(user=world.coordinator, organization=world.joint_office, kind="monthly")
    ReportSubscription.objects.create(user=world.supervisor, organization=world.org_a, kind="quarterly")
    # The caseworker subscribed too but may not make reports: the supervisor's scope is used.
    ReportSubscription.objects.create(user=world.caseworker, organization=world.org_a, kind="quarterly")
    with time_machine.travel("2026-11-20 10:00 +0800", tick=False):
        make_case(world)

    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert make_due_period_reports() == 2
        with django_capture_on_commit_callbacks(execute=True):
            assert make_due_period_reports() == 0  # the next hourly run finds them made

    assert _reports() == [
        ("joint-office", "monthly", "2026-11", "ready", "coordinator"),
        ("womens-federation", "quarterly", "2026Q3", "ready", "supervisor"),
    ]
    notified = sorted(
        Notification.objects.filter(title__startswith="报告已生成").values_list("recipient__username", flat=True)
    )
    assert notified == ["caseworker", "coordinator", "supervisor"]

    with time_machine.travel("2027-01-01 08:00 +0800", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert make_due_period_reports() == 2

    assert [row[:3] for row in _reports()] == [
        ("joint-office", "monthly", "2026-11"),
        ("joint-office", "monthly", "2026-12"),
        ("womens-federation", "quarterly", "2026Q3"),
        ("womens-federation", "quarterly", "2026Q4"),
    ]
    assert PeriodReport.objects.filter(automatic=True).count() == 4


def test_nobody_who_may_make_reports_means_no_report(world):
    ReportSubscription.objects.create(user=world.caseworker, organization=world.org_a, kind="monthly")

    with time_machine.travel("2026-12-01 09:00 +0800", tick=False):
        assert make_due_period_reports() == 0

    assert PeriodReport.objects.count() == 0
