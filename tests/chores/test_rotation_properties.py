"""Properties of the chore rotation over eight weeks of random houses: 3 to 12 residents, 1 to 15
chores of 1 to 5 points each due on some weekdays, with arrivals, departures, first days, time
away and exclusions.

What must hold: nobody who may not take a chore gets it; nobody gets a chore twice in a row
while someone else may take it; each chore goes to whoever has the fewest points unless that
rule moves it on; the spread of points between residents here the whole time stays within the
largest single chore's points, plus whatever the not-twice rule moved onto the one ahead (see
"Fairness" in ``chores.rotation`` for why it cannot be less); and the same house gives the same
answer. The tests work out who may take what from their own description of the house, not from
the rotation's ``Person``, so that a mistake there cannot hide itself.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from chores.rotation import WINDOW_DAYS as WINDOW
from chores.rotation import Assignment, Occurrence, Past, Person, Pin, Rule, assign

DAY0 = dt.date(2026, 1, 5)  # a Monday
DAYS = 56


def _day(offset: int) -> dt.date:
    return DAY0 + dt.timedelta(days=offset)


def _offset(day: dt.date) -> int:
    return (day - DAY0).days


@dataclass(frozen=True)
class ChoreSpec:
    id: int
    points: int
    weekdays: frozenset[int]


@dataclass(frozen=True)
class ResidentSpec:
    """Days are offsets from DAY0. ``move_out`` is the first day gone; each time away is a
    (first, last) pair, both included."""

    id: int
    move_in: int
    move_out: int | None
    away: tuple[tuple[int, int], ...]
    first_days: int
    excluded: frozenset[int]

    def free(self, offset: int) -> bool:
        if offset < self.move_in + self.first_days:
            return False
        if self.move_out is not None and offset >= self.move_out:
            return False
        return not any(first <= offset <= last for first, last in self.away)

    def may_take(self, chore_id: int, offset: int) -> bool:
        return chore_id not in self.excluded and self.free(offset)

    def whole_time(self) -> bool:
        """Free to take every chore on every one of the eight weeks' days."""
        return not self.excluded and all(self.free(offset) for offset in range(DAYS))

    def person(self) -> Person:
        return Person.resident(
            self.id,
            move_in=_day(self.move_in),
            move_out=None if self.move_out is None else _day(self.move_out),
            away=[(_day(first), _day(last)) for first, last in self.away],
            first_days=self.first_days,
            excluded_chores=self.excluded,
        )


@dataclass(frozen=True)
class House:
    chores: tuple[ChoreSpec, ...]
    residents: tuple[ResidentSpec, ...]

    def occurrences(self) -> list[Occurrence]:
        return [
            Occurrence(chore.id, _day(offset), chore.points)
            for offset in range(DAYS)
            for chore in self.chores
            if _day(offset).weekday() in chore.weekdays
        ]

    def people(self) -> list[Person]:
        return [resident.person() for resident in self.residents]

    def may_take(self, chore_id: int, offset: int) -> set[int]:
        return {r.id for r in self.residents if r.may_take(chore_id, offset)}


@st.composite
def _resident(draw: st.DrawFn, resident_id: int, chore_ids: list[int]) -> ResidentSpec:
    if draw(st.booleans()):
        # Here all eight weeks: moved in on day 0 or before, first days already over.
        move_in = draw(st.integers(-30, 0))
        first_days = draw(st.integers(0, -move_in))
        return ResidentSpec(resident_id, move_in, None, (), first_days, frozenset())
    move_in = draw(st.integers(-30, DAYS - 1))
    move_out = draw(st.none() | st.integers(move_in + 1, DAYS + 7))
    away = draw(
        st.lists(
            st.tuples(st.integers(-7, DAYS - 1), st.integers(0, 14)).map(
                lambda pair: (pair[0], pair[0] + pair[1])
            ),
            max_size=2,
        )
    )
    excluded = draw(st.frozensets(st.sampled_from(chore_ids), max_size=2))
    return ResidentSpec(
        resident_id, move_in, move_out, tuple(away), draw(st.integers(0, 5)), excluded
    )


