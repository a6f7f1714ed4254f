"""The chore rotation: who does which chore on which day.

Plain, deterministic functions over small frozen dataclasses, with no database, so that the
generation task, the manager's preview and the tests all run the same code. The caller works out
which chores are due on which days (``chores.schedule``) and passes them in as occurrences.

How each occurrence is given out, one at a time, by day, then the heavier chore first, then by
chore id (a manager's pins come first on their day):

1. A pin (a manager's choice, or a row saved earlier) is kept, and counted, when the pinned
   person may take that chore that day; otherwise the chore is given out by the rules below and
   the reason says why the pin was not kept.
2. Only people who may take it are considered: living in the house that day, not away, past
   their first days (settling in), and not excluded from that chore.
3. Nobody gets a chore twice in a row when someone else may take it: whoever had the turn
   before, and whoever already has the turn after, is passed over.
4. Of the rest, the one with the fewest effort points gets it; a tie goes to whoever did this
   chore longest ago (never counts as longest), then to the lowest person id.

Points are counted from the start of the window, ``window_days`` before the first day being
assigned, up to the moment of the choice: history, pins and what this run has already given
out, that same day included. The window moves forward from one run to the next but stays put
during a run. That way everyone's count in a run is a running total from the same start, which
is what lets rule 4 keep people within one chore of each other (see "Fairness"). A window that
moved forward every day would drop different amounts for different people partway through a
run, and then it could not keep that promise.

Newcomers join partway through. Someone who becomes free to take chores after the window starts
(they move in, their first days end, or they come back from being away) starts from the average
count of those who were already taking chores, if that is more than their own count. Starting
at zero would give them every chore on their first days until they had caught up. So time away
is not made up afterwards, and a newcomer is not buried under chores on arrival.

Fairness. Take two residents who may take every chore for the whole run. When one of them gets
a chore while nobody who may take it has fewer points, they have no more points than the other,
so afterwards they lead by at most that chore's points. A chore goes to someone while another
person who may take it has fewer points only when rule 3 moves it on, because everyone with
fewer points has the turn before or after (``Rule.NOT_TWICE``). So at every moment the one
ahead leads by at most the largest chore's points, plus the points of the chores rule 3 moved
to them since they last got one with nobody below them. If rule 3 never has to move a chore,
the spread stays within the largest single chore's points. No rotation that keeps rule 3 can
promise that plain bound. Take two residents and three 5-point chores: X daily, Y on days 1
and 3, Z on day 2. To keep them level on days 1 and 2, one of them must get X on day 1 and Z on
day 2. On day 3 rule 3 then gives that one both X and Y, and they lead 20 to 10.

Calling it. The generation task and the preview pass the same things: the occurrences of the
days not filled yet, and every assignment already made (past days and future ones) as history.
To re-assign the chores of a resident who is leaving (or is newly away, or newly excluded),
call ``assign`` again with only those occurrences, with that person's stay, absences or
exclusions updated, and with every other assignment passed as history. Only those chores change
hands. Rule 3 checks the turns before and after, so a re-assigned chore does not land next to
the same person's other turn at it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

WINDOW_DAYS = 28
_ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Span:
    """Days from ``first`` to ``last``, both included; no ``last`` means no end yet."""

    first: dt.date
    last: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


@dataclass(frozen=True)
class Occurrence:
    """One chore due on one day: a slot to fill."""

    chore_id: int
    day: dt.date
    points: int


@dataclass(frozen=True)
class Person:
    """A resident as the rotation sees them: when they may take chores, and what they may not."""

    id: int
    stays: tuple[Span, ...]
    away: tuple[Span, ...] = ()
    settling: tuple[Span, ...] = ()
    excluded_chores: frozenset[int] = frozenset()

    @classmethod
    def resident(
        cls,
        id: int,
        *,
        move_in: dt.date,
        move_out: dt.date | None = None,
        away: Iterable[tuple[dt.date, dt.date]] = (),
        first_days: int = 0,
        excluded_chores: Iterable[int] = (),
    ) -> Person:
        """One stay, in the shapes the records use: ``move_out`` is the first day no longer in
        the house; each ``away`` is a (first day, last day) pair, both included; the
        ``first_days`` from moving in are for settling in, without chores."""
        last = None if move_out is None else move_out - _ONE_DAY
        settling = ()
        if first_days > 0:
            settling = (Span(move_in, move_in + dt.timedelta(days=first_days - 1)),)
        return cls(
            id=id,
            stays=(Span(move_in, last),),
            away=tuple(Span(first, last) for first, last in away),
            settling=settling,
            excluded_chores=frozenset(excluded_chores),
        )

    def not_free_because(self, day: dt.date) -> str | None:
        """Why this person takes no chores on ``day``, or None when they are free to."""
        if not any(span.covers(day) for span in self.stays):
            return "not living in the house"
        if any(span.covers(day) for span in self.away):
            return "away"
        if any(span.covers(day) for span in self.settling):
            return "settling in"
        return None

    def is_free(self, day: dt.date) -> bool:
        return self.not_free_because(day) is None

    def may_take(self, chore_id: int, day: dt.date) -> bool:
        return chore_id not in self.excluded_chores and self.is_free(day)


@dataclass(frozen=True)
class Past:
    """A chore already given to someone: done, or decided and not to be changed by this run."""

    chore_id: int
    day: dt.date
    person_id: int
    points: int


@dataclass(frozen=True)
class Pin:
    """Who does one occurrence, decided already: a manager's pin, or a row saved earlier."""

    chore_id: int
    day: dt.date
    person_id: int


