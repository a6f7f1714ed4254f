"""When a chore is due: plain functions over a chore's schedule fields."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Protocol

from soberhouse.clock import wall_clock


class Scheduled(Protocol):
    schedule: str
    weekdays: list[int]
    every_n_weeks: int
    starts_on: dt.date
    day_of_month: int


def occurs_on(chore: Scheduled, day: dt.date) -> bool:
    """Whether the chore is due on ``day``.

    Weekly and every-few-weeks chores fall on their first chosen weekday (Monday if none);
    every few weeks counts whole weeks from the week of ``starts_on``; a day of the month past
    the month's end (the 31st in April) falls on its last day.
    """
    kind = chore.schedule
    if kind == "daily":
        return True
    if kind == "weekdays":
        return day.weekday() in chore.weekdays
    first_weekday = min(chore.weekdays) if chore.weekdays else 0
    if kind == "weekly":
        return day.weekday() == first_weekday
    if kind == "every_n_weeks":
        if day.weekday() != first_weekday or day < chore.starts_on:
            return False
        weeks = (_monday(day) - _monday(chore.starts_on)).days // 7
        return weeks % max(chore.every_n_weeks, 1) == 0
    if kind == "monthly":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.day == min(chore.day_of_month, last)
    raise ValueError(f"unknown schedule {kind!r}")


def days(start: dt.date, count: int) -> Iterator[dt.date]:
    for offset in range(count):
        yield start + dt.timedelta(days=offset)


def occurrences(chores: Iterable[Scheduled], start: dt.date, count: int):
    """(chore, day) for every chore due on each of ``count`` days from ``start``."""
    chores = list(chores)
    for day in days(start, count):
        for chore in chores:
            if occurs_on(chore, day):
                yield chore, day


def due_at(day: dt.date, due_time: dt.time, time_zone: str) -> dt.datetime:
    """The moment a chore is due: its time on that day on the house's clock. A time that the
    clock skips when it springs forward lands just after the jump."""
    return wall_clock(day, due_time, time_zone)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())
