"""Houses and who belongs to them: managers (Membership) and residents (Resident, Stay)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone


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


class Resident(models.Model):
    """A person who lives, or has lived, in a house. Their times in houses are Stays."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="resident"
    )
    sobriety_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return str(self.user)


def local_date(zone, moment) -> Cast:
    """The date that ``moment`` falls on in the time zone named by ``zone`` (SQL expressions)."""
    at_zone = Func(zone, moment, function="timezone", output_field=models.DateTimeField())
    return Cast(at_zone, models.DateField())


class StayQuerySet(models.QuerySet):
    def current(self, now: dt.datetime | None = None) -> StayQuerySet:
        """Stays under way today in each house's own time zone (a move-out day is not a day in)."""
        today = local_date(F("house__time_zone"), Value(now or timezone.now()))
        return self.alias(local_today=today).filter(
            Q(move_out__isnull=True) | Q(move_out__gt=F("local_today")),
            move_in__lte=F("local_today"),
        )


class Stay(models.Model):
    """One time in one house, from the move-in date up to (not including) the move-out date."""

    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="stays")
    house = models.ForeignKey(House, on_delete=models.PROTECT, related_name="stays")
    move_in = models.DateField()
    move_out = models.DateField(null=True, blank=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        ordering = ["-move_in"]
        constraints = [
            models.CheckConstraint(
                condition=Q(move_out__isnull=True) | Q(move_out__gte=F("move_in")),
                name="stay_moves_out_after_moving_in",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} at {self.house} from {self.move_in}"


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
