import datetime as dt
from dataclasses import dataclass, field

import pytest

from chores.schedule import due_at, occurrences, occurs_on

MONDAY = dt.date(2026, 11, 23)


@dataclass
class Plan:
    schedule: str
    weekdays: list[int] = field(default_factory=list)
    every_n_weeks: int = 2
    starts_on: dt.date = dt.date(2026, 11, 2)
    day_of_month: int = 1


def _week(plan: Plan, start: dt.date = MONDAY, count: int = 14) -> list[int]:
    return [offset for offset in range(count) if occurs_on(plan, start + dt.timedelta(offset))]


def test_daily():
    assert _week(Plan("daily"), count=7) == [0, 1, 2, 3, 4, 5, 6]


def test_chosen_weekdays():
    assert _week(Plan("weekdays", weekdays=[0, 3])) == [0, 3, 7, 10]


def test_weekly_on_the_first_chosen_day_or_monday():
    assert _week(Plan("weekly", weekdays=[5])) == [5, 12]
    assert _week(Plan("weekly")) == [0, 7]


def test_every_two_weeks_counts_from_the_start_week():
    plan = Plan("every_n_weeks", weekdays=[2], every_n_weeks=2, starts_on=dt.date(2026, 11, 4))
    days = [d for d in (dt.date(2026, 11, 4) + dt.timedelta(w * 7) for w in range(5))]
    assert [occurs_on(plan, d) for d in days] == [True, False, True, False, True]
    assert not occurs_on(plan, dt.date(2026, 10, 21))  # before it starts


def test_a_day_of_the_month_past_the_end_falls_on_the_last_day():
    plan = Plan("monthly", day_of_month=31)
    assert occurs_on(plan, dt.date(2026, 4, 30))
    assert occurs_on(plan, dt.date(2026, 2, 28))
    assert not occurs_on(plan, dt.date(2026, 3, 30))
    assert occurs_on(plan, dt.date(2026, 3, 31))


def test_occurrences_for_a_week():
    plans = [Plan("daily"), Plan("weekly", weekdays=[6])]
    found = list(occurrences(plans, MONDAY, 7))
    assert len(found) == 8
    assert found[-1] == (plans[1], dt.date(2026, 11, 29))


@pytest.mark.parametrize(
    ("day", "time", "expected_utc"),
    [
        # Los Angeles is UTC-8 in winter and UTC-7 in summer.
        (dt.date(2026, 11, 27), dt.time(20, 0), dt.datetime(2026, 11, 28, 4, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 7, 1), dt.time(20, 0), dt.datetime(2026, 7, 2, 3, 0, tzinfo=dt.UTC)),
        # The day the clocks fall back (1 November 2026) and spring forward (8 March 2026).
        (dt.date(2026, 11, 1), dt.time(20, 0), dt.datetime(2026, 11, 2, 4, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 3, 8), dt.time(8, 0), dt.datetime(2026, 3, 8, 15, 0, tzinfo=dt.UTC)),
        # 02:30 does not exist on 8 March in Los Angeles: it lands after the jump.
        (dt.date(2026, 3, 8), dt.time(2, 30), dt.datetime(2026, 3, 8, 10, 30, tzinfo=dt.UTC)),
    ],
)
def test_due_times_follow_the_house_clock_across_daylight_saving(day, time, expected_utc):
    assert due_at(day, time, "America/Los_Angeles") == expected_utc
