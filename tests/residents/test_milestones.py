from __future__ import annotations

import datetime as dt
import itertools

import pytest

from residents import milestones
from residents.milestones import (
    Milestone,
    days_sober,
    local_today,
    milestone_on,
    milestones_between,
    milestones_for,
    next_milestone,
)

D = dt.date
LOS_ANGELES = "America/Los_Angeles"


def _dates(sobriety_date: dt.date, until: dt.date) -> dict[str, dt.date]:
    return {m.key: m.date for m in milestones_for(sobriety_date, until=until)}


def test_days_sober_counts_calendar_days():
    assert days_sober(D(2026, 1, 1), D(2026, 1, 1)) == 0
    assert days_sober(D(2026, 1, 1), D(2026, 1, 2)) == 1
    assert days_sober(D(2025, 1, 1), D(2026, 1, 1)) == 365
    assert days_sober(D(2024, 1, 1), D(2025, 1, 1)) == 366


def test_days_sober_is_never_negative():
    assert days_sober(D(2026, 5, 1), D(2026, 4, 30)) == 0
    assert days_sober(D(2100, 1, 1), D(2026, 4, 30)) == 0


def test_it_lists_every_kind_of_milestone_in_order():
    assert list(milestones_for(D(2025, 3, 10), until=D(2028, 3, 10))) == [
        Milestone("24h", "24 hours", D(2025, 3, 11)),
        Milestone("30d", "30 days", D(2025, 4, 9)),
        Milestone("60d", "60 days", D(2025, 5, 9)),
        Milestone("90d", "90 days", D(2025, 6, 8)),
        Milestone("6m", "6 months", D(2025, 9, 10)),
        Milestone("9m", "9 months", D(2025, 12, 10)),
        Milestone("1y", "1 year", D(2026, 3, 10)),
        Milestone("18m", "18 months", D(2026, 9, 10)),
        Milestone("2y", "2 years", D(2027, 3, 10)),
        Milestone("3y", "3 years", D(2028, 3, 10)),
    ]


def test_day_milestones_count_days_not_months():
    # 30 days after 31 January lands in March, a day earlier in a leap year.
    assert _dates(D(2024, 1, 31), until=D(2024, 3, 31))["30d"] == D(2024, 3, 1)
    assert _dates(D(2025, 1, 31), until=D(2025, 3, 31))["30d"] == D(2025, 3, 2)
    # The "24 hours" milestone crosses a year end like any other day.
    assert _dates(D(2025, 12, 31), until=D(2026, 1, 1))["24h"] == D(2026, 1, 1)


def test_month_milestones_keep_the_day_of_the_month():
    dates = _dates(D(2026, 1, 31), until=D(2028, 12, 31))
    assert dates["6m"] == D(2026, 7, 31)
    assert dates["9m"] == D(2026, 10, 31)
    assert dates["1y"] == D(2027, 1, 31)
    assert dates["18m"] == D(2027, 7, 31)
    assert dates["2y"] == D(2028, 1, 31)


def test_month_milestones_clamp_to_the_last_day_of_a_short_month():
    dates = _dates(D(2025, 8, 31), until=D(2027, 12, 31))
    assert dates["6m"] == D(2026, 2, 28)
    # Counted from the sobriety date, not from the clamped 28 February.
    assert dates["9m"] == D(2026, 5, 31)
    assert dates["18m"] == D(2027, 2, 28)
    # Into a leap February, the 29th is there to land on.
    assert _dates(D(2023, 8, 31), until=D(2024, 3, 1))["6m"] == D(2024, 2, 29)
    # 30 November has no 31st to lose; 31 March does.
    assert _dates(D(2025, 3, 31), until=D(2026, 1, 1))["6m"] == D(2025, 9, 30)


def test_a_leap_day_sobriety_date_falls_back_to_28_february():
    dates = _dates(D(2024, 2, 29), until=D(2028, 12, 31))
    assert dates["6m"] == D(2024, 8, 29)
    assert dates["1y"] == D(2025, 2, 28)
    assert dates["18m"] == D(2025, 8, 29)
    assert dates["2y"] == D(2026, 2, 28)
    assert dates["3y"] == D(2027, 2, 28)
    assert dates["4y"] == D(2028, 2, 29)


def test_a_ten_year_span_ends_on_the_tenth_anniversary():
    sobriety = D(2016, 5, 15)
    ten_years = list(milestones_for(sobriety, until=D(2026, 5, 15)))
    assert [m.key for m in ten_years] == [
        "24h", "30d", "60d", "90d", "6m", "9m", "1y", "18m",
        "2y", "3y", "4y", "5y", "6y", "7y", "8y", "9y", "10y",
    ]  # fmt: skip
    assert ten_years[-1] == Milestone("10y", "10 years", D(2026, 5, 15))
    assert list(milestones_for(sobriety, until=D(2026, 5, 14)))[-1].key == "9y"


