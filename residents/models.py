"""Houses and who belongs to them: managers (Membership) and residents (Resident, Stay)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Cast, Coalesce, Lower, NullIf
from django.utils import timezone

from soberhouse.names import validate_name


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone; use a name like America/Los_Angeles.")


class House(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=50, unique=True)
    address = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", validators=[validate_time_zone])
    beds = models.PositiveSmallIntegerField(default=8)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(beds__gte=1), name="house_has_a_bed")]

    def __str__(self) -> str:
        return self.name

    def today(self, now: dt.datetime | None = None) -> dt.date:
        """Today's date in the house's own time zone."""
        return (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(self.time_zone)).date()


class Membership(models.Model):
    """A person's role in one house, other than living there."""

    class Role(models.TextChoices):
        MANAGER = "manager", "House manager"

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MANAGER)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["house", "user", "role"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.house}"


# The fields that describe the person (as opposed to their login, recovery dates and choices).
PERSON_FIELDS = (
    "legal_name",
    "preferred_name",
    "pronouns",
    "phone",
    "date_of_birth",
    "sponsor_name",
    "sponsor_phone",
)


# Order residents by the name they go by, whatever its case.
BY_SHOWN_NAME = Lower(Coalesce(NullIf(F("preferred_name"), Value("")), F("legal_name")))


class Resident(models.Model):
    """A person who lives, or has lived, in a house. Their times in houses are Stays; their login
    is ``user`` (the email address)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resident"
    )
    legal_name = models.CharField(max_length=150, validators=[validate_name])
    preferred_name = models.CharField(
        max_length=80,
        blank=True,
        validators=[validate_name],
        help_text="What housemates call them, if not the legal name.",
    )
    pronouns = models.CharField(max_length=40, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sobriety_date = models.DateField(
        null=True, blank=True, help_text="The first day sober; earlier dates are kept."
    )
    sponsor_name = models.CharField(max_length=150, blank=True, validators=[validate_name])
    sponsor_phone = models.CharField(max_length=32, blank=True)
    share_milestones = models.BooleanField(
        "show my milestones to housemates",
        default=True,
        help_text="Housemates see and celebrate your milestones at the house meeting.",
    )
    share_phone = models.BooleanField(
        "show my phone number to housemates",
        default=False,
        help_text="Your name and phone number appear in the house directory.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["legal_name"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name to show: the preferred one when given."""
        return self.preferred_name or self.legal_name


class EmergencyContact(models.Model):
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="emergency_contacts"
    )
    name = models.CharField(max_length=150, validators=[validate_name])
    relation = models.CharField(max_length=60)
    phone = models.CharField(max_length=32)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class SobrietyDateChange(models.Model):
    """A change of sobriety date, with its reason. Returning to use is part of many recoveries:
    the record keeps every earlier date without judgement."""

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="sobriety_changes"
    )
    previous_date = models.DateField(null=True, blank=True)
    new_date = models.DateField()
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.resident}: {self.previous_date} → {self.new_date}"


def local_date(zone, moment) -> Cast:
    """The date that ``moment`` falls on in the time zone named by ``zone`` (SQL expressions)."""
    at_zone = Func(zone, moment, function="timezone", output_field=models.DateTimeField())
    return Cast(at_zone, models.DateField())


class DateRange(Func):
    """``daterange(start, end, '[)')``: the days from start up to, not including, end (an open end
    when end is NULL)."""

    function = "daterange"
    output_field = DateRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, Value("[)"))


class StayQuerySet(models.QuerySet):
    def current(self, now: dt.datetime | None = None) -> StayQuerySet:
        """Stays under way today in each house's own time zone (a move-out day is not a day in)."""
        today = local_date(F("house__time_zone"), Value(now or timezone.now()))
        return self.alias(local_today=today).filter(
            Q(move_out__isnull=True) | Q(move_out__gt=F("local_today")),
            move_in__lte=F("local_today"),
        )

    def open(self, now: dt.datetime | None = None) -> StayQuerySet:
        """Stays not over yet in each house's own time zone: under way or about to begin, with
        no move-out date or one still ahead."""
        today = local_date(F("house__time_zone"), Value(now or timezone.now()))
        return self.alias(local_today=today).filter(
            Q(move_out__isnull=True) | Q(move_out__gt=F("local_today"))
        )


