"""The demo's chores: each house's catalogue and four weeks of history (seed_demo calls it)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand
from django.db import transaction

from chores.generation import assignments_generate
from chores.models import Assignment, Chore, HouseChoreSettings
from residents.models import House, Resident

CHORES = [
    ("Kitchen counters and stove", "Kitchen", 3, "daily", [], "20:00", "coordinator"),
    ("Dishes and sink", "Kitchen", 2, "daily", [], "21:00", "nobody"),
    ("Take out trash and recycling", "Outside", 1, "weekdays", [0, 3], "19:00", "nobody"),
    ("Bathrooms", "Upstairs", 4, "weekdays", [1, 4], "18:00", "manager"),
    ("Vacuum the living room", "Living room", 2, "weekdays", [2, 5], "17:00", "any_resident"),
    ("Fridge clean-out", "Kitchen", 3, "weekly", [6], "12:00", "coordinator"),
    ("Yard and porch", "Outside", 3, "every_n_weeks", [5], "16:00", "nobody"),
    ("Deep clean of the laundry room", "Basement", 5, "monthly", [], "15:00", "manager"),
]
CHECKLISTS = {
    "Kitchen counters and stove": (
        "Clear and wipe the counters\nWipe the stove top\nSweep the floor"
    ),
    "Bathrooms": "Scrub sinks and toilets\nWipe the mirrors\nRefill paper\nMop the floor",
}
HISTORY_DAYS = 28


class Command(BaseCommand):
    help = "Create the demo houses' chores and four weeks of history (once per house)."

    @transaction.atomic
    def handle(self, *args, **options):
        for house in House.objects.filter(slug__in=["harbor", "cedar"]):
            if house.chores.exists():
                continue
            self._catalogue(house)
            today = house.today()
            assignments_generate(house, start=today - dt.timedelta(days=HISTORY_DAYS), days=35)
            self._history(house, today)

    def _catalogue(self, house: House) -> None:
        coordinator = Resident.objects.filter(
            user__email=f"resident.{house.slug}4@demo.test"
        ).first()
        HouseChoreSettings.objects.update_or_create(
            house=house, defaults={"coordinator": coordinator, "grace_minutes": 120}
        )
        for name, area, points, schedule, weekdays, due, checker in CHORES:
            Chore.objects.create(
                house=house,
                name=name,
                area=area,
                points=points,
                schedule=schedule,
                weekdays=weekdays,
                due_time=dt.time.fromisoformat(due),
                checker=checker,
                checklist=CHECKLISTS.get(name, ""),
                day_of_month=15,
            )

    def _history(self, house: House, today: dt.date) -> None:
        """Most chores done (and checked where someone checks), a few done late, a few missed,
        and yesterday's kitchen sent back for a redo."""
        past = Assignment.objects.filter(house=house, day__lt=today).select_related("chore")
        for number, assignment in enumerate(past.order_by("day", "chore__name")):
            has_checker = assignment.chore.checker != Chore.Checker.NOBODY
            if number % 17 == 5:
                assignment.status = Assignment.Status.MISSED
                assignment.missed_at = assignment.due_at + dt.timedelta(hours=2)
            elif number % 23 == 11:
                assignment.done_at = assignment.due_at + dt.timedelta(hours=3)
                assignment.late = True
                assignment.status = (
                    Assignment.Status.CHECKED if has_checker else Assignment.Status.DONE
                )
            elif assignment.day == today - dt.timedelta(
                days=1
            ) and assignment.chore.name.startswith("Kitchen counters"):
                assignment.status = Assignment.Status.REDO
                assignment.redo_count = 1
                assignment.check_note = "The corners still need a wipe, please."
            else:
                assignment.done_at = assignment.due_at - dt.timedelta(hours=1)
                assignment.status = (
                    Assignment.Status.CHECKED if has_checker else Assignment.Status.DONE
                )
            assignment.save()
