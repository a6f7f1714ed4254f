"""The report's three files, all from ``tables.tables`` so that they say what the page says:
CSV (a zip with one file per section), XLSX (one sheet per section, numbers stored as numbers)
and PDF (WeasyPrint, from the page's own template, tagged for screen readers).

Each file says when it was made and by whom (:class:`Made`), and each variant has its own name:
month, houses, paper (a PDF) and "confidential" when it names residents."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import zipfile
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from reports import charts
from reports.figures import Report
from reports.tables import (
    CHANGE,
    COUNT,
    MONTH,
    NOTICE,
    NUMBER,
    PERCENT,
    TEXT,
    Table,
    one_decimal,
    show,
    tables,
)
from soberhouse import moments
from soberhouse.spreadsheets import csv_text, xlsx_cell

TITLE = "Soberhouse monthly report"
SYSTEM = "Soberhouse, the monthly report of every house"
# The short notice every row of a CSV naming residents carries, in its own column.
ROW_NOTICE = "CONFIDENTIAL (42 CFR Part 2): no further disclosure; the notice is in README.txt"
NAMED_HOUSES = 3  # up to this many houses are named by slug in a file name


@dataclass(frozen=True)
class Made:
    """When a file was made and for whom: the person who asked, or the system's monthly run."""

    by: str = SYSTEM
    at: dt.datetime = field(default_factory=timezone.now)

    @classmethod
    def for_user(cls, user, at: dt.datetime) -> Made:
        if user is None:
            return cls(at=at)
        name = user.full_name or user.email
        return cls(by=f"{name} ({user.email})" if user.full_name else name, at=at)

    def line(self, report: Report) -> str:
        """ "Made 20 Nov 2026, 10:00 a.m. PST by Sam Staff (staff@example.org)", in the houses'
        zone when they share one, else in UTC."""
        zones = {house.time_zone for house in report.houses}
        zone = zones.pop() if len(zones) == 1 else "UTC"
        return f"Made {moments.shown(self.at, 'stamp', zone)} by {self.by}"


def filename(report: Report, format: str, *, paper: str = "letter") -> str:
    """A name of its own for every variant: soberhouse-report-2026-10-harbor-a4-confidential.pdf.
    Up to three houses are named; more are counted, with a short digest of which they are."""
    slugs = sorted(house.slug for house in report.houses)
    if len(slugs) <= NAMED_HOUSES:
        houses = "_".join(slugs)
    else:
        digest = hashlib.sha256(" ".join(slugs).encode()).hexdigest()[:6]
        houses = f"{len(slugs)}-houses-{digest}"
    parts = ["soberhouse-report", report.month.key, houses]
    if format == "pdf":
        parts.append(paper)
    if report.residents is not None:
        parts.append("confidential")
    return f"{'-'.join(parts)}.{EXTENSIONS[format]}"


def _about(report: Report, made: Made) -> list[str]:
    houses = ", ".join(house.name for house in report.houses)
    return [TITLE, report.month.label, f"Houses: {houses}", made.line(report)]


# CSV