class Stay(models.Model):
    """One time in one house, from the move-in date up to (not including) the move-out date.

    The database refuses two stays of one person that overlap, and two people in one bed at the
    same time (exclusion constraints on the date range).
    """

    class ExitReason(models.TextChoices):
        COMPLETED = "completed", "Completed the programme"
        MOVED_ON = "moved_on", "Moved on by choice"
        ASKED_TO_LEAVE = "asked_to_leave", "Asked to leave"
        RETURNED_TO_USE = "returned_to_use", "Returned to use"
        TRANSFERRED = "transferred", "Transferred to another house"
        OTHER = "other", "Other"

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="stays")
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="stays")
    bed = models.CharField("bed or room", max_length=40, blank=True)
    move_in = models.DateField()
    expected_move_out = models.DateField(null=True, blank=True)
    move_out = models.DateField(null=True, blank=True)
    exit_reason = models.CharField(max_length=20, choices=ExitReason.choices, blank=True)
    exit_notes = models.TextField(blank=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        ordering = ["-move_in"]
        constraints = [
            models.CheckConstraint(
                condition=Q(move_out__isnull=True) | Q(move_out__gte=F("move_in")),
                name="stay_moves_out_after_moving_in",
            ),
            models.CheckConstraint(
                condition=Q(move_out__isnull=True, exit_reason="")
                | (Q(move_out__isnull=False) & ~Q(exit_reason="")),
                name="stay_exit_reason_with_move_out",
            ),
            ExclusionConstraint(
                name="stay_no_overlap_for_a_person",
                expressions=[
                    ("resident", RangeOperators.EQUAL),
                    (DateRange("move_in", "move_out"), RangeOperators.OVERLAPS),
                ],
                violation_error_message="These dates overlap another stay of this person.",
            ),
            ExclusionConstraint(
                name="stay_one_person_per_bed",
                expressions=[
                    ("house", RangeOperators.EQUAL),
                    ("bed", RangeOperators.EQUAL),
                    (DateRange("move_in", "move_out"), RangeOperators.OVERLAPS),
                ],
                condition=~Q(bed=""),
                violation_error_message="Someone else has this bed on these dates.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident} at {self.house} from {self.move_in}"

    def is_over(self, today: dt.date | None = None) -> bool:
        """Whether the move-out day has come (in the house's zone unless ``today`` is given)."""
        return self.move_out is not None and self.move_out <= (today or self.house.today())


class HouseRules(models.Model):
    """One published version of a house's rules. Residents sign each new version."""

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="rules_versions")
    version = models.PositiveIntegerField()
    text = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["house", "-version"]
        verbose_name_plural = "house rules"
        constraints = [
            models.UniqueConstraint(fields=["house", "version"], name="rules_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.house} rules, version {self.version}"


class RulesSignature(models.Model):
    rules = models.ForeignKey(HouseRules, on_delete=models.PROTECT, related_name="signatures")
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="rules_signatures"
    )
    # Signed during this stay: someone who leaves and comes back signs again.
    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="rules_signatures")
    typed_name = models.CharField(max_length=150)
    signed_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["rules", "stay"], name="rules_signed_once_per_stay")
        ]

    def __str__(self) -> str:
        return f"{self.resident} signed {self.rules}"


class Invitation(models.Model):
    """A single-use link that lets a person join: staff invite managers, managers invite residents.

    The link carries a signed invitation id (see residents/invitations.py); it stops working once
    accepted, revoked, or past ``expires_at``.
    """

    class Role(models.TextChoices):
        MANAGER = "manager", "House manager"
        RESIDENT = "resident", "Resident"

    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices)
    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} invitation for {self.email} to {self.house}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
