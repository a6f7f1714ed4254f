"""The demo's outside meetings: about three weeks of a lived-in log for one house.

The demo command calls :func:`demo_outside_meetings` once per house; it adds nothing to a house
that has entries already, so calling it again is safe.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo

from django.db.models import Q

from chores.dashboard import week_start
from meetings.models import OutsideMeeting
from meetings.outside import expected_in_week
from meetings.services import meeting_settings
from residents.models import House, Membership, Stay

Fellowship = OutsideMeeting.Fellowship
Format = OutsideMeeting.Format

# Meetings near the houses, as residents would name them.
MEETINGS = [
    ("Tuesday Night Big Book", Fellowship.AA),
    ("Sunrise Serenity", Fellowship.AA),
    ("Step Study at St. Mark's", Fellowship.AA),
    ("Just for Today", Fellowship.NA),
    ("Clean and Serene", Fellowship.NA),
    ("Hope Dealers", Fellowship.CA),
    ("SMART Recovery Thursday", Fellowship.SMART),
    ("Celebrate Recovery at Grace Church", Fellowship.CELEBRATE),
    ("Refuge Recovery Sit", Fellowship.REFUGE),
    ("Women's Circle", Fellowship.OTHER),
]
NOTES = [
    "Went with my sponsor.",
    "Shared for the first time.",
    "Stayed for coffee after.",
    "Took a newcomer along.",
    "Good topic: gratitude.",
]
WEEKS = 3  # this week and the two before it


def demo_outside_meetings(house: House, today: dt.date, rng: random.Random) -> list[OutsideMeeting]:
    """Log this week (up to ``today``) and the two weeks before it for everyone living in
    ``house`` on ``today``: each person keeps to a few favourite meetings, mostly in person.
    Everyone reaches their number in the past weeks (some go beyond), and this week too except
    one person, who is short; about two thirds of past weeks' entries and a few of this week's
    are verified by the house's first manager (none when the house has no manager). Returns the
    entries made; makes none for a house that has entries already."""
    if OutsideMeeting.objects.filter(house=house).exists():
        return []
    expected = meeting_settings(house).outside_meetings_expected
    stays = list(
        Stay.objects.filter(house=house, move_in__lte=today)
        .filter(Q(move_out__isnull=True) | Q(move_out__gt=today))
        .select_related("resident")
        .order_by("resident__legal_name", "pk")
    )
    verifier = (
        Membership.objects.filter(house=house, role=Membership.Role.MANAGER)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    zone = zoneinfo.ZoneInfo(house.time_zone)
    this_monday = week_start(today)
    short_one = rng.randrange(len(stays)) if stays else None
    entries: list[OutsideMeeting] = []
    for index, stay in enumerate(stays):
        favourites = rng.sample(MEETINGS, k=3)
        usual_format = Format.ONLINE if rng.random() < 0.2 else Format.IN_PERSON
        for weeks_back in reversed(range(WEEKS)):
            monday = this_monday - dt.timedelta(weeks=weeks_back)
            last = min(monday + dt.timedelta(days=6), today)
            days = [
                monday + dt.timedelta(days=n)
                for n in range((last - monday).days + 1)
                if monday + dt.timedelta(days=n) >= stay.move_in
            ]
            if not days:
                continue
            wanted = expected_in_week(expected, stay, monday)
            if weeks_back == 0:
                wanted = max(wanted - 2, 0) if index == short_one else wanted
            else:
                wanted += rng.choice([0, 0, 1])
            for day, (name, fellowship) in _spread(wanted, days, favourites, rng):
                verified = verifier is not None and rng.random() < (0.65 if weeks_back else 0.25)
                entries.append(
                    OutsideMeeting(
                        resident=stay.resident,
                        house=house,
                        day=day,
                        name=name,
                        fellowship=fellowship,
                        format=usual_format if rng.random() < 0.85 else _other(usual_format),
                        note=rng.choice(NOTES) if rng.random() < 0.2 else "",
                        verified_by=verifier.user if verified else None,
                        verified_at=(
                            dt.datetime.combine(day, dt.time(21, 0), tzinfo=zone)
                            if verified
                            else None
                        ),
                        created_at=dt.datetime.combine(day, dt.time(20, 30), tzinfo=zone),
                    )
                )
    return OutsideMeeting.objects.bulk_create(entries)


def _spread(count: int, days: list[dt.date], favourites: list, rng: random.Random) -> list:
    """``count`` (day, meeting) pairs over ``days``: a different day for each while days last,
    then a second meeting on some days, never the same meeting twice on one day."""
    count = min(count, len(days) * len(favourites))
    shuffled = rng.sample(days, k=len(days))
    first = {day: rng.randrange(len(favourites)) for day in days}
    picks = []
    for n in range(count):
        day = shuffled[n % len(shuffled)]
        picks.append((day, favourites[(first[day] + n // len(shuffled)) % len(favourites)]))
    return sorted(picks, key=lambda pick: pick[0])


def _other(format: str) -> str:
    return Format.ONLINE if format == Format.IN_PERSON else Format.IN_PERSON