def to_csv(report: Report, *, made: Made | None = None) -> bytes:
    """A zip of one CSV file per section (UTF-8 with the mark Excel needs, the header on the
    first line), with a README saying what the report is, and the confidentiality notice when
    residents are named (each of their rows then carries a short notice in its last column).
    The zip's dates are the report month's, so the same report made at the same moment gives
    the same bytes."""
    made = made or Made()
    stamp = (report.month.first.year, report.month.first.month, 1, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = "\r\n".join(_about(report, made))
        if report.residents is not None:
            readme += f"\r\n\r\nCONFIDENTIAL\r\n{NOTICE}"
        archive.writestr(zipfile.ZipInfo("README.txt", stamp), readme + "\r\n")
        for number, table in enumerate(tables(report), start=1):
            name = f"{number:02d}-{table.key}{'-confidential' if table.confidential else ''}.csv"
            archive.writestr(zipfile.ZipInfo(name, stamp), _csv_text(table))
    return buffer.getvalue()


def _csv_text(table: Table) -> str:
    header = [column.title for column in table.columns]
    rows = [
        [_csv_value(value, column) for value, column in zip(row, table.columns, strict=True)]
        for row in _all_rows(table)
    ]
    if table.confidential:
        header.append("Notice")
        rows = [[*row, ROW_NOTICE] for row in rows]
    return csv_text(header, rows)


def _csv_value(value, column):
    if column.kind == MONTH and isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    return value


def _all_rows(table: Table) -> list[list]:
    return [*table.rows, *([table.total] if table.total else [])]


# XLSX

_FORMATS = {
    PERCENT: '0.0"%"',
    CHANGE: "+0.0;-0.0;0.0",
    NUMBER: "0.0",
    TEXT: "@",
    MONTH: "mmmm yyyy",
}
_NOTICE_WIDTH = 100  # characters, the notice sheet's one column


def to_xlsx(report: Report, *, made: Made | None = None) -> bytes:
    """One sheet per section: a title row, the header row frozen below it, numbers stored as
    numbers (percentages as 62.5 shown "62.5%", months as dates), columns wide enough to read,
    and set up to print: fitted to the page's width, the title and header repeated on every
    page, landscape for a wide table."""
    made = made or Made()
    book = Workbook()
    book.remove(book.active)
    if report.residents is not None:
        notice = book.create_sheet("Confidential")
        xlsx_cell(notice, row=1, column=1, value="CONFIDENTIAL").font = Font(bold=True)
        text = xlsx_cell(notice, row=2, column=1, value=NOTICE)
        text.alignment = Alignment(wrap_text=True, vertical="top")
        notice.column_dimensions["A"].width = _NOTICE_WIDTH
        notice.row_dimensions[2].height = _wrapped_height(NOTICE, _NOTICE_WIDTH)
        _print_setup(notice, title_rows=1, landscape=False)
    for table in tables(report):
        _sheet(book, report, table)
    about = book.create_sheet("About")
    for number, line in enumerate(_about(report, made), start=1):
        xlsx_cell(about, row=number, column=1, value=line)
    about.column_dimensions["A"].width = 80
    _print_setup(about, title_rows=1, landscape=False)
    book.properties.title = f"{TITLE}, {report.month.label}"
    book.properties.creator = made.by
    moment = made.at.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, report: Report, table: Table) -> None:
    sheet = book.create_sheet(table.title[:31])
    title = xlsx_cell(sheet, row=1, column=1, value=f"{table.title} · {report.month.label}")
    title.font = Font(bold=True, size=13)
    header_row = 2
    if table.confidential:
        # The notice across the table's width, wrapped, on a row tall enough to show it all.
        last = len(table.columns)
        notice = xlsx_cell(sheet, row=2, column=1, value=f"CONFIDENTIAL: {NOTICE}")
        notice.alignment = Alignment(wrap_text=True, vertical="top")
        notice.font = Font(bold=True)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
        width = sum(max(column.width, 8) for column in table.columns)
        sheet.row_dimensions[2].height = _wrapped_height(notice.value, width)
        sheet.oddHeader.center.text = "CONFIDENTIAL: names residents (42 CFR Part 2)"
        header_row = 3
    for index, column in enumerate(table.columns, start=1):
        cell = xlsx_cell(sheet, row=header_row, column=index, value=column.title)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(column.width, 8)
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    rows = _all_rows(table)
    for offset, row in enumerate(rows, start=1):
        is_total = table.total is not None and offset == len(rows)
        for index, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            cell = xlsx_cell(sheet, row=header_row + offset, column=index, value=value)
            if column.kind in _FORMATS and value is not None:
                cell.number_format = _FORMATS[column.kind]
            if is_total:
                cell.font = Font(bold=True)
    if table.note:
        note = xlsx_cell(sheet, row=header_row + len(rows) + 2, column=1, value=table.note)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(
            start_row=note.row, start_column=1, end_row=note.row, end_column=len(table.columns)
        )
        width = sum(max(column.width, 8) for column in table.columns)
        sheet.row_dimensions[note.row].height = _wrapped_height(table.note, width)
    _print_setup(sheet, title_rows=header_row, landscape=table.wide)


