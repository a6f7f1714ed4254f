"""House meetings (agenda, attendance, minutes, motions and votes, officers) and the log of
outside mutual-help meetings.

The weekly house meeting is where residents govern themselves: the chair and secretary are
residents, the votes are theirs, and the decisions log is the house's memory.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from residents.models import DateRange, House, Resident


class HouseMeetingSettings(models.Model):
    """How a house runs its meetings."""

    class Quorum(models.TextChoices):
        MAJORITY = "majority", "More than half of the residents present"
        TWO_THIRDS = "two_thirds", "Two thirds of the residents present"

    class Passing(models.TextChoices):
        MAJORITY = "majority", "More yes than no"
        TWO_THIRDS = "two_thirds", "Two thirds of the yes and no votes"

    house = models.OneToOneField(House, on_delete=models.CASCADE, related_name="meeting_settings")
    weekday = models.PositiveSmallIntegerField(
        default=6, validators=[MaxValueValidator(6)], help_text="0 is Monday, 6 is Sunday."
    )
    time = models.TimeField(default=dt.time(19, 0))
    place = models.CharField(max_length=80, default="The living room")
    quorum = models.CharField(max_length=12, choices=Quorum.choices, default=Quorum.MAJORITY)
    passing = models.CharField(max_length=12, choices=Passing.choices, default=Passing.MAJORITY)
    outside_meetings_expected = models.PositiveSmallIntegerField(
        default=3,
        validators=[MaxValueValidator(21)],
        help_text="Outside mutual-help meetings each resident is expected to go to each week.",
    )
    outside_reminder_weekday = models.PositiveSmallIntegerField(
        default=4,
        validators=[MaxValueValidator(6)],
        help_text="The day residents short of the week's outside meetings are reminded, at "
        "10:00 (0 is Monday, 4 is Friday).",
    )
    officer_term_months = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="How long an elected officer serves, at most.",
    )

    def __str__(self) -> str:
        return f"Meeting settings of {self.house}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    regular_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day of the house's regular meeting this one is; kept if it is moved, so "
        "that the schedule never creates it twice.",
    )
    place = models.CharField(max_length=80)
    chair = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    secretary = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    cancel_reason = models.CharField(max_length=200, blank=True)
    minutes = models.TextField(blank=True)
    minutes_version = models.PositiveIntegerField(
        default=0, help_text="Counts each save, so that two people never overwrite each other."
    )
    minutes_saved_at = models.DateTimeField(null=True, blank=True)
    revision = models.PositiveIntegerField(
        default=0,
        help_text="Counts the changes of time, place, people or status, for calendar apps.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["house", "regular_on"], name="meeting_one_regular_per_day"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancel_reason=""),
                name="meeting_cancelled_with_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["house", "starts_at"], name="meeting_house_starts")]

    def __str__(self) -> str:
        return f"{self.house} meeting on {self.local_start():%Y-%m-%d %H:%M}"

    def local_start(self) -> dt.datetime:
        return timezone.localtime(self.starts_at, zoneinfo.ZoneInfo(self.house.time_zone))

    def day(self) -> dt.date:
        return self.local_start().date()

    def has_started(self, now: dt.datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.starts_at


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        NEWCOMER = "newcomer", "Welcome"
        MILESTONE = "milestone", "Celebrate"
        CHORES = "chores", "Chores"
        MOTION = "motion", "Motion"
        CARRIED_OVER = "carried_over", "Carried over"
        ADDED = "added", "Business"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    key = models.CharField(
        max_length=60,
        blank=True,
        help_text="Names an automatic item, so that refreshing the agenda never adds it twice.",
    )
    text = models.CharField(max_length=300)
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    discussed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "key"], condition=~Q(key=""), name="agenda_item_key_once"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def automatic(self) -> bool:
        return bool(self.key)


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        LATE = "late", "Late"
        EXCUSED = "excused", "Excused"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=8, choices=Status.choices)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "resident"], name="attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.resident}: {self.get_status_display()}"

    @property
    def is_there(self) -> bool:
        return self.status in THERE


THERE = [Attendance.Status.PRESENT, Attendance.Status.LATE]


class Motion(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "On the table"
        VOTING = "voting", "Voting"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        NO_QUORUM = "no_quorum", "No quorum"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Office(models.TextChoices):
        CHAIR = "chair", "Chair"
        SECRETARY = "secretary", "Secretary"
        TREASURER = "treasurer", "Treasurer"
        CHORE_COORDINATOR = "chore_coordinator", "Chore coordinator"

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="motions")
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="motions",
        help_text="The meeting it was voted at (or is being voted at).",
    )
    text = models.TextField(max_length=1000)
    mover = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    seconder = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An election: who the motion makes an officer, and of what.
    office = models.CharField(max_length=20, choices=Office.choices, blank=True)
    nominee = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    # The count, kept when the vote closes.
    yes = models.PositiveSmallIntegerField(default=0)
    no = models.PositiveSmallIntegerField(default=0)
    abstain = models.PositiveSmallIntegerField(default=0)
    present = models.PositiveSmallIntegerField(default=0)
    residents = models.PositiveSmallIntegerField(
        default=0, help_text="Residents living in the house at the meeting."
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(office="", nominee__isnull=True)
                | (~Q(office="") & Q(nominee__isnull=False)),
                name="motion_election_names_office_and_nominee",
            ),
            models.CheckConstraint(
                condition=Q(seconder__isnull=True) | ~Q(seconder=models.F("mover")),
                name="motion_seconded_by_someone_else",
            ),
        ]
        indexes = [models.Index(fields=["house", "status"], name="motion_house_status")]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED


DECIDED = [Motion.Status.PASSED, Motion.Status.FAILED, Motion.Status.NO_QUORUM]
OPEN_MOTIONS = [Motion.Status.PROPOSED, Motion.Status.VOTING]


class Vote(models.Model):
    class Choice(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        ABSTAIN = "abstain", "Abstain"

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="votes")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=8, choices=Choice.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who entered it: the voter, or the secretary for someone without a phone.",
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["motion", "resident"], name="vote_once_per_motion")
        ]

    def __str__(self) -> str:
        return f"{self.resident}: {self.choice}"


class Officer(models.Model):
    """A resident's term in one of the house's offices, from ``starts_on`` up to, not including,
    ``ends_on``. One person at a time in each office (an exclusion constraint)."""

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="officers")
    office = models.CharField(max_length=20, choices=Motion.Office.choices)
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="offices")
    starts_on = models.DateField()
    ends_on = models.DateField()
    motion = models.ForeignKey(
        Motion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")), name="officer_term_has_days"
            ),
            ExclusionConstraint(
                name="officer_one_at_a_time",
                expressions=[
                    ("house", RangeOperators.EQUAL),
                    ("office", RangeOperators.EQUAL),
                    (DateRange("starts_on", "ends_on"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="Someone else holds this office on these dates.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_office_display()} of {self.house}: {self.resident}"


class OutsideMeeting(models.Model):
    """A mutual-help meeting outside the house that a resident went to."""

    class Fellowship(models.TextChoices):
        AA = "aa", "AA"
        NA = "na", "NA"
        CA = "ca", "CA"
        SMART = "smart", "SMART Recovery"
        CELEBRATE = "celebrate", "Celebrate Recovery"
        REFUGE = "refuge", "Refuge Recovery"
        OTHER = "other", "Other"

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="outside_meetings"
    )
    house = models.ForeignKey(
        House,
        on_delete=models.CASCADE,
        related_name="outside_meetings",
        help_text="The house the resident lived in then.",
    )
    day = models.DateField()
    name = models.CharField(max_length=100)
    fellowship = models.CharField(max_length=10, choices=Fellowship.choices)
    format = models.CharField(max_length=10, choices=Format.choices, default=Format.IN_PERSON)
    note = models.CharField(max_length=280, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-created_at"]
        indexes = [
            models.Index(fields=["house", "day"], name="outside_house_day"),
            models.Index(fields=["resident", "day"], name="outside_resident_day"),
        ]
        constraints = [
            models.UniqueConstraint(
                "resident",
                "day",
                "fellowship",
                Lower("name"),
                name="outside_meeting_logged_once",
                violation_error_message="This meeting is in your log for that day already.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_fellowship_display()}) on {self.day}"


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A person's private calendar address. Revoking it makes a new one: the old answers 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(default=timezone.now)
    # What the feed held when it was last read, and since when: a calendar app that asks again
    # with the ETag or the date it got is told "not modified" until the feed's contents change.
    digest = models.CharField(max_length=64, blank=True, editable=False)
    changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
