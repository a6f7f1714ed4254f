"""Sobriety milestones: 24 hours, 30, 60 and 90 days, 6 and 9 months, 1 year, 18 months, then
every year.

Everything here works on calendar dates in the house's own time zone. Use ``local_today`` to turn
an aware "now" into the house's date first; never count elapsed hours, because a day on which the
clocks change lasts 23 or 25 of them.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

# The first year, in date order: (key, label, days) then (key, label, months).
_DAY_MILESTONES = (
    ("24h", "24 hours", 1),
    ("30d", "30 days", 30),
    ("60d", "60 days", 60),
    ("90d", "90 days", 90),
)
_MONTH_MILESTONES = (
    ("6m", "6 months", 6),
    ("9m", "9 months", 9),
    ("1y", "1 year", 12),
    ("18m", "18 months", 18),
)


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    date: dt.date


def days_sober(sobriety_date: dt.date, today: dt.date) -> int:
    """Whole calendar days since the sobriety date: 0 on the day itself and on any day before it."""
    return max(0, (today - sobriety_date).days)


def local_today(time_zone: str, now: dt.datetime) -> dt.date:
    """The date in the IANA zone ``time_zone`` at the aware datetime ``now``."""
    if now.tzinfo is None or now.utcoffset() is None:
        # astimezone() would silently read a naive value as the server's local time.
        raise ValueError("now must be an aware datetime")
    return now.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def milestones_for(sobriety_date: dt.date, *, until: dt.date) -> Iterator[Milestone]:
    """Every milestone on or before ``until``, in date order.

    Lazy: the yearly milestones go on without end, and this stops at the first one after
    ``until`` (or at the last date Python can represent).
    """
    for milestone in _all_milestones(sobriety_date):
        if milestone.date > until:
            return
        yield milestone


def milestones_between(sobriety_date: dt.date, start: dt.date, end: dt.date) -> list[Milestone]:
    """The milestones from ``start`` to ``end``, both included, in date order."""
    return [m for m in milestones_for(sobriety_date, until=end) if m.date >= start]


def milestone_on(sobriety_date: dt.date, day: dt.date) -> Milestone | None:
    """The milestone that falls on ``day``, or None. No two milestones share a date."""
    found = milestones_between(sobriety_date, day, day)
    return found[0] if found else None


def next_milestone(sobriety_date: dt.date, today: dt.date) -> Milestone:
    """The first milestone strictly after ``today``; one falling on ``today`` is ``milestone_on``'s.

    Raises ValueError only when the next milestone would fall after ``datetime.date.max``.
    """
    for milestone in _all_milestones(sobriety_date):
        if milestone.date > today:
            return milestone
    raise ValueError(f"No milestone after {today} can be represented as a date.")


def milestone_offsets(*, years: int) -> list[tuple[str, str, int, int]]:
    """(key, label, days, months) of every milestone up to ``years`` years, in order: a
    milestone falls ``days`` days or ``months`` calendar months after the sobriety date (for
    counting them in SQL, where a month later is clamped to the month's last day as here)."""
    return [
        *((key, label, days, 0) for key, label, days in _DAY_MILESTONES),
        *((key, label, 0, months) for key, label, months in _MONTH_MILESTONES),
        *((f"{n}y", f"{n} years", 0, 12 * n) for n in range(2, years + 1)),
    ]


def _all_milestones(sobriety_date: dt.date) -> Iterator[Milestone]:
    """All milestones in date order, ending only where dates run out (year 9999)."""
    for key, label, days in _DAY_MILESTONES:
        day = _days_later(sobriety_date, days)
        if day is None:
            return
        yield Milestone(key=key, label=label, date=day)
    for key, label, months in _MONTH_MILESTONES:
        day = _months_later(sobriety_date, months)
        if day is None:
            return
        yield Milestone(key=key, label=label, date=day)
    for years in itertools.count(2):
        day = _months_later(sobriety_date, 12 * years)
        if day is None:
            return
        yield Milestone(key=f"{years}y", label=f"{years} years", date=day)


def _days_later(start: dt.date, days: int) -> dt.date | None:
    try:
        return start + dt.timedelta(days=days)
    except OverflowError:
        return None


def months_later(start: dt.date, months: int) -> dt.date | None:
    """The same day of the month ``months`` later, clamped to that month's last day (None past
    the last year a date can hold)."""
    return _months_later(start, months)


def _months_later(start: dt.date, months: int) -> dt.date | None:
    """The same day of the month ``months`` later, clamped to that month's last day.

    Always counted from the sobriety date itself, so a clamp never carries forward: after
    31 August, 6 months is 28 (or 29) February but 9 months is 31 May.
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    if year > dt.MAXYEAR:
        return None
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