@st.composite
def houses(draw: st.DrawFn) -> House:
    chores = tuple(
        ChoreSpec(
            id=chore_id,
            points=draw(st.integers(1, 5)),
            weekdays=draw(st.frozensets(st.integers(0, 6), min_size=1)),
        )
        for chore_id in range(1, draw(st.integers(1, 15)) + 1)
    )
    chore_ids = [chore.id for chore in chores]
    residents = tuple(
        draw(_resident(100 + number, chore_ids)) for number in range(draw(st.integers(3, 12)))
    )
    return House(chores, residents)


# database=None: nothing written to disk between runs.
EIGHT_WEEKS = settings(max_examples=200, deadline=None, database=None)


@EIGHT_WEEKS
@given(house=houses(), shuffle=st.randoms(use_true_random=False))
def test_eight_weeks_of_random_houses(house: House, shuffle: random.Random):
    occurrences, people = house.occurrences(), house.people()
    result = assign(occurrences, people)

    assert [(a.chore_id, a.day) for a in result] == [
        (o.chore_id, o.day)
        for o in sorted(occurrences, key=lambda o: (o.day, -o.points, o.chore_id))
    ]
    _nobody_unable_is_assigned(house, result)
    _not_twice_in_a_row(house, result)
    _fewest_points_first(house, result)
    _even_spread(house, result)

    # Determinism: the same house gives the same answer, whatever order it is described in.
    shuffle.shuffle(occurrences)
    shuffle.shuffle(people)
    assert assign(occurrences, people) == result


def _nobody_unable_is_assigned(house: House, result: list[Assignment]) -> None:
    """Nobody away, not yet arrived, gone, settling in or excluded gets a chore, and a chore goes
    unassigned only when nobody at all may take it."""
    for a in result:
        able = house.may_take(a.chore_id, _offset(a.day))
        if a.person_id is None:
            assert not able, a
        else:
            assert a.person_id in able, a


def _not_twice_in_a_row(house: House, result: list[Assignment]) -> None:
    """Two turns in a row at a chore go to the same person only when, at the second, nobody
    else may take it."""
    turns: dict[int, list[Assignment]] = defaultdict(list)
    for a in result:
        if a.person_id is not None:
            turns[a.chore_id].append(a)
    for chore_turns in turns.values():
        for before, after in itertools.pairwise(chore_turns):
            if before.person_id == after.person_id:
                assert house.may_take(after.chore_id, _offset(after.day)) == {after.person_id}


def _fewest_points_first(house: House, result: list[Assignment]) -> None:
    """Each chore goes to someone with the fewest points among those who may take it, unless
    they all had the turn before, and then to the next fewest. The test keeps its own count:
    points since the window's start (day -28, there being no history), and someone who becomes
    free to take chores starts from the average of those who already were."""
    points: dict[int, Fraction] = {r.id: Fraction(0) for r in house.residents}
    by_day: dict[int, list[Assignment]] = defaultdict(list)
    for a in result:
        by_day[_offset(a.day)].append(a)
    last_holder: dict[int, int] = {}
    free_before = {r.id for r in house.residents if r.free(-WINDOW)}
    for offset in range(-WINDOW, DAYS):
        free = {r.id for r in house.residents if r.free(offset)}
        joining, settled = free - free_before, free & free_before
        if offset > -WINDOW and joining and settled:
            average = sum((points[pid] for pid in settled), Fraction(0)) / len(settled)
            for pid in joining:
                points[pid] = max(points[pid], average)
        free_before = free
        for a in by_day.get(offset, []):
            if a.person_id is None:
                continue
            able = house.may_take(a.chore_id, offset)
            fewer = {pid for pid in able if points[pid] < points[a.person_id]}
            if a.rule is Rule.NOT_TWICE:
                assert fewer == {last_holder[a.chore_id]}, (a, points)
            else:
                assert not fewer, (a, points)
            points[a.person_id] += a.points
            last_holder[a.chore_id] = a.person_id


