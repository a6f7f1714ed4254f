"""Build, fast, the data of a large operator, so that the monthly report and the load tests can be
measured on it: houses across four US time zones, months of stays with people coming and going
(transfers and returns included), sobriety dates (some reset), chores with every outcome of their
assignments, weekly house meetings with attendance, motions and elections, outside meetings, and
peer mentoring with pairs that go quiet.

Rows are written in bulk, never through the services, yet each looks as the services would leave
it: the statuses and field combinations they make, every time on its house's own clock, and the
chore rotation's own choice of who does what. The same ``--seed`` and ``--now`` give the same data.
Everything it makes is a ``bench-NN`` house or a ``…@bench.test`` person, and ``--replace``
deletes exactly that (and what hangs off it) before building again.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import operator
import random
import time
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Model, ProtectedError, QuerySet
from django.utils import timezone

from chores import rotation, schedule
from chores.dashboard import week_start
from chores.models import Assignment, Chore, HouseChoreSettings, Swap
from meetings.models import (
    THERE,
    Attendance,
    HouseMeetingSettings,
    Meeting,
    Motion,
    Officer,
    OutsideMeeting,
    Vote,
)
from meetings.outside import expected_in_week
from meetings.votes import Tally
from peerlog.models import Entry, MentoringSettings, Pairing, Reply
from residents.milestones import months_later
from residents.models import (
    House,
    Membership,
    Resident,
    RulesSignature,
    SobrietyDateChange,
    Stay,
)
from soberhouse.clock import wall_clock
from soberhouse.models import User

PASSWORD = "sober-bench-2026"  # noqa: S105 - the published password of the bench accounts
SLUG_PATTERN = r"^bench-[0-9]+$"
DOMAIN = "@bench.test"
STAFF_EMAIL = f"staff{DOMAIN}"
BATCH = 5000
DAY = dt.timedelta(days=1)

ZONES = ["America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York"]
TOWNS = {
    # A house in any other zone (--time-zone) is in "Bench Town".
    "America/Los_Angeles": "Long Beach, CA 90802",
    "America/Denver": "Denver, CO 80203",
    "America/Chicago": "Chicago, IL 60614",
    "America/New_York": "Brooklyn, NY 11215",
}

# How stays end, how often (weight), and how long they last (shortest, longest, in days): short
# stays end in a return to use or being asked to leave, long ones in completing the programme.
# Transfers are made when a stay ends on the day another house admits someone.
EXITS = [
    (Stay.ExitReason.RETURNED_TO_USE, 14, 7, 120),
    (Stay.ExitReason.ASKED_TO_LEAVE, 9, 14, 150),
    (Stay.ExitReason.MOVED_ON, 25, 30, 300),
    (Stay.ExitReason.COMPLETED, 38, 120, 420),
    (Stay.ExitReason.OTHER, 4, 20, 200),
]
MEAN_STAY = sum(w * (lo + hi) / 2 for _, w, lo, hi in EXITS) / sum(w for _, w, _, _ in EXITS)
TRANSFERABLE = {Stay.ExitReason.MOVED_ON, Stay.ExitReason.COMPLETED, Stay.ExitReason.OTHER}
EXIT_NOTES = {
    Stay.ExitReason.RETURNED_TO_USE: "Left after using again; the door stays open.",
    Stay.ExitReason.ASKED_TO_LEAVE: "Asked to leave after repeated breaks of the house rules.",
    Stay.ExitReason.MOVED_ON: "Moved into an apartment with a friend from the program.",
    Stay.ExitReason.COMPLETED: "Completed the program; moving on with a job and a sponsor.",
    Stay.ExitReason.OTHER: "Moved back home to care for family.",
}
TRANSFER_SHARE = 0.06  # of admissions: someone leaving another house that same day
RETURN_SHARE = 0.07  # of admissions: someone who lived in one of the houses before
RETURN_AFTER = dt.timedelta(days=30)  # the shortest time away before coming back
ADMIT_CHANCE = 0.12  # a day's chance of an admission, for each bed short of the month's occupancy

FIRST_NAMES = [
    "Alex", "Jordan", "Sam", "Taylor", "Riley", "Casey", "Morgan", "Jamie", "Avery", "Quinn",
    "Rowan", "Drew", "Parker", "Reese", "Skyler", "Emerson", "Maria", "Jose", "Luis", "Ana",
    "Marcus", "Tyrone", "Keisha", "Aaliyah", "Connor", "Megan", "Tyler", "Brittany", "Kevin",
    "Ashley", "Daniel", "Nicole", "Brandon", "Crystal", "Jason", "Amber", "Derek", "Tasha",
    "Miguel", "Rosa", "Wei", "Mei", "Tuan", "Linh", "Omar", "Fatima", "Ivan", "Olga",
]  # fmt: skip
LAST_NAMES = [
    "Rivera", "Chen", "Okafor", "Novak", "Haddad", "Brooks", "Silva", "Kowalski", "Johnson",
    "Williams", "Garcia", "Martinez", "Nguyen", "Patel", "Kim", "Jackson", "Lopez", "Walker",
    "Young", "King", "Wright", "Hill", "Green", "Adams", "Baker", "Nelson", "Carter", "Mitchell",
    "Roberts", "Turner", "Phillips", "Campbell", "Evans", "Edwards", "Collins", "Stewart",
    "Morales", "Murphy", "Cook", "Rogers", "Reed", "Bailey", "Bell", "Cooper", "Richardson",
]  # fmt: skip
PRONOUNS = ["he/him", "he/him", "she/her", "she/her", "they/them", ""]

# The catalogue of every house: (name, area, points, schedule, weekdays, due, checker).
CHORES = [
    ("Kitchen counters and stove", "Kitchen", 3, "daily", [], "20:00", "coordinator"),
    ("Dishes and sink", "Kitchen", 2, "daily", [], "21:00", "nobody"),
    ("Dining table and chairs", "Kitchen", 1, "daily", [], "20:30", "nobody"),
    ("Sweep the kitchen floor", "Kitchen", 1, "daily", [], "21:30", "any_resident"),
    ("Living room tidy", "Living room", 1, "daily", [], "22:00", "nobody"),
    ("Kitchen trash out", "Kitchen", 1, "daily", [], "19:00", "nobody"),
    ("Bathroom wipe-down", "Upstairs", 2, "daily", [], "10:00", "manager"),
    ("Trash and recycling to the curb", "Outside", 1, "weekdays", [0, 3], "19:00", "nobody"),
    ("Bathrooms deep clean", "Upstairs", 4, "weekdays", [1, 4], "18:00", "manager"),
    ("Vacuum the living room", "Living room", 2, "weekdays", [2, 5], "17:00", "any_resident"),
    ("Fridge clean-out", "Kitchen", 3, "weekly", [6], "12:00", "coordinator"),
    ("Mop the floors", "Downstairs", 3, "weekly", [5], "15:00", "any_resident"),
    ("Laundry room", "Basement", 2, "weekly", [3], "18:00", "nobody"),
    ("Yard and porch", "Outside", 3, "every_n_weeks", [5], "16:00", "nobody"),
    ("Windows and sills", "Whole house", 5, "monthly", [], "15:00", "manager"),
]
CHECKLISTS = {
    "Kitchen counters and stove": "Clear and wipe the counters\nWipe the stove top",
    "Bathrooms deep clean": "Scrub sinks and toilets\nWipe the mirrors\nMop the floor",
}
CHORE_NOTES = ["Restocked the soap too.", "Out of bin bags; added to the list.", "All good."]
REDO_NOTES = ["The corners still need a wipe, please.", "The floor behind the door was missed."]
GENERATED_AT = dt.time(0, 10)  # the hourly task fills each day's chores a week ahead
MISSED_EVERY = 300  # seconds between runs of the task that marks chores missed

MEETING_TIMES = [dt.time(18, 30), dt.time(19, 0), dt.time(19, 0), dt.time(19, 30), dt.time(20, 0)]
CANCEL_REASONS = [
    "Thanksgiving: most of the house is with family.",
    "Power cut on the street; we meet next week.",
    "The house went to the regional convention together.",
    "Holiday weekend; see you next week.",
    "Snow storm: the roads are closed.",
]
MINUTES = """Opened at {time} with the serenity prayer. {chair} chaired.

