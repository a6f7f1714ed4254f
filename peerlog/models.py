"""Peer mentoring: who mentors whom, and the log of check-ins the pair keeps together.

The log is the pair's own. Shared notes are seen by the pair and the house's managers; a private
note by the pair alone — no manager, staff member, admin page, report or export ever reads it.
Reports see counts and minutes, never text.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from residents.models import House, Resident


class MentoringSettings(models.Model):
    house = models.OneToOneField(House, on_delete=models.CASCADE, related_name="mentoring_settings")
    mentor_days_sober = models.PositiveIntegerField(
        default=180, help_text="Days sober a current resident needs to mentor someone."
    )
    max_mentees = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="The most mentees one mentor has at a time.",
    )
    overdue_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="A mentee with no contact for this many days is overdue for a check-in.",
    )

    def __str__(self) -> str:
        return f"Mentoring settings of {self.house}"


class AlumniMentor(models.Model):
    """A former resident the house's manager invited back to mentor."""

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="alumni_mentors")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["house", "resident"], name="alumni_mentor_once")
        ]

    def __str__(self) -> str:
        return f"{self.resident} mentors at {self.house}"


class Pairing(models.Model):
    class EndReason(models.TextChoices):
        COMPLETED = "completed", "Went well; time to move on"
        MENTEE_LEFT = "mentee_left", "The mentee moved out"
        MENTOR_LEFT = "mentor_left", "The mentor moved on"
        NOT_A_FIT = "not_a_fit", "Not a good fit"
        OTHER = "other", "Other"

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="pairings")
    mentor = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="mentoring")
    mentee = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="mentored_by")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=12, choices=EndReason.choices, blank=True)
    end_note = models.CharField(max_length=200, blank=True)
    check_in_asked_at = models.DateTimeField(
        null=True, blank=True, help_text="The mentee asked for a check-in; cleared by the next."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(ends_on__isnull=True),
                name="pairing_one_active_mentor",
                violation_error_message="This resident has a mentor already.",
            ),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="pairing_not_oneself"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True, end_reason="")
                | (Q(ends_on__gte=F("starts_on")) & ~Q(end_reason="")),
                name="pairing_ends_with_a_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["mentor"], condition=Q(ends_on__isnull=True), name="pairing_active_mentor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor} mentors {self.mentee}"

    @property
    def is_active(self) -> bool:
        return self.ends_on is None


class MentorRequest(models.Model):
    """A resident asks for a mentor; the request waits for the house's manager."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        MATCHED = "matched", "Matched"
        DECLINED = "declined", "Not now"
        WITHDRAWN = "withdrawn", "Withdrawn"

    house = models.ForeignKey(House, on_delete=models.CASCADE, related_name="mentor_requests")
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=280, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pairing = models.ForeignKey(
        Pairing, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status="waiting"),
                name="mentor_request_one_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} asks for a mentor"


class Entry(models.Model):
    """One contact between mentor and mentee, written by either of them."""

    class Kind(models.TextChoices):
        CHECK_IN = "check_in", "Check-in"
        STEP_WORK = "step_work", "Step work"
        PHONE_CALL = "phone_call", "Phone call"
        CRISIS = "crisis", "Crisis support"
        MEETING = "meeting", "Meeting together"
        SOCIAL = "social", "Social"

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="entries")
    author = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(help_text="When they met or talked.")
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CHECK_IN)
    wellbeing = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How the mentee is doing, from 1 to 5, in their own words.",
    )
    shared_note = models.TextField(max_length=4000, blank=True)
    private_note = models.TextField(max_length=4000, blank=True)
    next_contact_on = models.DateField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=600), name="entry_minutes_sensible"
            ),
            models.CheckConstraint(
                condition=Q(wellbeing__isnull=True) | Q(wellbeing__gte=1, wellbeing__lte=5),
                name="entry_wellbeing_one_to_five",
            ),
        ]
        indexes = [models.Index(fields=["pairing", "at"], name="entry_pairing_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.at:%Y-%m-%d}"


class Reply(models.Model):
    """The other member of the pair answers an entry (seen like a shared note)."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=2000)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply by {self.author} on {self.at:%Y-%m-%d}"
