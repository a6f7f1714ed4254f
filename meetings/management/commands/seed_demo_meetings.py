"""The demo's house meetings: four weeks of past meetings with attendance, minutes, a passed and a
failed motion, officers elected by motion, the next four weeks scheduled, and outside meetings
(seed_demo calls it)."""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from meetings import services
from meetings.demo_outside import demo_outside_meetings
from meetings.models import AgendaItem, Meeting, Motion
from residents.models import House, Membership
from residents.selectors import residents_on
from soberhouse.clock import wall_clock

PAST_WEEKS = 4
MINUTES = """Opened at {time} with the serenity prayer. {chair} chaired.

Check-in round: everyone shared one good thing from the week.

Chores: the kitchen has been kept well. A reminder to take the trash out on Monday nights.

House business: see the motions below.

Closed with the responsibility statement."""
MOTIONS = [
    ("Quiet hours start at 22:00 on weeknights.", "yes"),
    ("Overnight guests are allowed on Saturdays.", "no"),
]
ATTENDANCE = ["present", "present", "present", "late", "present", "excused", "present", "absent"]


class Command(BaseCommand):
    help = "Create the demo houses' meetings, officers and outside meetings (once per house)."

    @transaction.atomic
    def handle(self, *args, **options):
        for house in House.objects.filter(slug__in=["harbor", "cedar"]):
            if house.meetings.exists():
                continue
            self._past_meetings(house)
            services.meetings_schedule(house)
            self._outside_meetings(house)

    def _past_meetings(self, house: House) -> None:
        settings = services.meeting_settings(house)
        today = house.today()
        manager = Membership.objects.filter(house=house, role=Membership.Role.MANAGER).first()
        by = manager.user if manager else None
        first_day = today - dt.timedelta(days=(today.weekday() - settings.weekday) % 7 or 7)
        days = [first_day - dt.timedelta(weeks=week) for week in reversed(range(PAST_WEEKS))]
        for number, day in enumerate(days):
            people = list(residents_on(house, day))
            chair, secretary = people[0], people[1]
            meeting = Meeting.objects.create(
                house=house,
                starts_at=wall_clock(day, settings.time, house.time_zone),
                regular_on=day,
                place=settings.place,
                chair=chair,
                secretary=secretary,
            )
            AgendaItem.objects.create(
                meeting=meeting,
                kind=AgendaItem.Kind.ADDED,
                text="Planning the house barbecue",
                resident=people[2],
                discussed=True,
            )
            for person, status in zip(people, ATTENDANCE, strict=False):
                services.attendance_mark(meeting=meeting, resident=person, status=status, by=by)
            present = [
                person
                for person, status in zip(people, ATTENDANCE, strict=False)
                if status in ("present", "late")
            ]
            if number == 0:
                self._vote(
                    meeting,
                    present,
                    f"Elect {chair.name} as chair.",
                    "yes",
                    by,
                    office=Motion.Office.CHAIR,
                    nominee=chair,
                )
                self._vote(
                    meeting,
                    present,
                    f"Elect {secretary.name} as secretary.",
                    "yes",
                    by,
                    office=Motion.Office.SECRETARY,
                    nominee=secretary,
                )
            if number == PAST_WEEKS - 1:
                for text, lean in MOTIONS:
                    self._vote(meeting, present, text, lean, by)
            local = meeting.local_start()
            services.minutes_save(
                meeting=meeting,
                text=MINUTES.format(time=f"{local:%H:%M}", chair=chair.name),
                version=0,
                by=by,
            )
            services.meeting_close(meeting=meeting)

    def _vote(self, meeting, present, text, lean, by, **election) -> None:
        mover, seconder = present[0], present[1]
        motion = services.motion_propose(
            house=meeting.house,
            text=text,
            mover=mover,
            seconder=seconder,
            by=by,
            meeting=meeting,
            **election,
        )
        services.motion_open_vote(motion=motion, meeting=meeting, by=by)
        for index, person in enumerate(present):
            choice = lean if index % 4 != 3 else ("no" if lean == "yes" else "yes")
            if index == len(present) - 1:
                choice = "abstain"
            services.vote_cast(motion=motion, resident=person, choice=choice, by=person.user)
        services.motion_close(motion=motion, by=by)

    def _outside_meetings(self, house: House) -> None:
        demo_outside_meetings(house, house.today(), random.Random(house.slug))  # noqa: S311 - demo data