Check-in round: everyone shared one good thing from the week.

Chores and house business: see the motions below.

Closed with the responsibility statement."""
MOTION_TEXTS = [
    "Quiet hours start at 22:00 on weeknights.",
    "Overnight guests are allowed on Saturdays.",
    "Buy a second coffee maker from the house fund.",
    "Move the house meeting half an hour later.",
    "Start a Sunday morning breakfast together.",
    "Phones stay out of the living room during movie night.",
    "Put a chore chart on the fridge as well as in the app.",
    "Curfew on Fridays moves to midnight.",
    "Go to the beach together on the last Saturday of the month.",
    "Residents with 90 days may have a car at the house.",
]
OFFICES = [Motion.Office.CHAIR, Motion.Office.SECRETARY, Motion.Office.CHORE_COORDINATOR]

OUTSIDE_MEETINGS = [
    ("Tuesday Night Big Book", OutsideMeeting.Fellowship.AA),
    ("Sunrise Serenity", OutsideMeeting.Fellowship.AA),
    ("Step Study at St. Mark's", OutsideMeeting.Fellowship.AA),
    ("Keep It Simple", OutsideMeeting.Fellowship.AA),
    ("Nooners", OutsideMeeting.Fellowship.AA),
    ("Just for Today", OutsideMeeting.Fellowship.NA),
    ("Clean and Serene", OutsideMeeting.Fellowship.NA),
    ("Miracles Happen", OutsideMeeting.Fellowship.NA),
    ("Hope Dealers", OutsideMeeting.Fellowship.CA),
    ("SMART Recovery Thursday", OutsideMeeting.Fellowship.SMART),
    ("Celebrate Recovery at Grace Church", OutsideMeeting.Fellowship.CELEBRATE),
    ("Refuge Recovery Sit", OutsideMeeting.Fellowship.REFUGE),
    ("Women's Circle", OutsideMeeting.Fellowship.OTHER),
]
Format = OutsideMeeting.Format
OUTSIDE_NOTES = ["Went with my sponsor.", "Shared for the first time.", "Stayed for coffee after."]

MENTORED = 0.6  # of stays: the mentee gets a mentor after a few days
ENTRY_KINDS = [
    (Entry.Kind.CHECK_IN, 45, "Talked through the week; work is going steadily."),
    (Entry.Kind.PHONE_CALL, 20, "A short call before the evening meeting."),
    (Entry.Kind.STEP_WORK, 15, "Read through a step together and wrote some thoughts down."),
    (Entry.Kind.MEETING, 10, "Went to a meeting together."),
    (Entry.Kind.SOCIAL, 8, "Coffee after the meeting."),
    (Entry.Kind.CRISIS, 2, "A hard night; talked until it passed."),
]
ENTRY_MINUTES = [10, 15, 20, 30, 30, 45, 60, 90]


@dataclass(eq=False)
class PlannedHouse:
    number: int
    slug: str
    name: str
    time_zone: str
    beds: int
    today: dt.date
    start: dt.date
    created_at: dt.datetime
    occupancy: float  # the share of beds taken, before the month's swing
    season: list[float]  # the swing of each calendar month
    meeting_weekday: int
    meeting_time: dt.time
    quorum: str
    passing: str
    outside_expected: int
    officer_months: int
    grace_minutes: int
    newcomer_days: int
    mentor_days_sober: int
    max_mentees: int
    overdue_days: int
    reliability: float  # chores done on time
    check_rate: float  # done chores that somebody checks
    verify_rate: float  # outside meetings verified
    attendance: float  # residents at the house meeting
    cancel_rate: float
    stays: list[PlannedStay] = field(default_factory=list)
    living: dict[dt.date, list[PlannedStay]] = field(default_factory=dict)
    # The officers' terms, by office, as the house meetings elect them.
    terms: dict[str, list[Officer]] = field(default_factory=dict)
    house_id: int | None = None
    manager_id: int | None = None
    coordinator_id: int | None = None

    def occupancy_in(self, day: dt.date) -> float:
        return min(0.98, max(0.55, self.occupancy + self.season[day.month - 1]))

    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def officer(self, office: str, day: dt.date) -> Officer | None:
        for term in self.terms.get(office, []):
            if term.starts_on <= day < term.ends_on:
                return term
        return None


@dataclass(eq=False)
class PlannedStay:
    house: PlannedHouse
    bed: int
    move_in: dt.date
    move_out: dt.date | None
    exit_reason: str
    carried: int = 0  # days lived there already when the records begin
    expected_move_out: dt.date | None = None
    exit_notes: str = ""
    person: PlannedPerson | None = None

    def covers(self, day: dt.date) -> bool:
        return self.move_in <= day and (self.move_out is None or day < self.move_out)


@dataclass(eq=False)
class PlannedChange:
    house: PlannedHouse
    on: dt.date
    previous: dt.date
    new: dt.date
    reason: str


@dataclass(eq=False)
class PlannedPerson:
    number: int
    email: str
    legal_name: str
    preferred_name: str
    pronouns: str
    date_of_birth: dt.date
    sponsor_name: str
    first_sober: dt.date
    diligence: float  # outside meetings, against the house's number
    slack: float  # chores missed or late, against the house's rate
    presence: float  # house meetings, against the house's rate
    joined_at: dt.datetime
    changes: list[PlannedChange] = field(default_factory=list)
    stays: list[PlannedStay] = field(default_factory=list)
    user_id: int | None = None
    resident_id: int | None = None

    @property
    def name(self) -> str:
        return self.preferred_name or self.legal_name

    @property
    def sobriety_date(self) -> dt.date:
        return self.changes[-1].new if self.changes else self.first_sober

    def sober_since(self, day: dt.date) -> dt.date:
        """The sobriety date as it stood on ``day``."""
        current = self.first_sober
        for change in self.changes:
            if change.on <= day:
                current = change.new
        return current


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    """Every day from ``first`` to ``last``, both included."""
    for offset in range((last - first).days + 1):
        yield first + dt.timedelta(days=offset)


def _missed_run_after(moment: dt.datetime) -> dt.datetime:
    """The first run of the five-minute task that marks chores missed after ``moment``."""
    seconds = math.floor(moment.timestamp() / MISSED_EVERY + 1) * MISSED_EVERY + 17
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


# Fields whose values PostgreSQL takes as Python holds them: their preparation changes nothing,
# and skipping it is most of what makes COPY fast. Every other field is prepared by itself.
PLAIN_FIELDS = {
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SmallIntegerField",
    "TextField",
}


def _value_of(field) -> Callable[[Model], object]:
    """How to read the value ``bulk_create`` would write for ``field`` from a row: a foreign
    key given as an object saved since included."""
    attname = field.attname
    if field.is_relation:
        name = field.name

        def related(row: Model) -> object:
            value = getattr(row, attname)
            if value is None and field.is_cached(row):
                value = getattr(row, name).pk
            return value

        return related
    if field.get_internal_type() in PLAIN_FIELDS:
        return operator.attrgetter(attname)
    return lambda row: field.get_db_prep_save(getattr(row, attname), connection)


def _minutes(rng: random.Random, least: float, most: float) -> dt.timedelta:
    return dt.timedelta(minutes=rng.uniform(least, most))


def _spread(
    count: int, days: list[dt.date], favourites: list[tuple[str, str]], rng: random.Random
) -> list[tuple[dt.date, tuple[str, str]]]:
    """``count`` (day, meeting) pairs over ``days``: a different day for each while days last,
    then a second meeting on some days, never the same meeting twice on one day (the log's
    unique key)."""
    count = min(count, len(days) * len(favourites))
    shuffled = rng.sample(days, k=len(days))
    first = {day: rng.randrange(len(favourites)) for day in days}
    picks = []
    for n in range(count):
        day = shuffled[n % len(shuffled)]
        picks.append((day, favourites[(first[day] + n // len(shuffled)) % len(favourites)]))
    return sorted(picks, key=lambda pick: pick[0])


class Bench:
    """The plan (plain Python, no database) and the writing of it, house by house."""

    def __init__(
        self,
        *,
        seed: int,
        houses: int,
        beds: int,
        months: int,
        now: dt.datetime,
        time_zone: str | None = None,
    ):
        self.seed = seed
        # Every house in one zone, or the houses spread across the four US zones.
        self.zones = [time_zone] if time_zone else ZONES
        self.house_count = houses
        self.beds = beds
        self.months = months
        self.now = now
        self.counts: Counter[str] = Counter()
        self.houses: list[PlannedHouse] = []
        self.people: list[PlannedPerson] = []
        self.password = make_password(PASSWORD)  # hashed once, shared by every account

    def rng(self, *names: object) -> random.Random:
        """A generator of its own for each part, so that one part's draws never shift
        another's (string seeds are hashed the same way in every process)."""
        return random.Random(":".join(str(name) for name in (self.seed, *names)))  # noqa: S311

    # The plan

    def plan(self) -> None:
        self.houses = [self.plan_house(number) for number in range(1, self.house_count + 1)]
        for house in self.houses:
            house.stays = self.plan_beds(house)
        self.people = self.plan_people([stay for house in self.houses for stay in house.stays])
        for house in self.houses:
            house.stays.sort(key=lambda stay: (stay.move_in, stay.bed))
            house.living = self.living(house)

    def plan_house(self, number: int) -> PlannedHouse:
        rng = self.rng("house", number)
        zone = self.zones[(number - 1) % len(self.zones)]
        today = self.now.astimezone(zoneinfo.ZoneInfo(zone)).date()
        start = months_later(today, -self.months)
        return PlannedHouse(
            number=number,
            slug=f"bench-{number:02d}",
            name=f"Bench House {number:02d}",
            time_zone=zone,
            beds=self.beds,
            today=today,
            start=start,
            created_at=wall_clock(start - dt.timedelta(days=30), dt.time(9, 0), zone),
            occupancy=rng.uniform(0.80, 0.95),
            season=[rng.uniform(-0.07, 0.07) for _ in range(12)],
            meeting_weekday=rng.choice([6, 6, 6, 0, 1, 2, 3]),
            meeting_time=rng.choice(MEETING_TIMES),
            quorum=rng.choice(HouseMeetingSettings.Quorum.values),
            passing=rng.choice(HouseMeetingSettings.Passing.values),
            outside_expected=rng.choice([2, 3, 3, 3, 4, 5]),
            officer_months=rng.choice([3, 6, 6, 6, 12]),
            grace_minutes=rng.choice([60, 120, 120, 180]),
            newcomer_days=rng.choice([0, 3, 3, 5]),
            mentor_days_sober=rng.choice([90, 180, 180, 270]),
            max_mentees=rng.choice([2, 3, 3, 4]),
            overdue_days=rng.choice([5, 7, 7, 10, 14]),
            reliability=rng.uniform(0.80, 0.93),
            check_rate=rng.uniform(0.80, 0.97),
            verify_rate=rng.uniform(0.35, 0.9),
            attendance=rng.uniform(0.8, 0.95),
            cancel_rate=rng.uniform(0.015, 0.05),
        )

    def plan_beds(self, house: PlannedHouse) -> list[PlannedStay]:
        """The house day by day: each bed is taken on the first day with the month's occupancy
        as its chance; after that, while fewer beds are taken than the month's occupancy asks
        for, someone from the waiting list moves into a free bed now and then."""
        rng = self.rng("beds", house.number)
        stays: list[PlannedStay] = []
        taken: dict[int, PlannedStay] = {}
        for bed in range(1, house.beds + 1):
            if rng.random() < house.occupancy_in(house.start):
                reason, length = self._stay_shape(rng)
                carried = rng.randrange(length)
                taken[bed] = self._stay(house, bed, house.start, length - carried, reason, rng)
                taken[bed].carried = carried
                stays.append(taken[bed])
        for day in _days(house.start, house.today):
            for bed, stay in list(taken.items()):
                if stay.move_out is not None and stay.move_out <= day:
                    del taken[bed]
            missing = house.occupancy_in(day) * house.beds - len(taken)
            free = [bed for bed in range(1, house.beds + 1) if bed not in taken]
            while free and missing > 0 and rng.random() < ADMIT_CHANCE * missing:
                bed = free.pop(rng.randrange(len(free)))
                reason, length = self._stay_shape(rng)
                taken[bed] = self._stay(house, bed, day, length, reason, rng)
                stays.append(taken[bed])
                missing -= 1
        return stays

    def _stay_shape(self, rng: random.Random) -> tuple[str, int]:
        reason, _, shortest, longest = rng.choices(EXITS, weights=[e[1] for e in EXITS])[0]
        return reason, rng.randint(shortest, longest)

    def _stay(self, house, bed, move_in, length, reason, rng) -> PlannedStay:
        move_out = move_in + dt.timedelta(days=length)
        if move_out > house.today:
            move_out, reason = None, ""
        expected = None
        if rng.random() < 0.35:
            expected = move_in + dt.timedelta(days=rng.randint(90, 365))
        notes = EXIT_NOTES[reason] if reason and rng.random() < 0.5 else ""
        return PlannedStay(house, bed, move_in, move_out, reason, 0, expected, notes)

    def plan_people(self, stays: list[PlannedStay]) -> list[PlannedPerson]:
        """Who each stay is, in the order people arrive: mostly someone new, sometimes someone
        leaving another house that very day (a transfer), sometimes someone coming back."""
        rng = self.rng("people")
        ordered = sorted(stays, key=lambda stay: (stay.move_in, stay.house.number, stay.bed))
        ending: dict[dt.date, list[PlannedStay]] = defaultdict(list)
        for stay in ordered:
            if stay.move_out is not None:
                ending[stay.move_out].append(stay)
        people: list[PlannedPerson] = []
        left: list[PlannedPerson] = []
        numbers: Counter[int] = Counter()
        for stay in ordered:
            person = None
            if not stay.carried:
                roll = rng.random()
                if roll < TRANSFER_SHARE:
                    person = self._transferred(stay, ending[stay.move_in], rng)
                elif roll < TRANSFER_SHARE + RETURN_SHARE:
                    person = self._returning(stay, left, rng)
            if person is None:
                person = self._new_person(stay, numbers, rng)
                people.append(person)
            person.stays.append(stay)
            stay.person = person
            self._sobriety_during(stay, rng)
            if stay.move_out is not None:
                left.append(person)
        return people

    def _transferred(
        self, stay: PlannedStay, ending: list[PlannedStay], rng: random.Random
    ) -> PlannedPerson | None:
        candidates = [
            other
            for other in ending
            if other.house is not stay.house
            and other.exit_reason in TRANSFERABLE
            and other.person.stays[-1] is other
        ]
        if not candidates:
            return None
        before = rng.choice(candidates)
        before.exit_reason = Stay.ExitReason.TRANSFERRED
        before.exit_notes = f"Transferred to {stay.house.name}."
        stay.expected_move_out = before.expected_move_out
        return before.person

    def _returning(
        self, stay: PlannedStay, left: list[PlannedPerson], rng: random.Random
    ) -> PlannedPerson | None:
        for _ in range(25 if left else 0):
            person = rng.choice(left)
            last = person.stays[-1]
            if last.move_out is None or last.move_out > stay.move_in - RETURN_AFTER:
                continue
            if len(person.stays) >= 4:
                continue
            used = last.exit_reason in (
                Stay.ExitReason.RETURNED_TO_USE,
                Stay.ExitReason.ASKED_TO_LEAVE,
            )
            if used or rng.random() < 0.3:
                new = last.move_out + dt.timedelta(
                    days=rng.randint(0, (stay.move_in - last.move_out).days - 7)
                )
                if new > person.sobriety_date:
                    person.changes.append(
                        PlannedChange(
                            stay.house,
                            stay.move_in,
                            person.sobriety_date,
                            new,
                            "Used again after leaving; came back and started the count over.",
                        )
                    )
            return person
        return None

    def _new_person(
        self, stay: PlannedStay, numbers: Counter[int], rng: random.Random
    ) -> PlannedPerson:
        house = stay.house
        numbers[house.number] += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        arrived = stay.move_in - dt.timedelta(days=stay.carried)
        sober_days = rng.choice(
            [rng.randint(3, 45), rng.randint(3, 45), rng.randint(45, 200), rng.randint(200, 1500)]
        )
        joined = min(wall_clock(stay.move_in, dt.time(10, 0), house.time_zone), self.now)
        return PlannedPerson(
            number=sum(numbers.values()),
            email=f"bench.h{house.number:02d}.r{numbers[house.number]:03d}{DOMAIN}",
            legal_name=f"{first} {last}",
            preferred_name=first if rng.random() < 0.3 else "",
            pronouns=rng.choice(PRONOUNS),
            date_of_birth=dt.date(rng.randint(1958, 2004), rng.randint(1, 12), rng.randint(1, 28)),
            sponsor_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)[0]}."
            if rng.random() < 0.6
            else "",
            first_sober=arrived - dt.timedelta(days=sober_days),
            diligence=rng.uniform(0.4, 1.1),
            slack=rng.uniform(0.5, 1.8),
            presence=rng.uniform(0.85, 1.08),
            joined_at=joined,
        )

    def _sobriety_during(self, stay: PlannedStay, rng: random.Random) -> None:
        """Now and then a resident slips and stays (a reset to a later date), or a date given at
        admission is corrected (to an earlier one)."""
        person, house = stay.person, stay.house
        last = min(stay.move_out or house.today, house.today) - DAY
        if (last - stay.move_in).days < 40:
            return
        roll = rng.random()
        if roll < 0.05:
            day = stay.move_in + dt.timedelta(days=rng.randint(10, (last - stay.move_in).days - 2))
            if day > person.sobriety_date:
                reason = "A slip; talked it through with the house and started the count again."
                change = PlannedChange(house, day + DAY, person.sobriety_date, day, reason)
                person.changes.append(change)
        elif roll < 0.07:
            day = stay.move_in + dt.timedelta(days=rng.randint(1, 7))
            earlier = person.sobriety_date - dt.timedelta(days=rng.randint(14, 200))
            reason = "The date given at admission was off; corrected."
            person.changes.append(PlannedChange(house, day, person.sobriety_date, earlier, reason))

    def living(self, house: PlannedHouse) -> dict[dt.date, list[PlannedStay]]:
        """The stays under way on each day, up to the last scheduled meeting."""
        living: dict[dt.date, list[PlannedStay]] = defaultdict(list)
        horizon = house.today + dt.timedelta(days=35)
        for stay in house.stays:
            for day in _days(stay.move_in, (stay.move_out or horizon) - DAY):
                living[day].append(stay)
        return living

    # Writing

    def build(self) -> Counter[str]:
        self.plan()
        self.create_houses()
        self.create_people()
        self.create_stays()
        for house in self.houses:
            self.build_meetings(house)
            self.build_chores(house)
            self.build_outside_meetings(house)
            self.build_mentoring(house)
        self.create_chore_settings()
        return self.counts

    def insert(self, model: type[Model], rows: Sequence[Model]) -> Sequence[Model]:
        """Insert in batches; the rows get their ids (later rows point at them)."""
        model.objects.bulk_create(rows, batch_size=BATCH)
        self.counts[model._meta.label] += len(rows)
        return rows

    def copy(self, model: type[Model], rows: Sequence[Model]) -> None:
        """Insert rows nothing points at through COPY, several times faster than INSERT for the
        biggest tables. The rows are model instances, so every field has its default; every
        column but the id is written with the value ``bulk_create`` would write (see
        ``_value_of``). The rows get no ids."""
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        values = [_value_of(field) for field in fields]
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([value(row) for value in values])
        self.counts[model._meta.label] += len(rows)

    def create_houses(self) -> None:
        staff = User(
            email=STAFF_EMAIL,
            full_name="Bench Operator Staff",
            is_operator_staff=True,
            password=self.password,
            date_joined=min(house.created_at for house in self.houses),
        )
        managers = [
            User(
                email=f"bench.h{house.number:02d}.manager{DOMAIN}",
                full_name=f"{house.name} Manager",
                password=self.password,
                date_joined=house.created_at,
            )
            for house in self.houses
        ]
        self._users([staff, *managers])
        houses = self.insert(
            House,
            [
                House(
                    name=house.name,
                    slug=house.slug,
                    address=f"{100 + house.number} Bench Street, {_town(house.time_zone)}",
                    time_zone=house.time_zone,
                    beds=house.beds,
                    created_at=house.created_at,
                )
                for house in self.houses
            ],
        )
        for plan, house, manager in zip(self.houses, houses, managers, strict=True):
            plan.house_id, plan.manager_id = house.pk, manager.pk
        self.insert(
            Membership,
            [
                Membership(house_id=h.house_id, user_id=h.manager_id, created_at=h.created_at)
                for h in self.houses
            ],
        )
        self.insert(
            HouseMeetingSettings,
            [
                HouseMeetingSettings(
                    house_id=h.house_id,
                    weekday=h.meeting_weekday,
                    time=h.meeting_time,
                    quorum=h.quorum,
                    passing=h.passing,
                    outside_meetings_expected=h.outside_expected,
                    officer_term_months=h.officer_months,
                )
                for h in self.houses
            ],
        )
        self.insert(
            MentoringSettings,
            [
                MentoringSettings(
                    house_id=h.house_id,
                    mentor_days_sober=h.mentor_days_sober,
                    max_mentees=h.max_mentees,
                    overdue_days=h.overdue_days,
                )
                for h in self.houses
            ],
        )

    def _users(self, users: list[User]) -> None:
        self.insert(User, users)
        self.insert(
            EmailAddress,
            [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users],
        )

    def create_people(self) -> None:
        users = [
            User(
                email=person.email,
                full_name=person.legal_name,
                password=self.password,
                date_joined=person.joined_at,
            )
            for person in self.people
        ]
        self._users(users)
        residents = self.insert(
            Resident,
            [
                Resident(
                    user_id=user.pk,
                    legal_name=person.legal_name,
                    preferred_name=person.preferred_name,
                    pronouns=person.pronouns,
                    phone=f"+1 555 01{person.number % 100:02d} {person.number:04d}",
                    date_of_birth=person.date_of_birth,
                    sobriety_date=person.sobriety_date,
                    sponsor_name=person.sponsor_name,
                    share_milestones=person.number % 7 != 0,
                    share_phone=person.number % 3 != 0,
                    created_at=person.joined_at,
                )
                for person, user in zip(self.people, users, strict=True)
            ],
        )
        for person, user, resident in zip(self.people, users, residents, strict=True):
            person.user_id, person.resident_id = user.pk, resident.pk
        self.insert(
            SobrietyDateChange,
            [
                SobrietyDateChange(
                    resident_id=person.resident_id,
                    previous_date=change.previous,
                    new_date=change.new,
                    reason=change.reason,
                    changed_by_id=change.house.manager_id,
                    changed_at=wall_clock(change.on, dt.time(11, 0), change.house.time_zone),
                )
                for person in self.people
                for change in person.changes
            ],
        )

    def create_stays(self) -> None:
        self.insert(
            Stay,
            [
                Stay(
                    resident_id=stay.person.resident_id,
                    house_id=house.house_id,
                    bed=f"Bed {stay.bed}",
                    move_in=stay.move_in,
                    expected_move_out=stay.expected_move_out,
                    move_out=stay.move_out,
                    exit_reason=stay.exit_reason,
                    exit_notes=stay.exit_notes,
                )
                for house in self.houses
                for stay in house.stays
            ],
        )

    def create_chore_settings(self) -> None:
        self.insert(
            HouseChoreSettings,
            [
                HouseChoreSettings(
                    house_id=h.house_id,
                    grace_minutes=h.grace_minutes,
                    newcomer_days=h.newcomer_days,
                    coordinator_id=h.coordinator_id,
                )
                for h in self.houses
            ],
        )

    # House meetings

    def build_meetings(self, house: PlannedHouse) -> None:
        """The weekly meetings from the first regular day to four weeks ahead (as the schedule
        keeps them): held ones with attendance, minutes, motions and elections, a few cancelled,
        the coming ones scheduled with a motion or two on the table."""
        rng = self.rng("meetings", house.number)
        house.terms = {office: [] for office in OFFICES}
        first = house.start + dt.timedelta(days=(house.meeting_weekday - house.start.weekday()) % 7)
        days = list(_days(first, house.today + dt.timedelta(days=27)))[::7]
        starts = {day: wall_clock(day, house.meeting_time, house.time_zone) for day in days}
        past = [day for day in days if starts[day] + dt.timedelta(hours=2) <= self.now]
        cancelled = set(rng.sample(past, k=max(1, round(len(past) * house.cancel_rate))))
        past = set(past)
        coming = [day for day in days if starts[day] > self.now]
        if coming and rng.random() < 0.3:
            cancelled.add(rng.choice(coming[1:] or coming))
        meetings, attendance, motions, votes = [], [], [], []
        next_meeting = None
        for day in days:
            meeting = self._meeting(house, day, starts[day])
            if day in cancelled:
                meeting.status = Meeting.Status.CANCELLED
                meeting.cancel_reason = rng.choice(CANCEL_REASONS)
                meeting.revision = 1
            elif day in past:
                meeting.status = Meeting.Status.HELD
                there = self._attendance(house, meeting, day, rng, attendance)
                self._motions(house, meeting, day, there, rng, motions, votes)
                chair = self._holder(meeting.chair_id, house, day)
                meeting.minutes = MINUTES.format(
                    time=f"{meeting.starts_at:%H:%M}", chair=chair.name if chair else "The manager"
                )
                meeting.minutes_version = 1
                meeting.minutes_saved_at = min(meeting.starts_at + _minutes(rng, 70, 180), self.now)
            elif next_meeting is None and meeting.starts_at > self.now:
                next_meeting = meeting
            meetings.append(meeting)
        if next_meeting is not None:
            self._motions_on_the_table(house, next_meeting, rng, motions)
        self.insert(Meeting, meetings)
        self.copy(Attendance, attendance)
        self.insert(Motion, motions)
        self.copy(Vote, votes)
        self.insert(Officer, [term for terms in house.terms.values() for term in terms])

    def _meeting(self, house: PlannedHouse, day: dt.date, starts_at: dt.datetime) -> Meeting:
        # The schedule makes each meeting four weeks ahead, with the officers of that day.
        created = min(max(house.created_at, starts_at - dt.timedelta(days=27)), self.now)
        on = created.astimezone(house.zone()).date()
        chair = house.officer(Motion.Office.CHAIR, on)
        secretary = house.officer(Motion.Office.SECRETARY, on)
        return Meeting(
            house_id=house.house_id,
            starts_at=starts_at,
            regular_on=day,
            place="The living room",
            chair_id=chair.resident_id if chair else None,
            secretary_id=secretary.resident_id if secretary else None,
            created_at=created,
        )

    def _holder(self, resident_id: int | None, house: PlannedHouse, day: dt.date):
        """The person with ``resident_id`` if they live in the house on ``day``, else None."""
        for stay in house.living.get(day, []):
            if stay.person.resident_id == resident_id:
                return stay.person
        return None

    def _attendance(self, house, meeting, day, rng, rows) -> list[PlannedStay]:
        """Everyone living in the house that day is marked; returns those there (present or
        late), who vote."""
        there = []
        for stay in house.living.get(day, []):
            chance = house.attendance * stay.person.presence
            roll = rng.random()
            if roll < chance * 0.93:
                status = Attendance.Status.PRESENT
            elif roll < chance:
                status = Attendance.Status.LATE
            else:
                status = rng.choice(
                    [Attendance.Status.EXCUSED] * 3 + [Attendance.Status.ABSENT] * 2
                )
            if status in THERE:
                there.append(stay)
            rows.append(
                Attendance(
                    meeting=meeting,
                    resident_id=stay.person.resident_id,
                    status=status,
                    marked_by_id=house.manager_id,
                    marked_at=meeting.starts_at + _minutes(rng, 2, 20),
                )
            )
        return there

    def _motions(self, house, meeting, day, there, rng, motions, votes) -> None:
        """Elections for offices that are empty (or whose holder left), then the house's own
        motions; now and then a motion withdrawn before the meeting."""
        living = house.living.get(day, [])
        if len(there) < 2:
            return
        decided_at = meeting.starts_at + dt.timedelta(minutes=15)
        for office in OFFICES:
            term = house.officer(office, day)
            if term is not None and self._holder(term.resident_id, house, day) is not None:
                continue
            holding = {t.resident_id for o in OFFICES if (t := house.officer(o, day)) is not None}
            candidates = [s for s in there if s.person.resident_id not in holding] or there
            nominee = rng.choice(sorted(candidates, key=lambda s: s.move_in)[:3])
            label = Motion.Office(office).label.lower()
            motion = self._motion(
                house, meeting, there, rng, f"Elect {nominee.person.name} as {label}.", nominee
            )
            motion.office, motion.nominee_id = office, nominee.person.resident_id
            decided_at += _minutes(rng, 5, 12)
            self._vote(house, motion, there, living, 0.92, decided_at, rng, votes)
            motions.append(motion)
            if motion.status == Motion.Status.PASSED:
                self._elect(house, office, nominee.person, day, motion)
        for _ in range(rng.choices([0, 1, 2], weights=[78, 18, 4])[0]):
            motion = self._motion(house, meeting, there, rng, rng.choice(MOTION_TEXTS))
            decided_at += _minutes(rng, 8, 20)
            self._vote(
                house, motion, there, living, rng.uniform(0.15, 0.95), decided_at, rng, votes
            )
            motions.append(motion)
        if rng.random() < 0.02:
            motion = self._motion(house, meeting, there, rng, rng.choice(MOTION_TEXTS))
            motion.seconder_id = None
            motion.status = Motion.Status.WITHDRAWN
            motion.decided_at = min(motion.created_at + _minutes(rng, 60, 600), meeting.starts_at)
            motions.append(motion)

    def _motion(self, house, meeting, there, rng, text, nominee=None) -> Motion:
        mover = rng.choice([s for s in there if s is not nominee] or there)
        seconder = rng.choice([s for s in there if s is not mover])
        # Proposed up to a few days before, by people living in the house by then.
        arrived = max(s.move_in for s in (mover, seconder, nominee) if s is not None)
        created = max(
            meeting.starts_at - _minutes(rng, 10, 4 * 24 * 60),
            wall_clock(arrived, dt.time(12, 0), house.time_zone),
        )
        return Motion(
            house_id=house.house_id,
            meeting=meeting,
            text=text,
            mover_id=mover.person.resident_id,
            seconder_id=seconder.person.resident_id,
            proposed_by_id=mover.person.user_id if rng.random() < 0.7 else house.manager_id,
            created_at=min(created, meeting.starts_at),
        )

    def _vote(self, house, motion, there, living, support, decided_at, rng, votes) -> None:
        counted = Counter()
        for stay in there:
            if rng.random() < 0.05:
                continue  # present, and did not vote
            roll = rng.random()
            if roll < 0.1:
                choice = Vote.Choice.ABSTAIN
            elif roll < 0.1 + 0.9 * support:
                choice = Vote.Choice.YES
            else:
                choice = Vote.Choice.NO
            counted[choice] += 1
            votes.append(
                Vote(
                    motion=motion,
                    resident_id=stay.person.resident_id,
                    choice=choice,
                    recorded_by_id=stay.person.user_id if rng.random() < 0.9 else house.manager_id,
                    at=decided_at - _minutes(rng, 1, 6),
                )
            )
        tally = Tally(
            yes=counted[Vote.Choice.YES],
            no=counted[Vote.Choice.NO],
            abstain=counted[Vote.Choice.ABSTAIN],
            present=len(there),
            residents=len(living),
        )
        motion.status = tally.result(quorum=house.quorum, passing=house.passing)
        motion.yes, motion.no, motion.abstain = tally.yes, tally.no, tally.abstain
        motion.present, motion.residents = tally.present, tally.residents
        motion.decided_at = decided_at

    def _elect(self, house, office, person, day, motion) -> None:
        """As ``officer_elect``: whoever held the office hands it over that day."""
        for term in house.terms[office]:
            if term.starts_on < day < term.ends_on:
                term.ends_on = day
        house.terms[office].append(
            Officer(
                house_id=house.house_id,
                office=office,
                resident_id=person.resident_id,
                starts_on=day,
                ends_on=months_later(day, house.officer_months),
                motion=motion,
            )
        )
        if office == Motion.Office.CHORE_COORDINATOR:
            house.coordinator_id = person.resident_id

    def _motions_on_the_table(self, house, meeting, rng, motions) -> None:
        """Motions proposed for the next meeting by people living in the house now."""
        living = house.living.get(house.today, [])
        for _ in range(rng.choice([0, 1, 1, 2]) if len(living) >= 2 else 0):
            mover, seconder = rng.sample(living, k=2)
            created = max(
                self.now - _minutes(rng, 60, 5 * 24 * 60),
                wall_clock(max(mover.move_in, seconder.move_in), dt.time(12, 0), house.time_zone),
            )
            motions.append(
                Motion(
                    house_id=house.house_id,
                    meeting=meeting,
                    text=rng.choice(MOTION_TEXTS),
                    mover_id=mover.person.resident_id,
                    seconder_id=seconder.person.resident_id if rng.random() < 0.7 else None,
                    proposed_by_id=mover.person.user_id,
                    created_at=min(created, self.now),
                )
            )

    # Chores

    def build_chores(self, house: PlannedHouse) -> None:
        """The catalogue, and its assignments from the first day to a week ahead (as the hourly
        task keeps them), given out by the rotation itself, each settled as of now."""
        rng = self.rng("chores", house.number)
        chores = self.insert(
            Chore,
            [
                Chore(
                    house_id=house.house_id,
                    name=name,
                    area=area,
                    points=points,
                    schedule=kind,
                    weekdays=weekdays,
                    starts_on=week_start(house.start),
                    day_of_month=15,
                    due_time=dt.time.fromisoformat(due),
                    checker=checker,
                    checklist=CHECKLISTS.get(name, ""),
                    created_at=house.created_at + DAY,
                )
                for name, area, points, kind, weekdays, due, checker in CHORES
            ],
        )
        occurrences = [
            rotation.Occurrence(index, day, chore.points)
            for day in _days(house.start, house.today + dt.timedelta(days=6))
            for index, chore in enumerate(chores)
            if schedule.occurs_on(chore, day)
        ]
        people = {stay.person.number: stay.person for stay in house.stays}
        plan = rotation.assign(occurrences, self._rotation_people(house))
        swing: dict[tuple[int, int], float] = {}
        rows = []
        for choice in plan:
            chore = chores[choice.chore_id]
            person = people.get(choice.person_id)
            month = (choice.day.year, choice.day.month)
            if month not in swing:
                swing[month] = rng.uniform(0.75, 1.3)
            row = Assignment(
                chore=chore,
                house_id=house.house_id,
                day=choice.day,
                due_at=schedule.due_at(choice.day, chore.due_time, house.time_zone),
                resident_id=person.resident_id if person else None,
                points=chore.points,
                created_at=min(
                    wall_clock(choice.day - 6 * DAY, GENERATED_AT, house.time_zone), self.now
                ),
            )
            self._settle(house, row, chore, person, swing[month], rng)
            rows.append(row)
        self.copy(Assignment, rows)

    def _rotation_people(self, house: PlannedHouse) -> list[rotation.Person]:
        """The rotation's view of the house's residents: their stays, and their first days to
        settle in (not for those already living there when the records begin)."""
        spans: dict[PlannedPerson, list[rotation.Span]] = defaultdict(list)
        settling: dict[PlannedPerson, list[rotation.Span]] = defaultdict(list)
        for stay in house.stays:
            last = stay.move_out - DAY if stay.move_out else None
            spans[stay.person].append(rotation.Span(stay.move_in, last))
            if house.newcomer_days and not stay.carried:
                end = stay.move_in + dt.timedelta(days=house.newcomer_days - 1)
                settling[stay.person].append(rotation.Span(stay.move_in, end))
        return [
            rotation.Person(id=p.number, stays=tuple(s), settling=tuple(settling[p]))
            for p, s in spans.items()
        ]

    def _settle(self, house, row, chore, person, swing, rng) -> None:
        """How the assignment stands now: the person's ticks, the checks, the missed-chores
        task's runs and the redos, played in order and stopped at the present moment."""
        deadline = row.due_at + dt.timedelta(minutes=house.grace_minutes)
        missed_run = _missed_run_after(deadline)
        if person is None:  # nobody could take it: the task marks it missed all the same
            if missed_run <= self.now:
                row.status, row.missed_at = Assignment.Status.MISSED, missed_run
            return
        failing = min(0.6, (1 - house.reliability) * person.slack * swing)
        roll = rng.random()
        if roll < failing * 0.6:
            done_at = None
        elif roll < failing:
            done_at = missed_run + _minutes(rng, 3, 20 * 60)
        elif rng.random() < 0.1:
            done_at = row.due_at + _minutes(rng, 0, house.grace_minutes)
        else:
            done_at = row.due_at - _minutes(rng, 5, 9 * 60)
        if done_at is None or done_at > missed_run:
            if missed_run > self.now:
                return
            row.status, row.missed_at = Assignment.Status.MISSED, missed_run
        if done_at is None or done_at > self.now:
            return
        row.status, row.done_at, row.late = Assignment.Status.DONE, done_at, done_at > deadline
        if rng.random() < 0.05:
            row.note = rng.choice(CHORE_NOTES)
        if chore.checker == Chore.Checker.NOBODY or rng.random() > house.check_rate:
            return
        checked_at = done_at + _minutes(rng, 20, 30 * 60)
        if checked_at > self.now:
            return
        row.checked_by_id = self._checker(house, chore, row, checked_at, rng)
        row.checked_at = checked_at
        if rng.random() >= 0.05:
            row.status = Assignment.Status.CHECKED
            return
        # Sent back: open again, so the task marks it missed once its time has passed.
        row.status, row.done_at, row.redo_count = Assignment.Status.REDO, None, 1
        row.check_note = rng.choice(REDO_NOTES)
        redone_at = checked_at + _minutes(rng, 40, 26 * 60) if rng.random() < 0.85 else None
        missed_run = _missed_run_after(max(checked_at, deadline))
        if redone_at is None or redone_at > missed_run:
            if missed_run > self.now:
                return
            row.status, row.missed_at = Assignment.Status.MISSED, row.missed_at or missed_run
        if redone_at is None or redone_at > self.now:
            return
        row.status, row.done_at = Assignment.Status.DONE, redone_at  # lateness stays the first's
        checked_again = redone_at + _minutes(rng, 20, 30 * 60)
        if checked_again <= self.now and rng.random() < house.check_rate:
            row.status = Assignment.Status.CHECKED
            row.checked_by_id = self._checker(house, chore, row, checked_again, rng)
            row.checked_at, row.check_note = checked_again, ""

    def _checker(self, house, chore, row, at, rng) -> int:
        """Who checks: the coordinator or another resident when the chore says so and they
        live there, otherwise the manager (who may always check)."""
        day = at.astimezone(house.zone()).date()
        others = [s for s in house.living.get(day, []) if s.person.resident_id != row.resident_id]
        if chore.checker == Chore.Checker.COORDINATOR:
            term = house.officer(Motion.Office.CHORE_COORDINATOR, day)
            for stay in others:
                if term is not None and stay.person.resident_id == term.resident_id:
                    return stay.person.user_id
        if chore.checker == Chore.Checker.ANY_RESIDENT and others:
            return rng.choice(others).person.user_id
        return house.manager_id

    # Outside meetings

    def build_outside_meetings(self, house: PlannedHouse) -> None:
        """Each resident's log, week by week, around the house's weekly number: some keep to it,
        some go beyond, some fall short. Managers verify many of them after a few days."""
        rng = self.rng("outside", house.number)
        pool = rng.sample(OUTSIDE_MEETINGS, k=9)
        rows = []
        for stay in house.stays:
            favourites = rng.sample(pool, k=rng.choice([2, 3, 3, 4]))
            usual = Format.ONLINE if rng.random() < 0.15 else Format.IN_PERSON
            last = min((stay.move_out or house.today + DAY) - DAY, house.today)
            monday = week_start(stay.move_in)
            while monday <= last:
                days = list(_days(max(monday, stay.move_in), min(monday + 6 * DAY, last)))
                wanted = expected_in_week(house.outside_expected, stay, monday)
                count = max(0, round(wanted * stay.person.diligence + rng.gauss(0, 0.7)))
                for day, (name, fellowship) in _spread(count, days, favourites, rng):
                    row = self._outside(house, stay, day, name, fellowship, usual, rng)
                    if row is not None:
                        rows.append(row)
                monday += 7 * DAY
        self.copy(OutsideMeeting, rows)

    def _outside(self, house, stay, day, name, fellowship, usual, rng) -> OutsideMeeting | None:
        logged_on = day + DAY * (0 if rng.random() < 0.7 else rng.randint(1, 5))
        evening = dt.time(rng.randint(19, 22), rng.randint(0, 59))
        created = wall_clock(logged_on, evening, house.time_zone)
        if created > self.now:
            return None  # not logged yet
        verified_at = None
        if rng.random() < house.verify_rate:
            verified_at = created + dt.timedelta(days=rng.randint(1, 8), hours=rng.randint(-6, 6))
            if verified_at > self.now:
                verified_at = None
        other = Format.IN_PERSON if usual == Format.ONLINE else Format.ONLINE
        return OutsideMeeting(
            resident_id=stay.person.resident_id,
            house_id=house.house_id,
            day=day,
            name=name,
            fellowship=fellowship,
            format=usual if rng.random() < 0.85 else other,
            note=rng.choice(OUTSIDE_NOTES) if rng.random() < 0.15 else "",
            verified_by_id=house.manager_id if verified_at else None,
            verified_at=verified_at,
            created_at=created,
        )

    # Peer mentoring

    def build_mentoring(self, house: PlannedHouse) -> None:
        """Most newcomers get a mentor after a few days: a resident with the house's days sober
        and room for another mentee. A pairing ends when either leaves, when it has run its
        course, or when it is not a fit (and then another begins). Pairings are made in the
        order they begin, so that no mentor ever has more mentees than the house allows."""
        rng = self.rng("mentoring", house.number)
        load: dict[PlannedPerson, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
        waiting = [
            (stay.move_in + dt.timedelta(days=rng.randint(1, 20)), order, stay, 0)
            for order, stay in enumerate(house.stays)
            if rng.random() < MENTORED
        ]
        heapq.heapify(waiting)
        pairings: list[Pairing] = []
        entries: list[Entry] = []
        while waiting:
            begin, order, stay, tries = heapq.heappop(waiting)
            if begin > house.today or not stay.covers(begin) or tries >= 4:
                continue
            mentor = self._mentor(house, stay, begin, load, rng)
            if mentor is None:  # nobody free yet: the manager looks again the next week
                heapq.heappush(waiting, (begin + 7 * DAY, order, stay, tries + 1))
                continue
            pairing = self._pairing(house, stay, mentor, begin, rng)
            load[mentor.person].append((begin, pairing.ends_on))
            pairings.append(pairing)
            entries.extend(self._entries(house, pairing, stay.person, mentor.person, rng))
            ended = pairing.end_reason in (
                Pairing.EndReason.NOT_A_FIT,
                Pairing.EndReason.MENTOR_LEFT,
            )
            if ended and rng.random() < 0.5:
                again = pairing.ends_on + dt.timedelta(days=rng.randint(1, 10))
                heapq.heappush(waiting, (again, order, stay, 0))
        self.insert(Pairing, pairings)
        self.copy(Entry, entries)

    def _mentor(self, house, stay, begin, load, rng) -> PlannedStay | None:
        def mentees(person):
            return sum(1 for s, e in load[person] if s <= begin and (e is None or e > begin))

        able = [
            other
            for other in house.living.get(begin, [])
            if other.person is not stay.person
            and (begin - other.person.sober_since(begin)).days >= house.mentor_days_sober
            and mentees(other.person) < house.max_mentees
        ]
        if not able:
            return None
        rng.shuffle(able)
        return min(able, key=lambda other: mentees(other.person))

    def _pairing(self, house, stay, mentor, begin, rng) -> Pairing:
        ends = []
        if stay.move_out is not None:
            ends.append((stay.move_out, Pairing.EndReason.MENTEE_LEFT))
        if mentor.move_out is not None:
            ends.append((mentor.move_out, Pairing.EndReason.MENTOR_LEFT))
        if rng.random() < 0.45:
            ends.append((begin + dt.timedelta(days=rng.randint(60, 240)), "completed"))
        if rng.random() < 0.06:
            ends.append((begin + dt.timedelta(days=rng.randint(10, 45)), "not_a_fit"))
        elif rng.random() < 0.02:
            ends.append((begin + dt.timedelta(days=rng.randint(10, 90)), "other"))
        ends_on, reason = min(ends, default=(None, ""))
        if ends_on is not None and ends_on > house.today:
            ends_on, reason = None, ""
        return Pairing(
            house_id=house.house_id,
            mentor_id=mentor.person.resident_id,
            mentee_id=stay.person.resident_id,
            starts_on=begin,
            ends_on=ends_on,
            end_reason=reason,
            end_note="Both agreed it was time." if reason == "completed" else "",
            created_by_id=house.manager_id,
            created_at=min(wall_clock(begin, dt.time(10, 0), house.time_zone), self.now),
        )

    def _entries(self, house, pairing, mentee, mentor, rng) -> list[Entry]:
        """Contacts every few days, with now and then a quiet stretch longer than the house's
        overdue days; some pairs still under way have gone quiet lately."""
        every = rng.uniform(1.2, 3.0)
        last = pairing.ends_on or house.today
        if pairing.ends_on is None and rng.random() < 0.2:
            last = house.today - dt.timedelta(days=house.overdue_days + rng.randint(1, 25))
            if rng.random() < 0.4:
                pairing.check_in_asked_at = self.now - _minutes(rng, 60, 4 * 24 * 60)
        rows = []
        day = pairing.starts_on + dt.timedelta(days=rng.randint(0, 3))
        while day <= last:
            at = wall_clock(day, dt.time(rng.randint(8, 21), rng.randint(0, 59)), house.time_zone)
            if at > self.now:
                break
            kind, _, note = rng.choices(ENTRY_KINDS, weights=[k[1] for k in ENTRY_KINDS])[0]
            acknowledged = at + _minutes(rng, 30, 48 * 60) if rng.random() < 0.85 else None
            if acknowledged is not None and not self._still_open(house, pairing, acknowledged):
                acknowledged = None
            rows.append(
                Entry(
                    pairing=pairing,
                    author_id=(mentor if rng.random() < 0.65 else mentee).resident_id,
                    at=at,
                    minutes=rng.choice(ENTRY_MINUTES),
                    kind=kind,
                    wellbeing=rng.choice([None, 2, 3, 3, 4, 4, 4, 5]),
                    shared_note=note if rng.random() < 0.7 else "",
                    private_note="Mentioned a hard moment; we talked it through."
                    if rng.random() < 0.05
                    else "",
                    next_contact_on=day + dt.timedelta(days=rng.randint(2, 7))
                    if rng.random() < 0.25
                    else None,
                    acknowledged_at=acknowledged,
                    created_at=min(at + _minutes(rng, 0, 240), self.now),
                )
            )
            gap = rng.uniform(1, 2 * every)
            if rng.random() < 0.03:
                gap += house.overdue_days + rng.randint(1, 14)
            day += dt.timedelta(days=max(1, round(gap)))
        return rows

    def _still_open(self, house, pairing, moment) -> bool:
        """Whether the pair could still write in their log at ``moment`` (it has come, and the
        pairing had not ended)."""
        if moment > self.now:
            return False
        return pairing.ends_on is None or moment.astimezone(house.zone()).date() <= pairing.ends_on


def delete_bench() -> Counter[str]:
    """Delete the bench houses and people and everything that hangs off them. The big tables go
    first in plain DELETEs; the rest through the ORM, which follows every other foreign key
    (and refuses, with a ProtectedError, to delete a bench person someone else's data needs)."""
    houses = House.objects.filter(slug__regex=SLUG_PATTERN)
    users = User.objects.filter(email__iendswith=DOMAIN)
    residents = Resident.objects.filter(user__in=users)
    deleted: Counter[str] = Counter()
    for queryset in (
        Vote.objects.filter(motion__house__in=houses),
        Swap.objects.filter(assignment__house__in=houses),
        Assignment.objects.filter(house__in=houses),
        Attendance.objects.filter(meeting__house__in=houses),
        OutsideMeeting.objects.filter(house__in=houses),
        Reply.objects.filter(entry__pairing__house__in=houses),
        Entry.objects.filter(pairing__house__in=houses),
    ):
        deleted[queryset.model._meta.label] += _delete_plainly(queryset)
    for queryset in (
        Pairing.objects.filter(house__in=houses),
        Motion.objects.filter(house__in=houses),
        RulesSignature.objects.filter(stay__house__in=houses),
        Stay.objects.filter(house__in=houses),
        houses,
        residents,
        users,
    ):
        _, by_model = queryset.delete()
        deleted.update(by_model)
    return deleted


def _delete_plainly(queryset: QuerySet) -> int:
    table = connection.ops.quote_name(queryset.model._meta.db_table)
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # The table name comes from the model; the values are parameters.
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({sql})", params)  # noqa: S608
        return cursor.rowcount


def bench_exists() -> bool:
    return (
        House.objects.filter(slug__regex=SLUG_PATTERN).exists()
        or User.objects.filter(email__iendswith=DOMAIN).exists()
    )


def _aware(value: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        raise ValueError("give a time zone, e.g. 2026-03-10T18:00:00+00:00")
    return moment


def _town(time_zone: str) -> str:
    return TOWNS.get(time_zone, "Bench Town")


def _time_zone(value: str) -> str:
    if value not in zoneinfo.available_timezones():
        raise ValueError("give a zone by its name, e.g. Pacific/Honolulu")
    return value


class Command(BaseCommand):
    help = (
        "Build a large operator's data (default: 40 houses of 12 beds, 24 months of history) "
        "to measure the monthly report and the load tests on."
    )

    def add_arguments(self, parser):
        parser.add_argument("--houses", type=int, default=40)
        parser.add_argument("--beds", type=int, default=12, help="beds in each house")
        parser.add_argument("--months", type=int, default=24, help="months of history")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--replace", action="store_true", help="delete the earlier bench data first"
        )
        parser.add_argument(
            "--now",
            type=_aware,
            default=None,
            help="the moment the history ends, ISO 8601 with a zone (default: now)",
        )
        parser.add_argument(
            "--time-zone",
            type=_time_zone,
            default=None,
            help="put every house in this zone (default: four US zones in turn)",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="build it even with DEBUG off (its accounts share a published password)",
        )

    def handle(self, *args, **options):
        self._check(options)
        started = time.monotonic()
        with transaction.atomic():
            deleted = self._clear(replace=options["replace"])
            bench = Bench(
                seed=options["seed"],
                houses=options["houses"],
                beds=options["beds"],
                months=options["months"],
                now=options["now"] or timezone.now(),
                time_zone=options["time_zone"],
            )
            counts = bench.build()
        self._report(counts, deleted, time.monotonic() - started, options)

    def _check(self, options) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "The bench accounts share a published password: they are built only with DEBUG "
                "on (or --allow-without-debug)."
            )
        for name in ("houses", "beds", "months"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        if options["houses"] > 99:
            raise CommandError("--houses is at most 99 (the slugs are bench-01 … bench-99).")

    def _clear(self, *, replace: bool) -> Counter[str]:
        if not bench_exists():
            return Counter()
        if not replace:
            raise CommandError(
                "Bench data exists already (bench-* houses or @bench.test people). "
                "Run with --replace to delete it and build again."
            )
        try:
            return delete_bench()
        except ProtectedError as error:
            raise CommandError(
                f"The bench data cannot be deleted: other data uses it ({error.args[0]})"
            ) from error

    def _report(self, counts, deleted, seconds, options) -> None:
        if deleted:
            self.stdout.write(f"Deleted the earlier bench data ({sum(deleted.values()):,} rows).")
        self.stdout.write(
            f"Built the bench in {seconds:.1f} s: {options['houses']} houses of {options['beds']} "
            f"beds, {options['months']} months, seed {options['seed']}."
        )
        width = max(len(label) for label in counts)
        for label, count in sorted(counts.items()):
            self.stdout.write(f"  {label:<{width}}  {count:>9,}")
        self.stdout.write(f"  {'total':<{width}}  {sum(counts.values()):>9,}")
        self.stdout.write(f"Every account's password is {PASSWORD}; staff is {STAFF_EMAIL}.")
