"""The report's three files, all from ``tables.tables`` so that they say what the page says:
CSV (a zip with one file per section), XLSX (one sheet per section, numbers stored as numbers)
and PDF (WeasyPrint, from the page's own template)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from reports import charts
from reports.figures import Report
from reports.tables import CHANGE, NOTICE, NUMBER, PERCENT, TEXT, Table, tables
from soberhouse.spreadsheets import UTF8_BOM, SafeWriter, xlsx_cell

TITLE = "Soberhouse monthly report"


def filename(report: Report, extension: str) -> str:
    houses = report.houses[0].slug if len(report.houses) == 1 else f"{len(report.houses)}-houses"
    return f"soberhouse-report-{report.month.key}-{houses}.{extension}"


def _about(report: Report) -> list[str]:
    houses = ", ".join(house.name for house in report.houses)
    return [TITLE, report.month.label, f"Houses: {houses}"]


# CSV


def to_csv(report: Report) -> bytes:
    """A zip of one CSV file per section, with a README saying what the report is (and the
    confidentiality notice when residents are named). The zip's dates are the report month's,
    so the same report gives the same bytes."""
    stamp = (report.month.first.year, report.month.first.month, 1, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        readme = "\n".join(_about(report))
        if report.residents is not None:
            readme += f"\n\nCONFIDENTIAL\n{NOTICE}"
        archive.writestr(zipfile.ZipInfo("README.txt", stamp), readme + "\n")
        for number, table in enumerate(tables(report), start=1):
            name = f"{number:02d}-{table.key}.csv"
            archive.writestr(zipfile.ZipInfo(name, stamp), _csv_text(table))
    return buffer.getvalue()


def _csv_text(table: Table) -> str:
    out = io.StringIO(UTF8_BOM)
    out.seek(0, io.SEEK_END)
    writer = SafeWriter(out, lineterminator="\r\n")
    if table.confidential:
        writer.writerow([f"CONFIDENTIAL: {NOTICE}"])
    writer.writerow([column.title for column in table.columns])
    writer.writerows(_all_rows(table))
    return out.getvalue()


def _all_rows(table: Table) -> list[list]:
    return [*table.rows, *([table.total] if table.total else [])]


# XLSX

_FORMATS = {PERCENT: '0.0"%"', CHANGE: "+0.0;-0.0;0", NUMBER: "0.0", TEXT: "@"}


def to_xlsx(report: Report) -> bytes:
    """One sheet per section: a title row, the header row frozen below it, numbers stored as
    numbers (percentages as 62.5 shown "62.5%"), columns wide enough to read."""
    book = Workbook()
    book.remove(book.active)
    if report.residents is not None:
        notice = book.create_sheet("Confidential")
        notice["A1"], notice["A2"] = "CONFIDENTIAL", NOTICE
        notice["A1"].font = Font(bold=True)
        notice["A2"].alignment = Alignment(wrap_text=True, vertical="top")
        notice.column_dimensions["A"].width = 100
        notice.row_dimensions[2].height = 150
    for table in tables(report):
        _sheet(book, report, table)
    book.properties.title = f"{TITLE}, {report.month.label}"
    book.properties.creator = "Soberhouse"
    moment = dt.datetime.combine(report.month.first, dt.time())
    book.properties.created = book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, report: Report, table: Table) -> None:
    sheet = book.create_sheet(table.title[:31])
    sheet["A1"] = f"{table.title} · {report.month.label}"
    sheet["A1"].font = Font(bold=True, size=13)
    header_row = 2
    if table.confidential:
        sheet["A2"] = f"CONFIDENTIAL: {NOTICE}"
        sheet["A2"].alignment = Alignment(wrap_text=False)
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
        xlsx_cell(sheet, row=header_row + len(rows) + 2, column=1, value=table.note)


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
    change = None if now is None or before is None else round(now - before, 1)
    return {"title": title, "value": now, "change": change, "unit": unit}


def to_pdf(report: Report, *, paper: str = "letter") -> bytes:
    from weasyprint import HTML  # loads Pango: only where a PDF is made

    html = render_to_string("reports/report_pdf.html", {**page_context(report), "paper": paper})
    return HTML(string=html).write_pdf()


WRITERS = {
    "csv": lambda report, paper: to_csv(report),
    "xlsx": lambda report, paper: to_xlsx(report),
    "pdf": lambda report, paper: to_pdf(report, paper=paper),
}
EXTENSIONS = {"csv": "zip", "xlsx": "xlsx", "pdf": "pdf"}
