"""The log of outside mutual-help meetings (AA, NA, SMART Recovery…): residents log the meetings
they went to, the house's managers or its elected secretary verify them, and the house sees who
has meetings still to go this week.

Weeks run Monday to Sunday in the house's own time zone. Someone who lived in the house for only
part of a week is expected to go to a fair share of the house's weekly number (rounded up).

Services (writes) come first, each audited; then the selectors (reads), each in a fixed number
of queries whatever the size of the house.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from chores.dashboard import week_start
from meetings import notifications
from meetings.models import HouseMeetingSettings, OutsideMeeting
from meetings.officers import is_secretary
from meetings.services import meeting_settings_to_read
from residents import access
from residents.models import House, Resident, Stay
from soberhouse import audit, moments
from soberhouse.models import User

DAYS_BACK = 14  # how far back a meeting may still be logged
NAME_MAX = OutsideMeeting._meta.get_field("name").max_length
NOTE_MAX = OutsideMeeting._meta.get_field("note").max_length
EXPECTED_DEFAULT = HouseMeetingSettings._meta.get_field("outside_meetings_expected").default
WEEKS_SHOWN = 4  # this week and the three before it, on a resident's page
RECENT_DAYS = 90  # meetings a resident went to in this time are offered to "log again"
RECENT_SHOWN = 4

# The messages next to the form's fields (the form and the service say the same).
NAME_REQUIRED = "Give the meeting's name, so that you can find it again next time."
FELLOWSHIP_REQUIRED = "Choose the fellowship."
FORMAT_REQUIRED = "Choose in person or online."
DAY_REQUIRED = "Choose the day you went."


def name_too_long(length: int) -> str:
    return f"Keep the name to {NAME_MAX} characters (it has {length})."


def note_too_long(length: int) -> str:
    return f"Keep the note to {NOTE_MAX} characters (it has {length})."


def days_in_week(stay: Stay, monday: dt.date) -> int:
    """How many days of the week from ``monday`` fall within the stay (0 to 7)."""
    start = max(stay.move_in, monday)
    end = monday + dt.timedelta(days=7)
    if stay.move_out is not None:
        end = min(stay.move_out, end)
    return max((end - start).days, 0)


def expected_in_week(expected: int, stay: Stay, monday: dt.date) -> int:
    """The meetings ``stay``'s resident is expected at in the week from ``monday``: the house's
    number for a whole week in the house, a fair share (rounded up) for part of one."""
    days = days_in_week(stay, monday)
    return expected if days >= 7 else math.ceil(expected * days / 7)


# Services


def _clean_entry(
    *, stay: Stay, day: dt.date | None, name: str, fellowship: str, format: str, note: str
) -> dict[str, str]:
    """Each field's problem, in words for the person typing (empty when all is well)."""
    today = stay.house.today()
    errors: dict[str, str] = {}
    if day is None:
        errors["day"] = DAY_REQUIRED
    elif day > today:
        errors["day"] = "That day has not come yet. Choose today or an earlier day."
    elif day < stay.move_in:
        errors["day"] = (
            f"That is before you moved in on {moments.shown(stay.move_in, 'day')}. "
            "Choose a day since then."
        )
    elif day < today - dt.timedelta(days=DAYS_BACK):
        errors["day"] = f"Meetings can be logged up to {DAYS_BACK} days back. Choose a later day."
    if not name:
        errors["name"] = NAME_REQUIRED
    elif len(name) > NAME_MAX:
        errors["name"] = name_too_long(len(name))
    if fellowship not in OutsideMeeting.Fellowship.values:
        errors["fellowship"] = FELLOWSHIP_REQUIRED
    if format not in OutsideMeeting.Format.values:
        errors["format"] = FORMAT_REQUIRED
    if len(note) > NOTE_MAX:
        errors["note"] = note_too_long(len(note))
    return errors


