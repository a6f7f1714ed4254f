"""Reads for a resident's chore pages and for the people who check chores.

Each function here runs a fixed number of queries, whatever the size of the house.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from chores.models import Assignment, Chore, Swap
from chores.services import OPEN, UNDO_MINUTES
from residents.models import Resident, Stay
from soberhouse.clock import wall_clock

# A missed chore stays on the list this long: it can still be done late.
MISSED_SHOWN_DAYS = 7
# Done chores waiting for a check, and answered swap requests, stay in view this long.
RECENT_DAYS = 14
ANSWERED_SWAPS_SHOWN_DAYS = 3


@dataclass
class MyChores:
    """One resident's chores, sorted into the sections of their page."""

    to_do: list[Assignment] = field(default_factory=list)  # today's, overdue, redo, missed
    waiting: list[Assignment] = field(default_factory=list)  # done, waiting for a check
    done: list[Assignment] = field(default_factory=list)  # done today, nothing more to come
    asked_of_me: list[Swap] = field(default_factory=list)
    asked_by_me: list[Swap] = field(default_factory=list)


def local_midnight(day: dt.date, time_zone: str) -> dt.datetime:
    return wall_clock(day, dt.time(0), time_zone)


def undo_after(now: dt.datetime | None = None) -> dt.datetime:
    """A tick made after this moment can still be undone."""
    return (now or timezone.now()) - dt.timedelta(minutes=UNDO_MINUTES)


def section_of(assignment: Assignment) -> str:
    """Which list of the page an assignment belongs in: to_do, waiting or done."""
    if assignment.status in (*OPEN, Assignment.Status.MISSED):
        return "to_do"
    if (
        assignment.status == Assignment.Status.DONE
        and assignment.chore.checker != Chore.Checker.NOBODY
    ):
        return "waiting"
    return "done"


def my_assignments(stay: Stay) -> QuerySet[Assignment]:
    """The resident's own assignments in the house they live in: where every view that changes
    one looks it up, so anybody else's answers 404."""
    return Assignment.objects.filter(resident_id=stay.resident_id, house_id=stay.house_id)


def my_chores(stay: Stay, *, now: dt.datetime | None = None) -> MyChores:
    """Two queries: the resident's assignments that belong on the page, and the swap requests
    they asked or were asked."""
    now = now or timezone.now()
    house = stay.house
    today = house.today(now)
    midnight = local_midnight(today, house.time_zone)
    assignments = (
        my_assignments(stay)
        .filter(
            Q(status__in=OPEN, day__lte=today)
            | Q(status=Assignment.Status.MISSED, day__gte=today - dt.timedelta(MISSED_SHOWN_DAYS))
            | Q(status=Assignment.Status.DONE, day__gte=today - dt.timedelta(RECENT_DAYS))
            | Q(status=Assignment.Status.CHECKED, done_at__gte=midnight)
        )
        .select_related("chore")
        .order_by("due_at", "chore__name")
    )
    mine = MyChores()
    for assignment in assignments:
        section = section_of(assignment)
        if section == "done" and assignment.done_at < midnight:
            continue  # done on an earlier day and needing no check: nothing left to show
        getattr(mine, section).append(assignment)
    mine.done.sort(key=lambda assignment: assignment.done_at, reverse=True)
    mine.waiting.sort(key=lambda assignment: assignment.done_at, reverse=True)

    swaps = (
        Swap.objects.filter(
            Q(asked_of_id=stay.resident_id, status=Swap.Status.ASKED)
            | Q(asked_by_id=stay.resident_id, status=Swap.Status.ASKED)
            | Q(
                asked_by_id=stay.resident_id,
                decided_at__gte=now - dt.timedelta(ANSWERED_SWAPS_SHOWN_DAYS),
            ),
            assignment__house_id=house.pk,
        )
        .select_related("assignment__chore", "asked_by", "asked_of")
        .order_by("-created_at")
    )
    to_do = {assignment.pk: assignment for assignment in mine.to_do}
    for swap in swaps:
        if swap.asked_of_id == stay.resident_id:
            mine.asked_of_me.append(swap)
            continue
        mine.asked_by_me.append(swap)
        if swap.status == Swap.Status.ASKED and swap.assignment_id in to_do:
            to_do[swap.assignment_id].open_swap = swap
    return mine


def open_chores_today(stay: Stay, *, now: dt.datetime | None = None) -> list[Assignment]:
    """One query: the resident's chores still to do today, overdue, needing a redo or missed
    lately (the panel on /today/)."""
    today = stay.house.today(now)
    return list(
        my_assignments(stay)
        .filter(
            Q(status__in=OPEN, day__lte=today)
            | Q(status=Assignment.Status.MISSED, day__gte=today - dt.timedelta(MISSED_SHOWN_DAYS))
        )
        .select_related("chore")
        .order_by("due_at", "chore__name")
    )


def housemates(stay: Stay) -> QuerySet[Resident]:
    """The people who could take a chore: everyone living in the house now, except the asker."""
    living_here = Stay.objects.current().filter(house_id=stay.house_id).values("resident_id")
    return (
        Resident.objects.filter(pk__in=living_here)
        .exclude(pk=stay.resident_id)
        .order_by("preferred_name", "legal_name")
    )


def swaps_asked_of(resident: Resident) -> QuerySet[Swap]:
    return Swap.objects.filter(asked_of=resident).select_related(
        "assignment__chore", "assignment__house", "asked_by"
    )


def swaps_asked_by(resident: Resident) -> QuerySet[Swap]:
    return Swap.objects.filter(asked_by=resident).select_related("assignment__chore")


def waiting_for_check_by(user, *, managed_house_ids: list[int], stay: Stay | None):
    """Done chores the user may check, by the rule of ``services.can_check`` but as one query:
    every chore with a checker in houses they manage; in the house they live in, chores any
    other resident checks and, for its chore coordinator, the coordinator's ones. Never their
    own."""
    allowed = Q(house_id__in=managed_house_ids)
    if stay is not None:
        allowed |= Q(house_id=stay.house_id, chore__checker=Chore.Checker.ANY_RESIDENT)
        allowed |= Q(
            house_id=stay.house_id,
            chore__checker=Chore.Checker.COORDINATOR,
            house__chore_settings__coordinator_id=stay.resident_id,
        )
    return (
        Assignment.objects.filter(allowed, status=Assignment.Status.DONE)
        .exclude(chore__checker=Chore.Checker.NOBODY)
        .exclude(resident__user=user)
        .select_related("chore", "house", "resident")
        .order_by("done_at", "pk")
    )