def test_it_yields_nothing_before_the_first_milestone():
    assert list(milestones_for(D(2026, 5, 1), until=D(2026, 5, 1))) == []
    assert list(milestones_for(D(2026, 5, 1), until=D(2025, 1, 1))) == []


def test_it_is_lazy_and_stops_where_dates_run_out(monkeypatch):
    months_computed = []
    months_later = milestones._months_later

    def counting(start, months):
        months_computed.append(months)
        return months_later(start, months)

    monkeypatch.setattr(milestones, "_months_later", counting)
    everything = milestones_for(D(2026, 1, 1), until=dt.date.max)
    assert next(everything).key == "24h"
    assert months_computed == []  # nothing past the first milestone has been worked out yet

    rest = list(everything)
    assert len(rest) == 7 + len(range(2, 7974))  # 30d to 18m, then 2 to 7973 years
    assert rest[-1] == Milestone("7973y", "7973 years", D(9999, 1, 1))


def test_a_far_future_sobriety_date_has_milestones_only_after_it():
    sobriety = D(9990, 6, 15)
    assert days_sober(sobriety, D(2026, 1, 1)) == 0
    assert next_milestone(sobriety, D(2026, 1, 1)) == Milestone("24h", "24 hours", D(9990, 6, 16))
    assert list(milestones_for(sobriety, until=D(9990, 6, 15))) == []
    assert list(milestones_for(sobriety, until=dt.date.max))[-1] == Milestone(
        "9y", "9 years", D(9999, 6, 15)
    )


def test_a_sobriety_date_at_the_end_of_time_has_no_next_milestone():
    assert list(milestones_for(dt.date.max, until=dt.date.max)) == []
    with pytest.raises(ValueError, match="No milestone after"):
        next_milestone(dt.date.max, dt.date.max)
    with pytest.raises(ValueError, match="No milestone after"):
        next_milestone(D(9999, 6, 15), D(9999, 12, 31))


def test_a_milestone_falling_today_is_todays_not_next():
    sobriety = D(2026, 1, 1)
    thirty_days = Milestone("30d", "30 days", D(2026, 1, 31))

    assert milestone_on(sobriety, D(2026, 1, 30)) is None
    assert next_milestone(sobriety, D(2026, 1, 30)) == thirty_days

    assert milestone_on(sobriety, D(2026, 1, 31)) == thirty_days
    assert next_milestone(sobriety, D(2026, 1, 31)) == Milestone("60d", "60 days", D(2026, 3, 2))


def test_the_sobriety_date_itself_is_not_a_milestone():
    sobriety = D(2026, 1, 1)
    assert milestone_on(sobriety, sobriety) is None
    assert next_milestone(sobriety, sobriety) == Milestone("24h", "24 hours", D(2026, 1, 2))
    assert milestone_on(sobriety, D(2026, 1, 2)) == next_milestone(sobriety, sobriety)


def test_next_milestone_reaches_years_ahead():
    assert next_milestone(D(1990, 7, 4), D(2026, 7, 4)) == Milestone(
        "37y", "37 years", D(2027, 7, 4)
    )
    assert milestone_on(D(1990, 7, 4), D(2026, 7, 4)) == Milestone("36y", "36 years", D(2026, 7, 4))


def test_milestones_between_includes_both_ends_of_a_two_week_window():
    sobriety = D(2025, 12, 1)
    sixty_days = Milestone("60d", "60 days", D(2026, 1, 30))

    assert milestones_between(sobriety, D(2026, 1, 30), D(2026, 2, 12)) == [sixty_days]
    assert milestones_between(sobriety, D(2026, 1, 17), D(2026, 1, 30)) == [sixty_days]
    assert milestones_between(sobriety, D(2026, 1, 31), D(2026, 2, 13)) == []
    assert milestones_between(sobriety, D(2026, 1, 16), D(2026, 1, 29)) == []


def test_milestones_between_can_hold_more_than_one():
    # No two milestones fall within two weeks of each other; the first month holds two.
    assert [m.key for m in milestones_between(D(2026, 1, 1), D(2026, 1, 1), D(2026, 1, 31))] == [
        "24h",
        "30d",
    ]
    assert milestones_between(D(2026, 1, 1), D(2026, 2, 1), D(2026, 1, 1)) == []


