"""Turning the catalogue and the rotation into rows: the next days' assignments of a house.

Idempotent by construction: the unique key on (chore, day) means a second run, or two workers
at once, create nothing twice (``bulk_create(ignore_conflicts=True)``), and rows that exist are
passed to the rotation as pins, so they are kept and counted. A fixed number of queries per
house, whatever the number of chores, residents or days.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q

from chores import rotation, schedule
from chores.models import Absence, Assignment, Chore, Exclusion, HouseChoreSettings
from chores.services import OPEN
from residents.models import House, Stay

DAYS_AHEAD = 7


def _leaves_on(stay: Stay, start: dt.date) -> dt.date | None:
    """The first day the rotation gives this stay no chores: the move-out, or the expected
    move-out when that comes first. An expected move-out that has passed while the person still
    lives in the house stops the plan from ``start`` on (nobody is planned past the date they
    are expected to leave; the manager moves the date on), and leaves the days behind alone."""
    leaves = stay.move_out
    expected = stay.expected_move_out
    if expected is not None and (leaves is None or expected < leaves):
        leaves = max(expected, start)
    return leaves


def _people(house: House, start: dt.date, end: dt.date, settings: HouseChoreSettings):
    window_start = start - dt.timedelta(days=rotation.WINDOW_DAYS)
    stays = (
        Stay.objects.filter(house=house, move_in__lte=end)
        .filter(Q(move_out__isnull=True) | Q(move_out__gt=window_start))
        .order_by("resident_id", "move_in")
    )
    spans: dict[int, list[rotation.Span]] = defaultdict(list)
    settling: dict[int, list[rotation.Span]] = defaultdict(list)
    for stay in stays:
        leaves = _leaves_on(stay, start)
        last = leaves - dt.timedelta(days=1) if leaves else None
        spans[stay.resident_id].append(rotation.Span(stay.move_in, last))
        if settings.newcomer_days:
            settle_end = stay.move_in + dt.timedelta(days=settings.newcomer_days - 1)
            settling[stay.resident_id].append(rotation.Span(stay.move_in, settle_end))
    away: dict[int, list[rotation.Span]] = defaultdict(list)
    for absence in Absence.objects.filter(
        resident__in=spans, ends_on__gte=window_start, starts_on__lte=end
    ):
        away[absence.resident_id].append(rotation.Span(absence.starts_on, absence.ends_on))
    excluded: dict[int, set[int]] = defaultdict(set)
    for exclusion in Exclusion.objects.filter(resident__in=spans, chore__house=house):
        excluded[exclusion.resident_id].add(exclusion.chore_id)
    return [
        rotation.Person(
            id=resident_id,
            stays=tuple(resident_spans),
            away=tuple(away[resident_id]),
            settling=tuple(settling[resident_id]),
            excluded_chores=frozenset(excluded[resident_id]),
        )
        for resident_id, resident_spans in spans.items()
    ]


def plan(
    house: House, *, start: dt.date, days: int = DAYS_AHEAD, chores: list[Chore] | None = None
) -> list[rotation.Assignment]:
    """What the rotation gives out for ``days`` from ``start``: existing rows as pins, the rest
    new. Reads only; the preview page shows it and ``assignments_generate`` saves it."""
    end = start + dt.timedelta(days=days - 1)
    # Reads only: a house that never changed its settings uses the defaults.
    settings = HouseChoreSettings.objects.filter(house=house).first() or HouseChoreSettings()
    if chores is None:
        chores = list(house.chores.filter(active=True))
    occurrences = [
        rotation.Occurrence(chore.pk, day, chore.points)
        for chore, day in schedule.occurrences(chores, start, days)
    ]
    window_start = start - dt.timedelta(days=rotation.WINDOW_DAYS)
    rows = Assignment.objects.filter(house=house, day__gte=window_start, day__lte=end).exclude(
        resident__isnull=True
    )
    slots = {(occurrence.chore_id, occurrence.day) for occurrence in occurrences}
    history, pins = [], []
    for row in rows.values("chore_id", "day", "resident_id", "points"):
        # A saved row that no longer matches a slot (the chore was paused or rescheduled) is
        # part of the past as far as the counts go.
        if row["day"] < start or (row["chore_id"], row["day"]) not in slots:
            history.append(
                rotation.Past(row["chore_id"], row["day"], row["resident_id"], row["points"])
            )
        else:
            pins.append(rotation.Pin(row["chore_id"], row["day"], row["resident_id"]))
    return rotation.assign(occurrences, _people(house, start, end, settings), history, pins)


def assignments_generate(
    house: House, *, start: dt.date | None = None, days: int = DAYS_AHEAD
) -> int:
    """Create the missing assignments for ``days`` from ``start`` (today in the house's zone).
    Returns how many were missing when it looked; a run at the same moment may have written
    some of them first, and then they are not written twice."""
    start = start or house.today()
    end = start + dt.timedelta(days=days - 1)
    chores = {chore.pk: chore for chore in Chore.objects.filter(house=house, active=True)}
    existing = {
        (row["chore_id"], row["day"]): row
        for row in Assignment.objects.filter(house=house, day__gte=start, day__lte=end).values(
            "pk", "chore_id", "day", "resident_id", "status"
        )
    }
    planned = plan(house, start=start, days=days, chores=list(chores.values()))
    new = [
        Assignment(
            chore_id=choice.chore_id,
            house=house,
            day=choice.day,
            due_at=schedule.due_at(choice.day, chores[choice.chore_id].due_time, house.time_zone),
            resident_id=choice.person_id,
            points=choice.points,
        )
        for choice in planned
        if (choice.chore_id, choice.day) not in existing
    ]
    Assignment.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    _hand_on(existing, planned)
    return len(new)


@transaction.atomic
def assignments_hand_back(
    house: House, *, resident_id: int, start: dt.date
) -> dict[int | None, list[int]]:
    """Give a resident's saved chores still to do, from ``start`` on, to whoever the rotation
    now chooses (call it once their stay, absence or exclusion says they cannot take them).
    A chore nobody may take, or one no longer on the schedule, is left with nobody. Returns the
    moved assignments' ids by who has them now (None: nobody)."""
    rows = list(
        Assignment.objects.filter(
            house=house, resident_id=resident_id, day__gte=start, status__in=OPEN
        ).values("pk", "chore_id", "day")
    )
    if not rows:
        return {}
    days = (max(row["day"] for row in rows) - start).days + 1
    chosen = {
        (choice.chore_id, choice.day): choice.person_id
        for choice in plan(house, start=start, days=days)
    }
    by_new: dict[int | None, list[int]] = defaultdict(list)
    for row in rows:
        after = chosen.get((row["chore_id"], row["day"]))
        by_new[None if after == resident_id else after].append(row["pk"])
    moved: dict[int | None, list[int]] = {}
    for after, pks in by_new.items():
        # Locked and checked again, as in _hand_on: a tick made meanwhile wins over the move.
        claimed = Assignment.objects.filter(pk__in=pks, resident_id=resident_id, status__in=OPEN)
        ids = list(claimed.select_for_update().values_list("pk", flat=True))
        if ids and Assignment.objects.filter(pk__in=ids).update(resident_id=after, pinned=False):
            moved[after] = ids
    return moved


def _hand_on(existing: dict, planned: list[rotation.Assignment]) -> None:
    """A saved chore still to do whose person can no longer take it (they left, went away, or
    were excluded) goes to whoever the rotation now chooses. The rotation keeps every other
    saved row as it is, so only those rows change."""
    moves = [
        (existing[key]["pk"], existing[key]["resident_id"], choice.person_id)
        for choice in planned
        if (key := (choice.chore_id, choice.day)) in existing
        and choice.rule != rotation.Rule.PINNED
        and existing[key]["status"] in OPEN
        and existing[key]["resident_id"] != choice.person_id
    ]
    for pk, before, after in moves:
        # Conditional: a tick or a pin made meanwhile wins over the move.
        Assignment.objects.filter(pk=pk, resident_id=before, status__in=OPEN).update(
            resident_id=after, pinned=False
        )