def _print_setup(sheet, *, title_rows: int, landscape: bool) -> None:
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as it takes
    sheet.print_title_rows = f"1:{title_rows}"
    sheet.oddFooter.center.text = "Page &P of &N"


def _wrapped_height(text: str, width: int) -> float:
    """Points for a row holding ``text`` wrapped in ``width`` characters (15 points a line,
    allowing for bold and wide letters)."""
    return 15.0 * (math.ceil(len(text) * 1.15 / width) + 1)


# PDF


def page_context(report: Report) -> dict:
    """What the page and the PDF both show: the tables, the trend charts and the headline
    figures with their change from the month before."""
    labels = [month.short for month in report.months]
    totals = [report.total(month) for month in report.months]
    now, before = report.total(), report.total(report.previous)
    trend = [
        charts.line_chart(
            title=title,
            labels=labels,
            series=[charts.Series("All houses", [value(total) for total in totals])],
        )
        for title, value in (
            ("Occupancy", lambda total: total.census.occupancy_percent),
            ("Chore completion", lambda total: total.chores.completion_percent),
            ("House meeting attendance", lambda total: total.meetings.attendance_percent),
        )
    ]
    headline = [
        ("Occupancy", now.census.occupancy_percent, before.census.occupancy_percent, "%"),
        ("Chore completion", now.chores.completion_percent, before.chores.completion_percent, "%"),
        (
            "House meeting attendance",
            now.meetings.attendance_percent,
            before.meetings.attendance_percent,
            "%",
        ),
        ("Residents at month end", now.census.at_month_end, before.census.at_month_end, ""),
        (
            "Milestones reached",
            now.recovery.milestones_reached,
            before.recovery.milestones_reached,
            "",
        ),
        ("Outside meetings", now.outside.meetings, before.outside.meetings, ""),
    ]
    return {
        "report": report,
        "tables": tables(report),
        "trend_charts": trend,
        "headline": [_headline(*item) for item in headline],
        "notice": NOTICE,
    }


def _headline(title: str, now, before, unit: str) -> dict:
    """A headline figure and its change, written as the tables write them."""
    change = None if now is None or before is None else round(now - before, 1)
    if unit == "%":
        value_text = show(now, PERCENT)
        change_text = None if change is None else f"{one_decimal(abs(change))} points"
    else:
        value_text = show(now, COUNT)
        change_text = None if change is None else f"{abs(change):,}"
    return {
        "title": title,
        "value": now,
        "value_text": value_text,
        "change": change,
        "change_text": change_text,
    }


def to_pdf(report: Report, *, paper: str = "letter", made: Made | None = None) -> bytes:
    """The page as a PDF on Letter or A4: a table too wide for a portrait page gets a
    landscape one, headers wrap, every column fits. Tagged (PDF/UA-1), so a screen reader
    reads its headings and tables, and it says when it was made and by whom."""
    from weasyprint import HTML  # loads Pango: only where a PDF is made

    made = made or Made()
    context = {
        **page_context(report),
        "paper": paper,
        "made_line": made.line(report),
        "made_by": made.by,
        "made_at": made.at.astimezone(dt.UTC).isoformat(timespec="seconds"),
    }
    html = render_to_string("reports/report_pdf.html", context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


WRITERS = {
    "csv": lambda report, *, paper, made: to_csv(report, made=made),
    "xlsx": lambda report, *, paper, made: to_xlsx(report, made=made),
    "pdf": lambda report, *, paper, made: to_pdf(report, paper=paper, made=made),
}
EXTENSIONS = {"csv": "zip", "xlsx": "xlsx", "pdf": "pdf"}