def test_milestones_are_strictly_in_date_order_for_every_start_day():
    start = D(2023, 1, 1)
    for offset in range(3 * 366):
        sobriety = start + dt.timedelta(days=offset)
        found = list(milestones_for(sobriety, until=sobriety + dt.timedelta(days=6 * 366)))
        dates = [m.date for m in found]
        assert all(a < b for a, b in itertools.pairwise(dates)), sobriety
        assert dates[0] > sobriety


@pytest.mark.parametrize(
    ("utc_now", "expected"),
    [
        # A winter day: Los Angeles is UTC-8, so its day starts at 08:00 UTC.
        (dt.datetime(2026, 12, 1, 7, 59, tzinfo=dt.UTC), D(2026, 11, 30)),
        (dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC), D(2026, 12, 1)),
        # The day before spring-forward is still on UTC-8.
        (dt.datetime(2026, 3, 7, 7, 59, tzinfo=dt.UTC), D(2026, 3, 6)),
        (dt.datetime(2026, 3, 7, 8, 0, tzinfo=dt.UTC), D(2026, 3, 7)),
        # 8 March starts on UTC-8 (the clocks change at 02:00); 9 March starts on UTC-7.
        (dt.datetime(2026, 3, 8, 7, 59, tzinfo=dt.UTC), D(2026, 3, 7)),
        (dt.datetime(2026, 3, 8, 8, 0, tzinfo=dt.UTC), D(2026, 3, 8)),
        (dt.datetime(2026, 3, 9, 6, 59, tzinfo=dt.UTC), D(2026, 3, 8)),
        (dt.datetime(2026, 3, 9, 7, 0, tzinfo=dt.UTC), D(2026, 3, 9)),
        # 1 November starts on UTC-7 (fall-back is at 02:00); 2 November starts on UTC-8.
        (dt.datetime(2026, 11, 1, 6, 59, tzinfo=dt.UTC), D(2026, 10, 31)),
        (dt.datetime(2026, 11, 1, 7, 0, tzinfo=dt.UTC), D(2026, 11, 1)),
        (dt.datetime(2026, 11, 2, 6, 59, tzinfo=dt.UTC), D(2026, 11, 1)),
        (dt.datetime(2026, 11, 2, 7, 0, tzinfo=dt.UTC), D(2026, 11, 1)),
        (dt.datetime(2026, 11, 2, 7, 59, tzinfo=dt.UTC), D(2026, 11, 1)),
        (dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC), D(2026, 11, 2)),
    ],
)
def test_local_today_follows_the_houses_clock(utc_now, expected):
    assert local_today(LOS_ANGELES, utc_now) == expected


def test_local_today_works_from_any_aware_datetime():
    # 09:30 in Tokyo on 2 March is 16:30 on 1 March in Los Angeles.
    tokyo = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    assert local_today(LOS_ANGELES, tokyo) == D(2026, 3, 1)
    assert local_today("Asia/Tokyo", tokyo) == D(2026, 3, 2)
    assert local_today("UTC", tokyo) == D(2026, 3, 2)


def test_local_today_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="aware"):
        local_today(LOS_ANGELES, dt.datetime(2026, 3, 1, 12, 0))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("sobriety", "utc_now", "expected"),
    [
        # Across spring-forward, 7 March 00:00 to 9 March 00:30 is 47.5 hours but two days.
        (D(2026, 3, 7), dt.datetime(2026, 3, 9, 7, 30, tzinfo=dt.UTC), 2),
        (D(2026, 3, 7), dt.datetime(2026, 3, 9, 6, 30, tzinfo=dt.UTC), 1),
        # Across fall-back, 31 October 00:00 to 1 November 23:30 is 48.5 hours but one day.
        (D(2026, 10, 31), dt.datetime(2026, 11, 2, 7, 30, tzinfo=dt.UTC), 1),
        (D(2026, 10, 31), dt.datetime(2026, 11, 2, 8, 30, tzinfo=dt.UTC), 2),
    ],
)
def test_days_sober_across_a_clock_change_counts_calendar_days(sobriety, utc_now, expected):
    assert days_sober(sobriety, local_today(LOS_ANGELES, utc_now)) == expected


def test_a_milestone_arrives_at_local_midnight_across_a_clock_change():
    sobriety = D(2026, 2, 6)  # 30 days later is 8 March, the day the clocks spring forward
    thirty_days = Milestone("30d", "30 days", D(2026, 3, 8))

    before = local_today(LOS_ANGELES, dt.datetime(2026, 3, 8, 7, 59, tzinfo=dt.UTC))
    assert milestone_on(sobriety, before) is None
    assert next_milestone(sobriety, before) == thirty_days

    at = local_today(LOS_ANGELES, dt.datetime(2026, 3, 8, 8, 0, tzinfo=dt.UTC))
    assert milestone_on(sobriety, at) == thirty_days
    assert days_sober(sobriety, at) == 30
