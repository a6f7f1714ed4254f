"""A resident's chores in their ``/me/data/`` archive (registered from ``ChoresConfig.ready``)."""

from __future__ import annotations

import zipfile

from chores.models import Assignment
from residents.export import write_csv
from residents.models import Resident

README = """
chores.csv
    Each chore you were given: day, house, chore, area, when it was due, status, when you
    ticked it done, your note, when it was checked and the checker's note, and whether it
    needed a redo or was late.
"""


def write(archive: zipfile.ZipFile, resident: Resident) -> None:
    assignments = (
        Assignment.objects.filter(resident=resident)
        .select_related("chore", "house")
        .order_by("day", "due_at", "id")
    )
    header = [
        "day",
        "house",
        "chore",
        "area",
        "due_at",
        "status",
        "done_at",
        "note",
        "checked_at",
        "check_note",
        "redo_count",
        "late",
    ]
    rows = (
        [
            assignment.day,
            assignment.house.name,
            assignment.chore.name,
            assignment.chore.area,
            assignment.due_at,
            assignment.get_status_display(),
            assignment.done_at,
            assignment.note,
            assignment.checked_at,
            assignment.check_note,
            assignment.redo_count,
            "yes" if assignment.late else "no",
        ]
        for assignment in assignments.iterator(chunk_size=2000)
    )
    write_csv(archive, "chores.csv", header, rows)