class Rule(enum.StrEnum):
    """Which rule decided an assignment."""

    PINNED = "pinned"
    FEWEST_POINTS = "fewest_points"
    # The people with fewer points had the turn before or after, so it went to the next.
    NOT_TWICE = "not_twice"
    # Only someone who had the turn before or after may take it that day.
    ONLY_ONE = "only_one"
    NOBODY = "nobody"


@dataclass(frozen=True)
class Assignment:
    """Who does one occurrence (None when nobody may), which rule decided, and why in words."""

    chore_id: int
    day: dt.date
    points: int
    person_id: int | None
    rule: Rule
    reason: str


def processing_order(occurrence: Occurrence) -> tuple[dt.date, int, int]:
    """The order occurrences are given out in, and the order of ``assign``'s answer."""
    return (occurrence.day, -occurrence.points, occurrence.chore_id)


def assign(
    occurrences: Iterable[Occurrence],
    people: Iterable[Person],
    history: Iterable[Past] = (),
    pins: Iterable[Pin] = (),
    *,
    window_days: int = WINDOW_DAYS,
) -> list[Assignment]:
    """Decide who does each occurrence: one assignment per occurrence, in processing order.

    ``history`` holds what is already decided: at least the ``window_days`` before the first
    occurrence, and any later assignments that this run must leave alone. Older history only
    counts for "who did this chore longest ago". ``pins`` must each name an occurrence;
    ``history`` must name none. The same arguments, in any order, give the same answer.
    """
    if window_days < 0:
        raise ValueError("window_days cannot be negative")
    slots = sorted(occurrences, key=processing_order)
    if not slots:
        return []
    _check_unique((slot.chore_id, slot.day) for slot in slots)
    roster = sorted(people, key=lambda person: person.id)
    _check_unique(person.id for person in roster)
    pinned = _pins_by_slot(pins, {(slot.chore_id, slot.day) for slot in slots})
    past = sorted(history, key=lambda record: (record.day, record.chore_id, record.person_id))
    overlap = {(r.chore_id, r.day) for r in past} & {(s.chore_id, s.day) for s in slots}
    if overlap:
        chore_id, day = min(overlap, key=lambda key: (key[1], key[0]))
        raise ValueError(f"history already holds chore {chore_id} on {day}; leave it out")

    run = _Run(roster, past, slots, pinned, since=slots[0].day - dt.timedelta(days=window_days))
    return run.go()