def _even_spread(house: House, result: list[Assignment]) -> None:
    """Between residents free to take every chore all eight weeks, checked after every single
    assignment: the one ahead leads by at most the largest single chore's points, plus the
    points that the not-twice-in-a-row rule gave them since they last had the fewest points
    when they were picked (``Rule.NOT_TWICE``). When that rule never has to step in, this is
    the plain bound: within the largest single chore's points."""
    steady = [r.id for r in house.residents if r.whole_time()]
    if len(steady) < 2:
        return
    largest = max(chore.points for chore in house.chores)
    points = dict.fromkeys(steady, 0)
    moved = dict.fromkeys(steady, 0)
    for a in result:
        if a.person_id not in points:
            continue
        points[a.person_id] += a.points
        moved[a.person_id] = moved[a.person_id] + a.points if a.rule is Rule.NOT_TWICE else 0
        lowest = min(points.values())
        for person_id in steady:
            assert points[person_id] - lowest <= largest + moved[person_id], (a, points, moved)


@st.composite
def _plans(draw: st.DrawFn) -> tuple[House, list[Past], list[Pin]]:
    """A house with five weeks of history before day 0, the first of them older than the window,
    and pins, some naming people who cannot take the chore that day."""
    house = draw(houses())
    ids = [r.id for r in house.residents] + [999]  # 999: someone who has left the house
    records = draw(
        st.lists(
            st.tuples(st.sampled_from(house.chores), st.integers(-35, -1), st.sampled_from(ids)),
            max_size=40,
            unique_by=lambda record: (record[0].id, record[1]),
        )
    )
    history = [Past(chore.id, _day(offset), pid, chore.points) for chore, offset, pid in records]
    occurrences = house.occurrences()
    chosen = draw(st.lists(st.sampled_from(occurrences), max_size=20, unique=True))
    pins = [Pin(o.chore_id, o.day, draw(st.sampled_from(ids))) for o in chosen]
    return house, history, pins


@settings(max_examples=80, deadline=None, database=None)
@given(plan=_plans(), shuffle=st.randoms(use_true_random=False))
def test_history_and_pins(plan: tuple[House, list[Past], list[Pin]], shuffle: random.Random):
    house, history, pins = plan
    result = assign(house.occurrences(), house.people(), history, pins)

    pinned = {(pin.chore_id, pin.day): pin.person_id for pin in pins}
    for a in result:
        able = house.may_take(a.chore_id, _offset(a.day))
        pinned_to = pinned.get((a.chore_id, a.day))
        if pinned_to in able:
            assert (a.person_id, a.rule) == (pinned_to, Rule.PINNED)
        else:
            assert a.rule is not Rule.PINNED
            assert a.person_id in able if a.person_id is not None else not able

    _not_twice_around_fixed_turns(house, history, result)

    occurrences, people = house.occurrences(), house.people()
    for items in (occurrences, people, history, pins):
        shuffle.shuffle(items)
    assert assign(occurrences, people, history, pins) == result


def _not_twice_around_fixed_turns(
    house: House, history: list[Past], result: list[Assignment]
) -> None:
    """A chore the rotation gives out goes to neither the holder of the turn before (in the
    history or this run) nor the holder of a pinned turn just after, unless nobody else may
    take it."""
    turns: dict[int, list[tuple[dt.date, int, Rule | None]]] = defaultdict(list)
    for record in history:
        turns[record.chore_id].append((record.day, record.person_id, None))
    for a in result:
        if a.person_id is not None:
            turns[a.chore_id].append((a.day, a.person_id, a.rule))
    for chore_id, chore_turns in turns.items():
        chore_turns.sort(key=lambda turn: turn[0])
        for at, (day, person_id, rule) in enumerate(chore_turns):
            if rule is None or rule is Rule.PINNED:
                continue
            neighbours = set()
            if at > 0:
                neighbours.add(chore_turns[at - 1][1])
            if at + 1 < len(chore_turns) and chore_turns[at + 1][2] is Rule.PINNED:
                neighbours.add(chore_turns[at + 1][1])
            if rule is Rule.ONLY_ONE:
                assert person_id in neighbours, (chore_id, day)
                assert house.may_take(chore_id, _offset(day)) <= neighbours, (chore_id, day)
            else:
                assert person_id not in neighbours, (chore_id, day)
