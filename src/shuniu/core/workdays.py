"""The working-day calendar used by every deadline.

China's public holidays and make-up working days (调休) come from the `chinesecalendar` package;
administrators can override single dates (WorkingDayOverride). For years the package does not
know yet, Monday to Friday are working days until an administrator enters the holidays.
"""

from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.utils import timezone

from shuniu.core.models import WorkingDayOverride


def _package_is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _overrides(start: date, end: date) -> dict[date, bool]:
    return dict(WorkingDayOverride.objects.filter(date__range=(start, end)).values_list("date", "is_working_day"))


def is_working_day(day: date) -> bool:
    override = _overrides(day, day).get(day)
    return _package_is_workday(day) if override is None else override


def add_working_days(start: date, n: int) -> date:
    """The date n working days after `start` (start itself not counted). n=0 gives the first
    working day on or after start. Negative n counts backwards."""
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    horizon = timedelta(days=remaining * 3 + 40)
    lo, hi = (start, start + horizon) if step > 0 else (start - horizon, start)
    overrides = _overrides(lo, hi)

    def workday(day: date) -> bool:
        value = overrides.get(day)
        return _package_is_workday(day) if value is None else value

    day = start
    if remaining == 0:
        while not workday(day):
            day += timedelta(days=1)
        return day
    while remaining:
        day += timedelta(days=step)
        if workday(day):
            remaining -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        value = overrides.get(day)
        if _package_is_workday(day) if value is None else value:
            count += 1
    return count


def deadline_after(moment: datetime, working_days: int) -> datetime:
    """End of the working day that is `working_days` after the local date of `moment` (23:59:59)."""
    local = timezone.localtime(moment)
    day = add_working_days(local.date(), working_days)
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)), timezone.get_current_timezone())


class WorkingDayCalendar:
    """The calendar for a fixed range, loaded once: for code that computes many deadlines
    (bulk generation, reports) without a query per date."""

    def __init__(self, start: date, end: date):
        self.start, self.end = start, end
        self.overrides = _overrides(start, end)
        self._cache: dict[date, bool] = {}

    def is_working_day(self, day: date) -> bool:
        if day not in self._cache:
            value = self.overrides.get(day)
            self._cache[day] = _package_is_workday(day) if value is None else value
        return self._cache[day]

    def add(self, start: date, n: int) -> date:
        day = start
        remaining = n
        if remaining == 0:
            while not self.is_working_day(day):
                day += timedelta(days=1)
            return day
        while remaining:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day