def outside_meeting_log(
    *,
    stay: Stay,
    day: dt.date | None,
    name: str,
    fellowship: str,
    format: str = OutsideMeeting.Format.IN_PERSON,
    note: str = "",
    request=None,
) -> OutsideMeeting:
    """Log a meeting the resident of ``stay`` (their current stay) went to, in that stay's house.
    The same meeting on the same day is logged once (a second tap changes nothing)."""
    name, note = " ".join((name or "").split()), (note or "").strip()
    if stay.move_in > stay.house.today() or stay.is_over():
        raise ValidationError("Meetings are logged while you live in the house.")
    errors = _clean_entry(
        stay=stay, day=day, name=name, fellowship=fellowship, format=format, note=note
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One log at a time per person, so that two quick taps cannot both pass the check below.
        Resident.objects.select_for_update().filter(pk=stay.resident_id).first()
        twice = OutsideMeeting.objects.filter(
            resident_id=stay.resident_id, day=day, name__iexact=name, fellowship=fellowship
        )
        if twice.exists():
            raise ValidationError(
                {"name": f"“{name}” on {moments.shown(day, 'day')} is in your log already."}
            )
        meeting = OutsideMeeting.objects.create(
            resident_id=stay.resident_id,
            house_id=stay.house_id,
            day=day,
            name=name,
            fellowship=fellowship,
            format=format,
            note=note,
        )
        audit.record(
            action="outside_meeting.logged",
            actor=stay.resident.user,
            request=request,
            obj=meeting,
            changes={
                "resident": stay.resident_id,
                "house": stay.house_id,
                "day": day.isoformat(),
                "fellowship": fellowship,
                "format": format,
            },
        )
        if week_start(day) == week_start(stay.house.today()):
            notifications.outside_short_cancel_if_enough(stay)
    return meeting


def can_verify(user: User, house: House) -> bool:
    """Whether ``user`` verifies the outside meetings of ``house``: staff, its managers, and the
    house's elected secretary while living there."""
    if access.is_staff(user):
        return True
    if not user.is_authenticated:
        return False
    if access.houses_managed_by(user).filter(pk=house.pk).exists():
        return True
    stay = Stay.objects.current().filter(resident__user=user, house=house).first()
    return stay is not None and is_secretary(stay.resident, house)


def outside_meeting_verify(
    *, meeting: OutsideMeeting, by: User, verified: bool = True, request=None
) -> bool:
    """Mark the meeting verified by ``by`` (or, with ``verified=False``, take the mark back).
    Nobody verifies their own. Returns whether anything changed: a second tap changes nothing."""
    if meeting.resident.user_id == by.pk:
        raise ValidationError("Someone else verifies your own meetings.")
    if not can_verify(by, meeting.house):
        raise ValidationError("Only the house's managers and its secretary verify meetings.")
    with transaction.atomic():
        rows = OutsideMeeting.objects.filter(pk=meeting.pk, verified_at__isnull=verified)
        now = timezone.now()
        changed = rows.update(
            verified_by=by if verified else None, verified_at=now if verified else None
        )
        if changed:
            audit.record(
                action="outside_meeting.verified" if verified else "outside_meeting.unverified",
                actor=by,
                request=request,
                obj=meeting,
                changes={"resident": meeting.resident_id, "day": meeting.day.isoformat()},
            )
    meeting.refresh_from_db()
    return bool(changed)


def outside_meeting_delete(*, meeting: OutsideMeeting, by: Resident, request=None) -> None:
    """A resident takes back their own entry, within the week it is in, while nobody has verified
    it."""
    if meeting.resident_id != by.pk:
        raise ValidationError("You can take back your own entries only.")
    if week_start(meeting.day) != week_start(meeting.house.today()):
        raise ValidationError("Entries of earlier weeks stay in the log.")
    with transaction.atomic():
        deleted, _ = OutsideMeeting.objects.filter(pk=meeting.pk, verified_at__isnull=True).delete()
        if not deleted:
            raise ValidationError(
                "This one has been verified, so it stays. Ask whoever verified it if it is wrong."
            )
        audit.record(
            action="outside_meeting.deleted",
            actor=by.user,
            request=request,
            obj=meeting,
            changes={
                "resident": meeting.resident_id,
                "house": meeting.house_id,
                "day": meeting.day.isoformat(),
                "name": meeting.name,
            },
        )


# Selectors


class _Progress:
    """A week's count against what the house expects (``count`` and ``expected`` come from the
    class that uses it)."""

    count: int
    expected: int

    @property
    def progress(self) -> str:
        return f"{self.count} of {self.expected} this week"

    @property
    def to_go(self) -> int:
        return max(self.expected - self.count, 0)


@dataclass
class MyMeetings(_Progress):
    """One resident's page: this week against what is expected, the weeks before, and the
    meetings they went to lately, to log again in one tap."""

    stay: Stay
    today: dt.date
    monday: dt.date
    expected: int
    this_week: list[OutsideMeeting]
    earlier_weeks: list[tuple[dt.date, list[OutsideMeeting]]]  # (Monday, entries), newest first
    recent: list[OutsideMeeting]  # distinct meetings, newest first, none already logged today
    last: OutsideMeeting | None  # the newest entry of theirs, to fill the form from

    @property
    def count(self) -> int:
        return sum(1 for meeting in self.this_week if meeting.house_id == self.stay.house_id)


def my_meetings(stay: Stay, *, now: dt.datetime | None = None) -> MyMeetings:
    """Three queries: the house's settings, the resident's entries of the weeks shown (with who
    verified them), and their distinct meetings of lately."""
    today = stay.house.today(now)
    monday = week_start(today)
    expected = expected_in_week(
        meeting_settings_to_read(stay.house).outside_meetings_expected, stay, monday
    )
    first_monday = monday - dt.timedelta(weeks=WEEKS_SHOWN - 1)
    entries = list(
        OutsideMeeting.objects.filter(resident_id=stay.resident_id, day__gte=first_monday)
        .select_related("verified_by")
        .order_by("-day", "-created_at")
    )
    by_week: dict[dt.date, list[OutsideMeeting]] = defaultdict(list)
    for entry in entries:
        entry.may_delete = entry.verified_at is None and entry.day >= monday
        by_week[week_start(entry.day)].append(entry)
    earlier = [
        (first_monday + dt.timedelta(weeks=n), by_week[first_monday + dt.timedelta(weeks=n)])
        for n in reversed(range(WEEKS_SHOWN - 1))
    ]
    distinct = (
        OutsideMeeting.objects.filter(
            resident_id=stay.resident_id, day__gte=today - dt.timedelta(days=RECENT_DAYS)
        )
        .annotate(key=Lower("name"))
        .order_by("key", "fellowship", "format", "-day", "-created_at")
        .distinct("key", "fellowship", "format")
    )
    newest_first = sorted(distinct, key=lambda m: (m.day, m.created_at), reverse=True)
    logged_today = {(m.name.casefold(), m.fellowship) for m in entries if m.day == today}
    recent = [m for m in newest_first if (m.name.casefold(), m.fellowship) not in logged_today]
    return MyMeetings(
        stay=stay,
        today=today,
        monday=monday,
        expected=expected,
        this_week=by_week[monday],
        earlier_weeks=earlier,
        recent=recent[:RECENT_SHOWN],
        last=newest_first[0] if newest_first else None,
    )


@dataclass(frozen=True)
class WeekCount(_Progress):
    count: int
    expected: int


def my_week_count(stay: Stay, *, now: dt.datetime | None = None) -> WeekCount:
    """One query: the resident's meetings this week in their house, and the house's number (its
    default when the house has no settings yet), for the panel on /today/."""
    monday = week_start(stay.house.today(now))
    settings = HouseMeetingSettings.objects.filter(house=OuterRef("pk"))
    this_week = (
        OutsideMeeting.objects.filter(
            house=OuterRef("pk"),
            resident_id=stay.resident_id,
            day__gte=monday,
            day__lt=monday + dt.timedelta(days=7),
        )
        .order_by()
        .values("house")
        .annotate(n=Count("pk"))
        .values("n")
    )
    count, expected = (
        House.objects.filter(pk=stay.house_id)
        .annotate(
            done=Coalesce(Subquery(this_week), Value(0)),
            expected=Coalesce(
                Subquery(settings.values("outside_meetings_expected")[:1]),
                Value(EXPECTED_DEFAULT),
            ),
        )
        .values_list("done", "expected")
        .get()
    )
    return WeekCount(count, expected_in_week(expected, stay, monday))


@dataclass
class ResidentWeek(_Progress):
    """One resident's week in the house view."""

    resident: Resident
    stay: Stay
    monday: dt.date
    expected: int
    meetings: list[OutsideMeeting] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.meetings)

    @property
    def verified(self) -> int:
        return sum(1 for meeting in self.meetings if meeting.verified_at is not None)

    @property
    def is_short(self) -> bool:
        return self.count < self.expected

    @property
    def moved_in(self) -> dt.date | None:
        """The day they moved in, when it fell within the week (their number is a share)."""
        return self.stay.move_in if self.stay.move_in > self.monday else None

    @property
    def moved_out(self) -> dt.date | None:
        """The day they moved out, when it fell within the week."""
        out = self.stay.move_out
        return out if out is not None and out < self.monday + dt.timedelta(days=7) else None


