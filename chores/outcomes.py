"""How the chores of a stretch of days turned out, counted in SQL: for the chore history, the
house meeting's agenda and the monthly report.

Every chore given to someone falls in exactly one of four outcomes: done on time, done late
(first ticked after the time due and the grace period, or after it was marked missed), missed
(never done), or still open (to do, or waiting for a redo). "Redone" counts the chores a checker
sent back at least once, whatever came of them. Days are the house's own local days, as
assignments store them. Chores nobody could take are not anybody's, and are left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from chores.models import Assignment

_DONE = Q(status__in=[Assignment.Status.DONE, Assignment.Status.CHECKED])

COUNTS = {
    "assigned": Count("pk"),
    "done_on_time": Count("pk", filter=_DONE & Q(late=False)),
    "done_late": Count("pk", filter=_DONE & Q(late=True)),
    "missed": Count("pk", filter=Q(status=Assignment.Status.MISSED)),
    "still_open": Count(
        "pk", filter=Q(status__in=[Assignment.Status.TO_DO, Assignment.Status.REDO])
    ),
    "redone": Count("pk", filter=Q(redo_count__gt=0)),
}


@dataclass(frozen=True)
class Outcomes:
    assigned: int = 0
    done_on_time: int = 0
    done_late: int = 0
    missed: int = 0
    still_open: int = 0
    redone: int = 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def completion_percent(self) -> float | None:
        """Done, out of the chores whose outcome is known (not those still open); None when
        there are none."""
        settled = self.assigned - self.still_open
        return round(100 * self.done / settled, 1) if settled else None

    @property
    def needs_a_word(self) -> bool:
        """Something for the house meeting to talk through: missed, late or redone."""
        return bool(self.missed or self.done_late or self.redone)


def _given_out(house_ids: Iterable[int], start: dt.date, end: dt.date) -> QuerySet[Assignment]:
    """Assignments given to someone, in the houses, on the days from ``start`` to ``end``
    (both included)."""
    return Assignment.objects.filter(
        house_id__in=list(house_ids), day__gte=start, day__lte=end, resident__isnull=False
    ).order_by()


def by_resident(
    house_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[tuple[int, int], Outcomes]:
    """{(house id, resident id): Outcomes} for everyone who had a chore, in one query."""
    rows = _given_out(house_ids, start, end).values("house_id", "resident_id").annotate(**COUNTS)
    return {(row.pop("house_id"), row.pop("resident_id")): Outcomes(**row) for row in rows}


def by_house(house_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, Outcomes]:
    """{house id: Outcomes}, every house asked for present (zeros when it had none), in one
    query."""
    house_ids = list(house_ids)
    rows = _given_out(house_ids, start, end).values("house_id").annotate(**COUNTS)
    found = {row.pop("house_id"): Outcomes(**row) for row in rows}
    return {house_id: found.get(house_id, Outcomes()) for house_id in house_ids}


def by_house_and_month(
    house_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], Outcomes]:
    """{(house id, first day of the month): Outcomes} for the months from ``start`` to ``end``
    (the monthly report and its trend), in one query; months without chores are left out."""
    rows = (
        _given_out(house_ids, start, end)
        .values("house_id", month=TruncMonth("day"))
        .annotate(**COUNTS)
    )
    return {(row.pop("house_id"), row.pop("month")): Outcomes(**row) for row in rows}


def total(outcomes: Iterable[Outcomes]) -> Outcomes:
    """The sum of several Outcomes (the houses of a report, the residents of a house)."""
    fields = Outcomes.__dataclass_fields__
    summed = dict.fromkeys(fields, 0)
    for item in outcomes:
        for name in fields:
            summed[name] += getattr(item, name)
    return Outcomes(**summed)
