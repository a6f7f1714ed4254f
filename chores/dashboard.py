"""What the chore pages show at a glance: the house dashboard's chores panel, the rotation preview
of the manager's pages, the week's chart and the chore history. Reads only, each in a fixed
number of queries.

"Today" and "this week" (Monday to today) are the house's own, in its time zone; "overdue" and
"to do" compare the due moment with now.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils import timezone

from chores import outcomes, rotation
from chores.generation import plan
from chores.models import Assignment, Chore, Swap
from residents.models import House, Resident

OPEN = [Assignment.Status.TO_DO, Assignment.Status.REDO]
_NEEDS_A_CHECK = ~Q(chore__checker=Chore.Checker.NOBODY)


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week ``day`` is in."""
    return day - dt.timedelta(days=day.weekday())


# The dashboard panel


@dataclass(frozen=True)
class ChoresPanel:
    today: dt.date
    due_today: int
    done_today: int  # done and, when the chore has a checker, checked
    waiting_for_a_check: int  # done and not checked yet, on any day
    overdue: int  # still open past the time due, on any day
    missed_this_week: int  # Monday up to today


def chores_panel(house: House, *, now: dt.datetime | None = None) -> ChoresPanel:
    """The counts of the dashboard's chores panel, in one query."""
    now = now or timezone.now()
    today = house.today(now)
    this_week = Q(day__gte=week_start(today), day__lte=today)
    waiting = Q(status=Assignment.Status.DONE) & _NEEDS_A_CHECK
    overdue = Q(status__in=OPEN, due_at__lt=now)
    missed = Q(status=Assignment.Status.MISSED) & this_week
    done = Q(status=Assignment.Status.CHECKED) | Q(
        status=Assignment.Status.DONE, chore__checker=Chore.Checker.NOBODY
    )
    counts = Assignment.objects.filter(
        Q(day=today) | waiting | overdue | missed, house=house
    ).aggregate(
        due_today=Count("pk", filter=Q(day=today)),
        done_today=Count("pk", filter=Q(day=today) & done),
        waiting_for_a_check=Count("pk", filter=waiting),
        overdue=Count("pk", filter=overdue),
        missed_this_week=Count("pk", filter=missed),
    )
    return ChoresPanel(today=today, **counts)


# The status words the chart shows


def status_of(assignment: Assignment, now: dt.datetime) -> tuple[str, str]:
    """(a key for styling, the words) for one assignment at ``now``; needs its chore loaded."""
    status = assignment.status
    if status == Assignment.Status.DONE:
        if assignment.chore.checker == Chore.Checker.NOBODY:
            return "done", "Done"
        return "waiting", "Waiting for a check"
    if status == Assignment.Status.TO_DO and assignment.due_at < now:
        return "overdue", "Overdue"
    return status, Assignment.Status(status).label


# The chore chart


@dataclass(frozen=True)
class ChartEntry:
    assignment: Assignment
    status: str
    words: str


@dataclass
class ChartRow:
    resident: Resident | None  # None: the row of chores nobody could take
    days: list[list[ChartEntry]]

    @property
    def name(self) -> str:
        return self.resident.name if self.resident else "Not given out"


def week_chart(house: House, *, monday: dt.date, now: dt.datetime | None = None) -> list[ChartRow]:
    """The week from ``monday`` as one row per resident (everyone who lived in the house that
    week, and anyone else who had a chore in it), each with the chores of each day. Two queries:
    the week's assignments with their chores and people, and the stays of the week."""
    now = now or timezone.now()
    sunday = monday + dt.timedelta(days=6)
    assignments = (
        Assignment.objects.filter(house=house, day__gte=monday, day__lte=sunday)
        .select_related("chore", "resident")
        .order_by("day", "due_at", "chore__name")
    )
    stays = (
        house.stays.filter(move_in__lte=sunday)
        .filter(Q(move_out__isnull=True) | Q(move_out__gt=monday))
        .select_related("resident")
    )
    residents: dict[int | None, Resident | None] = {
        stay.resident_id: stay.resident for stay in stays
    }
    cells: dict[int | None, list[list[ChartEntry]]] = defaultdict(lambda: [[] for _ in range(7)])
    for assignment in assignments:
        residents.setdefault(assignment.resident_id, assignment.resident)
        status, words = status_of(assignment, now)
        entry = ChartEntry(assignment, status, words)
        cells[assignment.resident_id][(assignment.day - monday).days].append(entry)
    rows = [
        ChartRow(resident, cells[resident.pk])
        for resident in residents.values()
        if resident is not None
    ]
    rows.sort(key=lambda row: (row.name.casefold(), row.resident.pk))
    if None in residents:
        rows.append(ChartRow(None, cells[None]))
    return rows


@dataclass(frozen=True)
class ChartDay:
    """One day of the chart as a phone shows it: each chore of the day and who has it."""

    day: dt.date
    is_today: bool
    entries: list[tuple[ChartRow, ChartEntry]]


