"""The demo's house meetings: four weeks of past meetings with their agendas, attendance, minutes,
a passed and a failed motion, officers elected by motion, the next four weeks scheduled, and
outside meetings (seed_demo calls it).

Each past meeting is run through the same services a house uses, at the meeting's own time (the
agenda the day before, the attendance, votes, minutes and close during it), so the decisions
log, the monthly report and the next agendas read the dates a real house would have: the
business the last meeting did not reach is carried to the next one, and nothing else comes
back."""

from __future__ import annotations

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from meetings import services
from meetings.demo_outside import demo_outside_meetings
from meetings.models import Meeting, Motion
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
# What a resident added to each past meeting's agenda, oldest first; the last meeting ran out of
# time before the last item, which is carried over to the next one.
BUSINESS = [
    ["Planning the house barbecue"],
    ["A shelf in the fridge for each room"],
    ["Rides to the Saturday speaker meeting"],
    ["Quiet hours on weeknights", "Visitors' parking on the street"],
]
NOT_REACHED = "Visitors' parking on the street"


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
            starts_at = wall_clock(day, settings.time, house.time_zone)

            def at(minutes: int, starts_at=starts_at) -> dt.datetime:
                return starts_at + dt.timedelta(minutes=minutes)

            meeting = Meeting.objects.create(
                house=house,
                starts_at=starts_at,
                regular_on=day,
                place=settings.place,
                chair=chair,
                secretary=secretary,
                created_at=at(-services.WEEKS_AHEAD * 7 * 24 * 60),
            )
            services.agenda_refresh(meeting, now=at(-60))
            for text in BUSINESS[number]:
                services.agenda_add(meeting=meeting, text=text, by=people[2].user, now=at(-120))
            for person, status in zip(people, ATTENDANCE, strict=False):
                services.attendance_mark(
                    meeting=meeting, resident=person, status=status, by=by, now=at(5)
                )
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
                    at(20),
                    office=Motion.Office.CHAIR,
                    nominee=chair,
                )
                self._vote(
                    meeting,
                    present,
                    f"Elect {secretary.name} as secretary.",
                    "yes",
                    by,
                    at(30),
                    office=Motion.Office.SECRETARY,
                    nominee=secretary,
                )
            if number == PAST_WEEKS - 1:
                for index, (text, lean) in enumerate(MOTIONS):
                    self._vote(meeting, present, text, lean, by, at(20 + 10 * index))
            for item in meeting.agenda.exclude(text=NOT_REACHED):
                services.agenda_discussed(item=item, discussed=True)
            local = meeting.local_start()
            services.minutes_save(
                meeting=meeting,
                text=MINUTES.format(time=f"{local:%H:%M}", chair=chair.name),
                version=0,
                by=by,
                now=at(70),
            )
            services.meeting_close(meeting=meeting, now=at(75))

    def _vote(self, meeting, present, text, lean, by, moved_at, **election) -> None:
        """Propose, second, vote and close a motion over a few minutes from ``moved_at``."""
        mover, seconder = present[0], present[1]
        motion = services.motion_propose(
            house=meeting.house,
            text=text,
            mover=mover,
            seconder=seconder,
            by=by,
            meeting=meeting,
            now=moved_at,
            **election,
        )
        services.motion_open_vote(
            motion=motion, meeting=meeting, by=by, now=moved_at + dt.timedelta(minutes=2)
        )
        for index, person in enumerate(present):
            choice = lean if index % 4 != 3 else ("no" if lean == "yes" else "yes")
            if index == len(present) - 1:
                choice = "abstain"
            services.vote_cast(
                motion=motion,
                resident=person,
                choice=choice,
                by=person.user,
                now=moved_at + dt.timedelta(minutes=3),
            )
        services.motion_close(motion=motion, by=by, now=moved_at + dt.timedelta(minutes=6))

    def _outside_meetings(self, house: House) -> None:
        demo_outside_meetings(house, house.today(), random.Random(house.slug))  # noqa: S311 - demo data