@dataclass
class HouseWeek:
    house: House
    monday: dt.date
    today: dt.date
    expected: int  # the house's number for a whole week
    rows: list[ResidentWeek]

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def is_this_week(self) -> bool:
        return self.monday == week_start(self.today)

    @property
    def short(self) -> list[ResidentWeek]:
        return [row for row in self.rows if row.is_short]


def house_week(
    house: House, *, monday: dt.date | None = None, now: dt.datetime | None = None
) -> HouseWeek:
    """The week from ``monday`` (this week by default) by resident: everyone living in the house
    today for this week, everyone who lived there in it for an earlier week; each with their
    entries, how many were expected of them and how many are verified. Three queries whatever
    the size of the house: the settings, the stays with their people, the entries with who
    verified them."""
    today = house.today(now)
    monday = monday or week_start(today)
    sunday = monday + dt.timedelta(days=6)
    expected = meeting_settings_to_read(house).outside_meetings_expected
    if monday == week_start(today):
        stays = house.stays.filter(move_in__lte=today).filter(
            Q(move_out__isnull=True) | Q(move_out__gt=today)
        )
    else:
        stays = house.stays.filter(move_in__lte=sunday).filter(
            Q(move_out__isnull=True) | Q(move_out__gt=monday)
        )
    rows: dict[int, ResidentWeek] = {}
    # By start, so that of two stays in one week (out and back again) the later one counts.
    for stay in stays.select_related("resident").order_by("move_in"):
        rows[stay.resident_id] = ResidentWeek(
            resident=stay.resident,
            stay=stay,
            monday=monday,
            expected=expected_in_week(expected, stay, monday),
        )
    entries = (
        OutsideMeeting.objects.filter(
            house=house, day__gte=monday, day__lte=sunday, resident_id__in=list(rows)
        )
        .select_related("verified_by")
        .order_by("day", "created_at")
    )
    for entry in entries:
        rows[entry.resident_id].meetings.append(entry)
    ordered = sorted(rows.values(), key=lambda row: (row.resident.name.casefold(), row.resident.pk))
    return HouseWeek(house=house, monday=monday, today=today, expected=expected, rows=ordered)


def short_this_week(house: House, *, now: dt.datetime | None = None) -> list[ResidentWeek]:
    """The house's current residents with meetings still to go this week (by name), for the
    house dashboard's meetings panel. Three queries."""
    return house_week(house, now=now).short
