"""A resident's house meetings and outside meetings in their ``/me/data/`` archive (registered
from ``MeetingsConfig.ready``)."""

from __future__ import annotations

import zipfile

from meetings.models import Attendance, OutsideMeeting, Vote
from residents.export import write_csv
from residents.models import Resident

README = """
outside_meetings.csv
    Each outside meeting you logged: day, house, meeting name, fellowship, in person or
    online, your note, and when it was verified.

house_meetings.csv
    Your attendance at house meetings: when the meeting began, house, place, and whether you
    were present, late, excused or absent.

votes.csv
    Each vote you cast (or that was recorded for you) on a motion: when, house, the motion,
    and your vote.
"""


def write(archive: zipfile.ZipFile, resident: Resident) -> None:
    outside = (
        OutsideMeeting.objects.filter(resident=resident)
        .select_related("house")
        .order_by("day", "id")
    )
    write_csv(
        archive,
        "outside_meetings.csv",
        ["day", "house", "name", "fellowship", "format", "note", "verified_at"],
        (
            [
                meeting.day,
                meeting.house.name,
                meeting.name,
                meeting.get_fellowship_display(),
                meeting.get_format_display(),
                meeting.note,
                meeting.verified_at,
            ]
            for meeting in outside.iterator(chunk_size=2000)
        ),
    )
    attendance = (
        Attendance.objects.filter(resident=resident)
        .select_related("meeting__house")
        .order_by("meeting__starts_at", "id")
    )
    write_csv(
        archive,
        "house_meetings.csv",
        ["starts_at", "house", "place", "attendance"],
        (
            [
                row.meeting.starts_at,
                row.meeting.house.name,
                row.meeting.place,
                row.get_status_display(),
            ]
            for row in attendance.iterator(chunk_size=2000)
        ),
    )
    votes = Vote.objects.filter(resident=resident).select_related("motion__house").order_by("at")
    write_csv(
        archive,
        "votes.csv",
        ["at", "house", "motion", "vote"],
        (
            [vote.at, vote.motion.house.name, vote.motion.text, vote.get_choice_display()]
            for vote in votes.iterator(chunk_size=2000)
        ),
    )
