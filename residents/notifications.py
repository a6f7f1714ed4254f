"""Milestone notifications, and withdrawing what is pending for a resident who leaves.

Kinds (named in ``soberhouse.notification_kinds``):

- ``residents.milestone_tomorrow``: to the resident, at 18:00 in the house's zone the day before
  one of their milestones.
- ``residents.milestone_house``: to each housemate living in the house, at 09:00 in the house's
  zone on the milestone day, only when the resident shares their milestones.

The occurrence is the milestone's date, so the outbox's unique key makes a second run (or two at
once) create nothing twice. Subjects stay neutral: no milestone, no date, no days sober. The
housemates' text names the resident and the milestone, because the resident chose to share it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from residents.milestones import milestone_on
from residents.models import Resident, Stay
from soberhouse import outbox
from soberhouse.clock import wall_clock
from soberhouse.models import User

TOMORROW = "residents.milestone_tomorrow"
HOUSE = "residents.milestone_house"

TOMORROW_AT = dt.time(18)
HOUSE_AT = dt.time(9)
URL = "/today/"


def _local_moment(day: dt.date, at: dt.time, time_zone: str) -> dt.datetime:
    """``at`` on ``day`` as a wall-clock time in ``time_zone``, as an aware UTC moment (09:00 and
    18:00 exist on every day, DST days included)."""
    return wall_clock(day, at, time_zone).astimezone(dt.UTC)


def milestones_notify(*, now: dt.datetime | None = None) -> int:
    """Create the milestone notifications that are due by ``now`` on each house's own day.
    Returns how many outbox rows were asked for (rows already there are left as they were).
    One query for the stays, plus the outbox's own."""
    now = now or timezone.now()
    stays = list(
        # A stay with a move-out date is ending (a discharge): its resident hears no more
        # milestones and is not announced, as the discharge withdrew what was pending.
        Stay.objects.current(now)
        .filter(move_out__isnull=True)
        .select_related("house", "resident__user")
        .order_by("pk")
    )
    by_house: dict[int, list[Stay]] = defaultdict(list)
    for stay in stays:
        by_house[stay.house_id].append(stay)
    written = 0
    with transaction.atomic():
        for stay in stays:
            if stay.resident.sobriety_date is None:
                continue
            written += _tomorrow(stay, now)
            written += _house(stay, by_house[stay.house_id], now)
    return written


def _tomorrow(stay: Stay, now: dt.datetime) -> int:
    house, resident = stay.house, stay.resident
    today = house.today(now)
    moment = _local_moment(today, TOMORROW_AT, house.time_zone)
    milestone = milestone_on(resident.sobriety_date, today + dt.timedelta(days=1))
    if milestone is None or now < moment:
        return 0
    return outbox.notify(
        recipient=resident.user,
        kind=TOMORROW,
        about=resident,
        occurrence=milestone.date.isoformat(),
        due_at=moment,
        subject="Something to celebrate tomorrow",
        text=f"Tomorrow is a milestone for you: {milestone.label}. Well done.",
        url=URL,
        house_id=house.pk,
        time_zone=house.time_zone,
    )


def _house(stay: Stay, housemates: list[Stay], now: dt.datetime) -> int:
    house, resident = stay.house, stay.resident
    if not resident.share_milestones:
        return 0
    today = house.today(now)
    moment = _local_moment(today, HOUSE_AT, house.time_zone)
    milestone = milestone_on(resident.sobriety_date, today)
    if milestone is None or now < moment:
        return 0
    written = 0
    for other in housemates:
        if other.resident_id == resident.pk:
            continue
        written += outbox.notify(
            recipient=other.resident.user,
            kind=HOUSE,
            about=resident,
            occurrence=milestone.date.isoformat(),
            due_at=moment,
            subject="A housemate has a milestone today",
            text=f"{resident.name} celebrates {milestone.label} today.",
            url=URL,
            house_id=house.pk,
            time_zone=house.time_zone,
        )
    return written


def resident_left(*, resident: Resident, user: User) -> int:
    """Withdraw everything still pending for a resident who leaves, and their housemates'
    milestone notifications about them. Returns how many rows."""
    return outbox.cancel_for(user) + outbox.cancel(about=resident, kind=HOUSE)
