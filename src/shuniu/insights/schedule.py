"""The insights jobs run by the schedule (`shuniu.core.schedule`): the aggregate tables are brought up
to date every few minutes and rebuilt whole each night (catching edits that leave no event behind),
and period reports are made for their subscribers once each period has ended."""

from datetime import timedelta

from shuniu.core.schedule import Recurring

RECURRING = [
    Recurring("insights.refresh_aggregates", "shuniu.insights.aggregates.refresh", timedelta(minutes=5)),
    Recurring("insights.rebuild_aggregates", "shuniu.insights.aggregates.rebuild", timedelta(hours=24)),
    Recurring("insights.period_reports", "shuniu.insights.tasks.make_due_period_reports", timedelta(hours=1)),
]
