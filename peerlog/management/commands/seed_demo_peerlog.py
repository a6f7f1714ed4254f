"""The demo's peer mentoring: two pairs per house with a month of entries (one pair overdue for
contact) and a newcomer waiting for a mentor (seed_demo calls it)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.management.base import BaseCommand
from django.db import transaction

from peerlog import services
from peerlog.models import Entry, Pairing
from residents.models import House, Membership, Resident

# (mentor number, mentee number, days between contacts, days since the last one)
PAIRS = [(8, 2, 3, 1), (7, 3, 4, 9)]
NOTES = [
    ("check_in", "Talked through the week; the job search is going slowly but steadily.", 4),
    ("step_work", "Read through step one together and wrote down some thoughts.", 4),
    ("phone_call", "A short call before the evening meeting.", 3),
    ("meeting", "Went to the Tuesday night meeting together.", 5),
    ("social", "Coffee after the meeting.", 4),
]


class Command(BaseCommand):
    help = "Create the demo houses' mentoring pairs and their entries (once per house)."

    @transaction.atomic
    def handle(self, *args, **options):
        for house in House.objects.filter(slug__in=["harbor", "cedar"]):
            if house.pairings.exists():
                continue
            manager = Membership.objects.filter(house=house, role=Membership.Role.MANAGER).first()
            by = manager.user if manager else None
            for mentor_number, mentee_number, every, last in PAIRS:
                mentor = self._resident(house, mentor_number)
                mentee = self._resident(house, mentee_number)
                stay = mentee.stays.filter(house=house).order_by("-move_in").first()
                pairing = services.pairing_create(
                    house=house, mentor=mentor, mentee=mentee, by=by, starts_on=stay.move_in
                )
                self._entries(pairing, every=every, last=last)
            newcomer = self._resident(house, 1)
            services.mentor_ask(
                resident=newcomer,
                house=house,
                note="Someone who knows what the first weeks are like.",
            )

    def _resident(self, house: House, number: int) -> Resident:
        return Resident.objects.get(user__email=f"resident.{house.slug}{number}@demo.test")

    def _entries(self, pairing: Pairing, *, every: int, last: int) -> None:
        zone = zoneinfo.ZoneInfo(pairing.house.time_zone)
        today = pairing.house.today()
        day = today - dt.timedelta(days=last)
        number = 0
        while day >= pairing.starts_on:
            kind, note, wellbeing = NOTES[number % len(NOTES)]
            author = pairing.mentor if number % 3 else pairing.mentee
            entry = services.entry_add(
                pairing=pairing,
                author=author,
                at=dt.datetime.combine(day, dt.time(18, 30), tzinfo=zone),
                minutes=[20, 45, 15, 60, 30][number % 5],
                kind=kind,
                wellbeing=wellbeing,
                shared_note=note,
                private_note="Mentioned a hard moment on Friday; we talked it through."
                if number == 1
                else "",
            )
            if number:
                Entry.objects.filter(pk=entry.pk).update(acknowledged_at=entry.at)
            number += 1
            day -= dt.timedelta(days=every)