def chart_days(rows: list[ChartRow], *, monday: dt.date, today: dt.date) -> list[ChartDay]:
    """The chart turned round, a day at a time, with today first, then the days after it, then
    the days of the week gone by. Built from ``week_chart``'s rows, with no query."""
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        entries = [(row, entry) for row in rows for entry in row.days[offset]]
        entries.sort(key=lambda pair: (pair[1].assignment.due_at, pair[1].assignment.chore.name))
        days.append(ChartDay(day, day == today, entries))
    days.sort(key=lambda chart_day: (chart_day.day < today, chart_day.day))
    return days


# The rotation preview


@dataclass(frozen=True)
class PreviewCell:
    """One chore on one day: saved already (``saved``), or only planned so far."""

    planned: rotation.Assignment | None
    saved: Assignment | None
    person: Resident | None  # who does it: the saved row's person, else the planned one
    planned_person: Resident | None
    chore: Chore | None = None  # its column, named in each cell where a phone shows no columns

    @property
    def is_saved(self) -> bool:
        return self.saved is not None

    @property
    def rotation_differs(self) -> bool:
        """A saved row whose person the rotation would no longer choose (they left, are away
        now, or were excluded since): the manager may want to change it."""
        return (
            self.saved is not None
            and self.planned is not None
            and self.planned.person_id != self.saved.resident_id
        )

    @property
    def reason(self) -> str:
        return self.planned.reason if self.planned is not None else ""


@dataclass
class PreviewDay:
    day: dt.date
    cells: list[PreviewCell | None] = field(default_factory=list)  # one per chore column

    @property
    def saved(self) -> int:
        return sum(1 for cell in self.cells if cell is not None and cell.is_saved)

    @property
    def due(self) -> int:
        return sum(1 for cell in self.cells if cell is not None)


def rotation_preview(
    house: House, *, start: dt.date, days: int
) -> tuple[list[Chore], list[PreviewDay]]:
    """The days from ``start`` as chores (columns) by days (rows), what is saved and what the
    rotation plans for the rest. Writes nothing. The rotation's queries plus three: the saved
    rows, the chores, and the planned people."""
    end = start + dt.timedelta(days=days - 1)
    planned = {(item.chore_id, item.day): item for item in plan(house, start=start, days=days)}
    saved = {
        (row.chore_id, row.day): row
        for row in Assignment.objects.filter(house=house, day__gte=start, day__lte=end)
        .select_related("resident")
        .order_by()
    }
    chore_ids = {chore_id for chore_id, _ in saved} | {chore_id for chore_id, _ in planned}
    chores = list(Chore.objects.filter(pk__in=chore_ids).order_by("due_time", "name"))
    people = Resident.objects.in_bulk({item.person_id for item in planned.values()} - {None})
    table = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        row = PreviewDay(day)
        for chore in chores:
            item, row_saved = planned.get((chore.pk, day)), saved.get((chore.pk, day))
            if item is None and row_saved is None:
                row.cells.append(None)
                continue
            planned_person = people.get(item.person_id) if item and item.person_id else None
            person = row_saved.resident if row_saved is not None else planned_person
            row.cells.append(PreviewCell(item, row_saved, person, planned_person, chore))
        table.append(row)
    return chores, table


# The chore history


HISTORY_PAGE_SIZE = 100


@dataclass
class History:
    start: dt.date
    end: dt.date
    outcomes: list[tuple[Resident, outcomes.Outcomes]]  # by name
    total: outcomes.Outcomes
    swaps: list[Swap]
    page: Page  # of (Assignment, status key, words), newest day first


def history(
    house: House,
    *,
    start: dt.date,
    end: dt.date,
    resident: Resident | None = None,
    page: str | int | None = 1,
    now: dt.datetime | None = None,
) -> History:
    """What became of the chores from ``start`` to ``end`` (the house's days, both included):
    each person's outcomes, the swaps asked about those chores and what came of them, and the
    chores day by day, a page at a time. Five queries, whatever the house's size: the outcomes,
    their people, the swaps, and the page (its count and its rows)."""
    now = now or timezone.now()
    counted = outcomes.by_resident([house.pk], start, end)
    if resident is not None:
        counted = {key: value for key, value in counted.items() if key[1] == resident.pk}
    people = Resident.objects.in_bulk([resident_id for _, resident_id in counted])
    by_person = sorted(
        ((people[resident_id], value) for (_, resident_id), value in counted.items()),
        key=lambda pair: (pair[0].name.casefold(), pair[0].pk),
    )
    in_period = Q(assignment__house=house, assignment__day__gte=start, assignment__day__lte=end)
    assignments = Assignment.objects.filter(house=house, day__gte=start, day__lte=end)
    if resident is not None:
        in_period &= Q(asked_by=resident) | Q(asked_of=resident)
        assignments = assignments.filter(resident=resident)
    swaps = list(
        Swap.objects.filter(in_period)
        .select_related("assignment__chore", "asked_by", "asked_of")
        .order_by("-assignment__day", "-created_at")
    )
    rows = assignments.select_related("chore", "resident", "checked_by").order_by(
        "-day", "due_at", "chore__name"
    )
    shown = Paginator(rows, HISTORY_PAGE_SIZE).get_page(page)
    shown.object_list = [(row, *status_of(row, now)) for row in shown.object_list]
    return History(
        start=start,
        end=end,
        outcomes=by_person,
        total=outcomes.total(value for _, value in by_person),
        swaps=swaps,
        page=shown,
    )
