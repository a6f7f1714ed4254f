"""The chore notifications: what they say, who gets them, and when they are withdrawn.

Each function here writes to (or cancels in) the outbox and is called inside the transaction of
its cause, so a notification exists exactly when its cause was committed. The outbox's unique key
(recipient, kind, object, occurrence) makes every one of them safe to call twice.

Kinds (named in ``soberhouse.notification_kinds``):

- ``chores.today``: one morning digest per resident and house day, at the house's
  ``digest_hour``; withdrawn when every chore of that day is done before it goes out.
- ``chores.missed``: a chore marked missed (past its time due and the grace period, so it is
  also the "overdue" reminder); withdrawn when it is done before it goes out.
- ``chores.check_waiting``: a ticked chore, to the people who check it; withdrawn when it is
  checked or the tick is undone.
- ``chores.swap_asked``: a swap request, to the resident asked; withdrawn when answered.

The last three ask someone to act; when the act is done (or no longer needed) the in-app copy
already sent leaves the person's new ones too (``outbox.settle``).

Subjects and texts hold counts, chore names, days and times only: never a note, a check note or
a swap request's message.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from chores.models import Assignment, Chore, HouseChoreSettings, Swap
from residents.models import House, Membership, Resident, Stay
from soberhouse import moments, outbox
from soberhouse.clock import wall_clock
from soberhouse.models import User

TODAY = "chores.today"
MISSED = "chores.missed"
CHECK_WAITING = "chores.check_waiting"
SWAP_ASKED = "chores.swap_asked"

URL = "/chores/"
# Where a chore waits for its check. Managers are often not residents, and /chores/ is a
# resident's own page (404 for anyone else).
CHECKS_URL = "/chores/checks/"
# The statuses of a chore still to do (services.OPEN; not imported, services imports this module).
_OPEN = [Assignment.Status.TO_DO, Assignment.Status.REDO]


def _clock(moment: dt.datetime, time_zone: str) -> str:
    """'8 p.m.', '7:30 a.m.', 'noon' in the house's zone."""
    return moments.shown(moment, "time_brief", time_zone)


def _day(day: dt.date) -> str:
    """'Friday 4 December'."""
    return moments.shown(day, "day")


# The morning digest


def digest_moment(day: dt.date, hour: int, time_zone: str) -> dt.datetime:
    """The house's digest hour on ``day`` as an aware UTC moment. Built from the wall-clock time
    in the house's zone and normalised through UTC, so on a DST day it is still that hour local
    (a 02:00 digest on the spring-forward night, a time that does not exist, lands at 03:00)."""
    return wall_clock(day, dt.time(hour), time_zone).astimezone(dt.UTC)


def digests_create(*, now: dt.datetime | None = None) -> int:
    """For each house whose own clock has reached its digest hour today, notify each resident
    living there of their chores still open today. Returns how many outbox rows were written
    (rows there already are counted but left as they were: the outbox key makes a second run,
    or two at once, create nothing twice). Two queries per house that is due, plus the outbox's."""
    now = now or timezone.now()
    written = 0
    for settings in HouseChoreSettings.objects.select_related("house"):
        house = settings.house
        day = house.today(now)
        moment = digest_moment(day, settings.digest_hour, house.time_zone)
        if now < moment:
            continue
        written += _digests_of_house(house, day, moment, now)
    return written


def _digests_of_house(house: House, day: dt.date, moment: dt.datetime, now: dt.datetime) -> int:
    living_here = Stay.objects.current(now).filter(house=house).values("resident_id")
    open_today = (
        Assignment.objects.filter(
            house=house, day=day, status__in=_OPEN, resident_id__in=living_here
        )
        .select_related("chore", "resident__user")
        .order_by("resident_id", "due_at", "chore__name")
    )
    by_resident: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in open_today:
        by_resident[assignment.resident_id].append(assignment)
    written = 0
    for chores in by_resident.values():
        resident = chores[0].resident
        count = len(chores)
        written += outbox.notify(
            recipient=resident.user,
            kind=TODAY,
            about=resident,
            occurrence=day.isoformat(),
            due_at=moment,
            subject=f"You have {count} chore{'' if count == 1 else 's'} today",
            text="\n".join(
                f"{a.chore.name} by {_clock(a.due_at, house.time_zone)}" for a in chores
            ),
            url=URL,
            house_id=house.pk,
            time_zone=house.time_zone,
        )
    return written


