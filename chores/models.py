"""Chores: the house's catalogue, the assignments the rotation makes, and swaps between residents.

Words stay supportive: a chore is "missed" or "needs a redo", never a violation.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from residents.models import House, Resident

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class HouseChoreSettings(models.Model):
    """How a house runs its chores."""

    house = models.OneToOneField(House, on_delete=models.CASCADE, related_name="chore_settings")
    grace_minutes = models.PositiveIntegerField(
        default=120, help_text="How long after the due time a chore still counts as on time."
    )
    newcomer_days = models.PositiveSmallIntegerField(
        default=3, help_text="A new resident's first days without chores, to settle in."
    )
    coordinator = models.ForeignKey(
        Resident,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The resident the house chose to run the rotation and check chores.",
    )
    digest_hour = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(23)],
        help_text="The hour (house time, 0–23) each resident hears of their chores of the day.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(digest_hour__lte=23), name="chore_settings_digest_hour_valid"
            )
        ]

    def __str__(self) -> str:
        return f"Chore settings of {self.house}"


class Chore(models.Model):
    class Schedule(models.TextChoices):
        DAILY = "daily", "Every day"
        WEEKDAYS = "weekdays", "On chosen weekdays"
        WEEKLY = "weekly", "Once a week"
        EVERY_N_WEEKS = "every_n_weeks", "Every few weeks"
        MONTHLY = "monthly", "A day of the month"

    class Checker(models.TextChoices):
        NOBODY = "nobody", "Nobody"
        MANAGER = "manager", "The house manager"
        COORDINATOR = "coordinator", "The chore coordinator"
        ANY_RESIDENT = "any_resident", "Any other resident"

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="chores")
    name = models.CharField(max_length=80)
    checklist = models.TextField(blank=True, help_text="One step per line.")
    area = models.CharField(max_length=60, blank=True)
    points = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Effort, from 1 (a few minutes) to 5 (the big one).",
    )
    schedule = models.CharField(max_length=16, choices=Schedule.choices, default=Schedule.DAILY)
    weekdays = ArrayField(
        models.PositiveSmallIntegerField(validators=[MaxValueValidator(6)]),
        default=list,
        blank=True,
        help_text="0 is Monday. For 'on chosen weekdays', 'once a week' and 'every few weeks'.",
    )
    every_n_weeks = models.PositiveSmallIntegerField(default=2)
    starts_on = models.DateField(
        default=dt.date(2026, 1, 5), help_text="Counts the weeks from here."
    )
    day_of_month = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    due_time = models.TimeField(default=dt.time(20, 0))
    checker = models.CharField(max_length=16, choices=Checker.choices, default=Checker.NOBODY)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["house", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points__gte=1, points__lte=5), name="chore_points_one_to_five"
            ),
            models.CheckConstraint(
                condition=Q(day_of_month__gte=1, day_of_month__lte=31),
                name="chore_day_of_month_valid",
            ),
            models.CheckConstraint(condition=Q(every_n_weeks__gte=1), name="chore_every_n_weeks"),
        ]

    def __str__(self) -> str:
        return self.name

    def checklist_steps(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class Assignment(models.Model):
    """One chore on one day, and who does it. The unique key on (chore, day) makes generating the
    same days twice, or in two workers at once, create nothing twice."""

    class Status(models.TextChoices):
        TO_DO = "to_do", "To do"
        DONE = "done", "Done"  # waiting for a check when the chore has a checker
        CHECKED = "checked", "Checked"
        REDO = "redo", "Needs a redo"
        MISSED = "missed", "Missed"

    # Still to do on its day: it can be ticked done, or handed to a housemate by a swap. A missed
    # chore can still be done late, but its day has gone, so nobody is asked to take it.
    OPEN = (Status.TO_DO, Status.REDO)

    chore = models.ForeignKey(Chore, on_delete=models.CASCADE, related_name="assignments")
    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="chore_assignments")
    day = models.DateField()
    due_at = models.DateTimeField(help_text="The due time on that day in the house's zone.")
    resident = models.ForeignKey(
        Resident, null=True, blank=True, on_delete=models.SET_NULL, related_name="chore_assignments"
    )
    points = models.PositiveSmallIntegerField()
    pinned = models.BooleanField(default=False, help_text="Set by hand; the rotation keeps it.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.TO_DO)
    done_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=280, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    check_note = models.CharField(max_length=280, blank=True)
    redo_count = models.PositiveSmallIntegerField(default=0)
    missed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was marked missed; kept if it is done later."
    )
    late = models.BooleanField(
        default=False, help_text="First ticked done after the time due and the grace period."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "due_at", "chore__name"]
        constraints = [
            models.UniqueConstraint(fields=["chore", "day"], name="assignment_once_per_day")
        ]
        indexes = [
            models.Index(fields=["house", "day"], name="assignment_house_day"),
            models.Index(fields=["resident", "day"], name="assignment_resident_day"),
            models.Index(
                fields=["status", "due_at"],
                name="assignment_open_due",
                condition=Q(status__in=["to_do", "redo"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chore} on {self.day}"

    @property
    def can_be_swapped(self) -> bool:
        return self.status in self.OPEN


class Swap(models.Model):
    """One resident asks another to take their chore."""

    class Status(models.TextChoices):
        ASKED = "asked", "Asked"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="swaps")
    asked_by = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    asked_of = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASKED)
    message = models.CharField(max_length=280, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=Q(status="asked"),
                name="swap_one_open_request_per_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"Swap of {self.assignment} asked of {self.asked_of}"


class Absence(models.Model):
    """Dates a resident is away (set by the manager): the rotation skips them."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="absences")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day away.")
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="absence_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} away {self.starts_on}–{self.ends_on}"


class Exclusion(models.Model):
    """A resident who does not take a given chore (for a medical reason, say)."""

    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="chore_exclusions"
    )
    chore = models.ForeignKey(Chore, on_delete=models.CASCADE, related_name="exclusions")
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resident", "chore"], name="exclusion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resident} does not take {self.chore}"