class _Run:
    """The state of one call of ``assign``: everyone's points and who had each chore last."""

    def __init__(
        self,
        roster: list[Person],
        past: list[Past],
        slots: list[Occurrence],
        pinned: dict[tuple[int, dt.date], Pin],
        *,
        since: dt.date,
    ) -> None:
        self.roster = roster
        self.past = past
        self.slots = slots
        self.since = since
        self.by_id = {person.id: person for person in roster}
        self.points: dict[int, Fraction] = {person.id: Fraction(0) for person in roster}
        self.last_holder: dict[int, int] = {}
        self.last_did: dict[tuple[int, int], dt.date] = {}
        self.free_today: set[int] = set()
        # A pin counts only when it can be kept; a pin that cannot is just a slot to fill.
        self.pins = {
            key: pin
            for key, pin in pinned.items()
            if pin.person_id in self.by_id and self.by_id[pin.person_id].may_take(*key)
        }
        self.dropped_pins = {key: pin for key, pin in pinned.items() if key not in self.pins}
        # Every turn of every chore in day order: who has it when already decided, else None.
        self.turns: dict[int, list[tuple[dt.date, int | None]]] = defaultdict(list)
        for record in past:
            self.turns[record.chore_id].append((record.day, record.person_id))
        for slot in slots:
            pin = self.pins.get((slot.chore_id, slot.day))
            self.turns[slot.chore_id].append((slot.day, pin.person_id if pin else None))
        for turns in self.turns.values():
            turns.sort(key=lambda turn: turn[0])

    def go(self) -> list[Assignment]:
        past_by_day: dict[dt.date, list[Past]] = defaultdict(list)
        for record in self.past:
            if record.day < self.since:
                self._record(record.chore_id, record.day, record.person_id, 0)
            else:
                past_by_day[record.day].append(record)
        slots_by_day: dict[dt.date, list[Occurrence]] = defaultdict(list)
        for slot in self.slots:
            slots_by_day[slot.day].append(slot)

        decided: dict[tuple[int, dt.date], Assignment] = {}
        free_before = {person.id for person in self.roster if person.is_free(self.since)}
        day = self.since
        while day <= self.slots[-1].day:
            free_today = {person.id for person in self.roster if person.is_free(day)}
            self.free_today = free_today
            if day > self.since:
                self._welcome(joining=free_today - free_before, settled=free_today & free_before)
            free_before = free_today
            for record in past_by_day.get(day, ()):
                self._record(record.chore_id, record.day, record.person_id, record.points)
            todays = slots_by_day.get(day, [])
            for slot in todays:
                pin = self.pins.get((slot.chore_id, slot.day))
                if pin is not None:
                    self._record(slot.chore_id, slot.day, pin.person_id, slot.points)
                    decided[(slot.chore_id, slot.day)] = Assignment(
                        slot.chore_id,
                        slot.day,
                        slot.points,
                        pin.person_id,
                        Rule.PINNED,
                        "Kept as already decided.",
                    )
            for slot in todays:
                if (slot.chore_id, slot.day) not in decided:
                    decided[(slot.chore_id, slot.day)] = self._give_out(slot)
            day += _ONE_DAY
        return [decided[(slot.chore_id, slot.day)] for slot in self.slots]

    def _welcome(self, *, joining: set[int], settled: set[int]) -> None:
        """Lift people who have just become free to take chores to the settled people's average."""
        if not joining or not settled:
            return
        average = sum((self.points[pid] for pid in settled), Fraction(0)) / len(settled)
        for pid in joining:
            self.points[pid] = max(self.points[pid], average)

    def _record(self, chore_id: int, day: dt.date, person_id: int, points: int) -> None:
        if person_id in self.points:
            self.points[person_id] += points
        self.last_holder[chore_id] = person_id
        self.last_did[(chore_id, person_id)] = day

    def _next_holder(self, chore_id: int, day: dt.date) -> int | None:
        """Who has the next turn at this chore after ``day``, when that is already decided."""
        turns = self.turns[chore_id]
        at = bisect.bisect_right(turns, day, key=lambda turn: turn[0])
        return turns[at][1] if at < len(turns) else None

    def _give_out(self, slot: Occurrence) -> Assignment:
        chore_id, day = slot.chore_id, slot.day
        note = ""
        dropped = self.dropped_pins.get((chore_id, day))
        if dropped is not None:
            why_not = self._why_not(dropped.person_id, chore_id, day)
            note = f"The pin to resident {dropped.person_id} could not be kept ({why_not}). "
        able = [
            person
            for person in self.roster
            if person.id in self.free_today and chore_id not in person.excluded_chores
        ]
        if not able:
            return Assignment(
                chore_id, day, slot.points, None, Rule.NOBODY, note + self._nobody(chore_id, day)
            )

        neighbours = {self.last_holder.get(chore_id), self._next_holder(chore_id, day)}
        pool = [person for person in able if person.id not in neighbours] or able

        def rank(person: Person) -> tuple[Fraction, dt.date, int]:
            return (
                self.points[person.id],
                self.last_did.get((chore_id, person.id), dt.date.min),
                person.id,
            )

        chosen = min(pool, key=rank)
        fewest = min(self.points[person.id] for person in able)
        count = self.points[chosen.id]
        if count > fewest:
            rule = Rule.NOT_TWICE
            why = (
                "Whoever had fewer points has the turn before or after; "
                f"next fewest points ({_show(count)})."
            )
        elif chosen.id in neighbours:
            rule = Rule.ONLY_ONE
            why = "Has the turn before or after too, but nobody else may take it that day."
        else:
            rule = Rule.FEWEST_POINTS
            why = self._fewest(chosen, [p for p in pool if self.points[p.id] == count], chore_id)
        self._record(chore_id, day, chosen.id, slot.points)
        return Assignment(chore_id, day, slot.points, chosen.id, rule, note + why)

    def _fewest(self, chosen: Person, tied: list[Person], chore_id: int) -> str:
        text = f"Fewest effort points ({_show(self.points[chosen.id])})"
        if len(tied) == 1:
            return text + "."
        last = self.last_did.get((chore_id, chosen.id))
        others = [self.last_did.get((chore_id, p.id), dt.date.min) for p in tied if p != chosen]
        if last is None and all(other != dt.date.min for other in others):
            return text + ", tied; never did this chore."
        if last is not None and all(other > last for other in others):
            return text + ", tied; did this chore longest ago."
        return text + ", tied; next in the house's order."

    def _why_not(self, person_id: int, chore_id: int, day: dt.date) -> str:
        person = self.by_id.get(person_id)
        if person is None:
            return "not living in the house"
        return person.not_free_because(day) or "excluded from this chore"

    def _nobody(self, chore_id: int, day: dt.date) -> str:
        reasons = Counter(
            self._why_not(person.id, chore_id, day)
            for person in self.roster
            if person.not_free_because(day) != "not living in the house"
        )
        if not reasons:
            return "Nobody lives in the house that day."
        parts = [
            f"{reasons[why]} {why}"
            for why in ("away", "settling in", "excluded from this chore")
            if reasons[why]
        ]
        return "Nobody may take it that day: " + ", ".join(parts) + "."


def _pins_by_slot(
    pins: Iterable[Pin], slots: set[tuple[int, dt.date]]
) -> dict[tuple[int, dt.date], Pin]:
    by_slot: dict[tuple[int, dt.date], Pin] = {}
    for pin in pins:
        key = (pin.chore_id, pin.day)
        if key not in slots:
            raise ValueError(f"pin for chore {pin.chore_id} on {pin.day} names no occurrence")
        if key in by_slot:
            raise ValueError(f"two pins for chore {pin.chore_id} on {pin.day}")
        by_slot[key] = pin
    return by_slot


def _check_unique(keys: Iterable[object]) -> None:
    seen: set[object] = set()
    for key in keys:
        if key in seen:
            raise ValueError(f"{key!r} is given twice")
        seen.add(key)


def _show(points: Fraction) -> str:
    """A count of points for people to read: whole, or to one decimal after a newcomer's start."""
    if points.denominator == 1:
        return str(points.numerator)
    return f"{float(points):.1f}"