def digest_settle(*, resident: Resident, house_id: int, day: dt.date) -> int:
    """Withdraw the resident's digest of ``day`` when nothing is left open that day (every chore
    done, or given away in a swap) before it went out."""
    if Assignment.objects.filter(
        resident=resident, house_id=house_id, day=day, status__in=_OPEN
    ).exists():
        return 0
    return outbox.cancel(about=resident, kind=TODAY, occurrence=day.isoformat())


# Missed


def missed_notify(*, assignment: Assignment, house: House, now: dt.datetime) -> int:
    """Tell the resident their chore was marked missed (``assignment.chore`` and
    ``assignment.resident.user`` loaded)."""
    if assignment.resident is None:
        return 0
    name = assignment.chore.name
    return outbox.notify(
        recipient=assignment.resident.user,
        kind=MISSED,
        about=assignment,
        occurrence="missed",
        due_at=now,
        subject=f"{name}: missed",
        text=f"{name}: missed — it can still be done today",
        url=URL,
        house_id=house.pk,
        time_zone=house.time_zone,
    )


def missed_cancel(*, assignment: Assignment) -> int:
    """Done after all: the "it can still be done today" notice asks nothing any more."""
    return outbox.settle(about=assignment, kind=MISSED)


# Waiting for a check


def _checkers(assignment: Assignment, coordinator: Resident | None) -> list[User]:
    """Who is told a chore waits for their check. The chore's own checker decides:

    - the house manager: every manager of the house (a Membership);
    - the coordinator: the coordinator; the managers when the house has none;
    - any other resident: nobody. Telling every resident of the house about every tick would be
      noise that trains people to ignore us; those chores wait in each resident's "to check"
      list on /chores/ instead.

    Never the person who did the chore."""
    checker = assignment.chore.checker
    if checker in (Chore.Checker.NOBODY, Chore.Checker.ANY_RESIDENT):
        return []
    doer = assignment.resident.user_id if assignment.resident else None
    if checker == Chore.Checker.COORDINATOR and coordinator is not None:
        people = [coordinator.user] if coordinator.pk != assignment.resident_id else []
    else:
        people = [
            membership.user
            for membership in Membership.objects.filter(
                house_id=assignment.house_id, role=Membership.Role.MANAGER
            ).select_related("user")
        ]
    return [person for person in people if person.pk != doer]


def _tick(assignment: Assignment) -> str:
    """One tick of the chore. The redo count alone would repeat after an undo and a second tick,
    and the outbox key would then keep the first (cancelled) row and drop the new one."""
    return f"{assignment.redo_count}@{assignment.done_at:%Y%m%dT%H%M%S.%f}"


def check_waiting_notify(
    *, assignment: Assignment, coordinator: Resident | None, time_zone: str
) -> int:
    """Tell the people who check the chore that it was ticked done (``assignment`` as saved,
    ``chore`` loaded)."""
    if assignment.done_at is None:
        return 0
    name = assignment.chore.name
    written = 0
    for person in _checkers(assignment, coordinator):
        written += outbox.notify(
            recipient=person,
            kind=CHECK_WAITING,
            about=assignment,
            occurrence=_tick(assignment),
            due_at=assignment.done_at,
            subject="A chore is waiting for your check",
            text=f"{name} was done on {_day(assignment.day)} and is waiting for your check.",
            url=CHECKS_URL,
            house_id=assignment.house_id,
            time_zone=time_zone,
        )
    return written


def check_waiting_cancel(*, assignment: Assignment) -> int:
    """Checked (by whoever came first) or undone: nothing waits for anyone's check."""
    return outbox.settle(about=assignment, kind=CHECK_WAITING)


# Swaps


def swap_asked_notify(*, swap: Swap, house: House) -> int:
    """Tell the resident asked. The request's message stays on the page, out of the outbox."""
    assignment = swap.assignment
    return outbox.notify(
        recipient=swap.asked_of.user,
        kind=SWAP_ASKED,
        about=swap,
        due_at=swap.created_at,
        subject=(
            f"{swap.asked_by.name} asked you to take {assignment.chore.name} "
            f"on {_day(assignment.day)}"
        ),
        text=(
            f"{swap.asked_by.name} asked you to take {assignment.chore.name} on "
            f"{_day(assignment.day)}, due by {_clock(assignment.due_at, house.time_zone)}. "
            "Answer on your chores page."
        ),
        url=URL,
        house_id=house.pk,
        time_zone=house.time_zone,
    )


def swap_asked_cancel(*, swap: Swap) -> int:
    """Answered, withdrawn, or the chore done: the request waits for no answer."""
    return outbox.settle(about=swap, kind=SWAP_ASKED)
