from datetime import date

from shuniu.core.models import WorkingDayOverride
from shuniu.core.workdays import add_working_days, is_working_day, working_days_between


def test_national_holidays_and_make_up_days_count(db):
    # 2025 National Day holiday: 1–8 October off; Sunday 28 September and Saturday 11 October are make-up days.
    assert is_working_day(date(2025, 10, 3)) is False
    assert is_working_day(date(2025, 9, 28)) is True
    assert is_working_day(date(2025, 10, 11)) is True
    assert add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)


def test_plain_weeks_skip_weekends(db):
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 10)  # Friday + 1 → Monday
    assert add_working_days(date(2025, 3, 3), 5) == date(2025, 3, 10)
    assert add_working_days(date(2025, 3, 8), 0) == date(2025, 3, 10)
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 10)) == 5


def test_administrator_override_wins(db):
    WorkingDayOverride.objects.create(date=date(2025, 3, 10), is_working_day=False, note="区级活动日")
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 11)
    WorkingDayOverride.objects.create(date=date(2025, 3, 8), is_working_day=True, note="调休")
    assert add_working_days(date(2025, 3, 7), 1) == date(2025, 3, 8)


def test_unknown_future_year_falls_back_to_monday_to_friday(db):
    assert add_working_days(date(2031, 1, 10), 1) == date(2031, 1, 13)


def test_preloaded_calendar_agrees_with_add_working_days(db):
    from shuniu.core.workdays import WorkingDayCalendar

    WorkingDayOverride.objects.create(date=date(2025, 3, 10), is_working_day=False)
    calendar = WorkingDayCalendar(date(2025, 1, 1), date(2025, 12, 31))
    for start in (date(2025, 3, 7), date(2025, 9, 30), date(2025, 10, 1), date(2025, 3, 8)):
        for n in (0, 1, 5, 15):
            assert calendar.add(start, n) == add_working_days(start, n)
