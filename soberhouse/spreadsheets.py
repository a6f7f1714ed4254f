"""The one way text typed by people goes into a CSV or XLSX cell.

A spreadsheet program treats a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some,
a tab or a carriage return) as a formula, so a name typed as ``=HYPERLINK(...)`` would run when
the file is opened. Every writer of CSV or XLSX passes each cell through :func:`safe_cell`, which
puts an apostrophe before such text (the mark spreadsheets read as "this is text") and leaves
numbers, dates and empty cells as they are, so figures stay figures.

CSV writers use :class:`SafeWriter` (or :func:`csv_text`); XLSX writers set every cell with
:func:`xlsx_cell`, which also keeps out the control characters an XLSX file cannot hold.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Excel reads a CSV as UTF-8 only when it opens with this mark.
UTF8_BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """``value`` made safe for a spreadsheet cell: text that a spreadsheet would read as a
    formula gets a leading apostrophe; None becomes an empty cell; anything else is unchanged."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through :func:`safe_cell`."""

    def __init__(self, stream: io.TextIOBase, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, bom: bool = True) -> str:
    """A whole CSV as text (CRLF line ends, as RFC 4180 says), opening with the UTF-8 mark
    unless ``bom`` is false."""
    out = io.StringIO()
    if bom:
        out.write(UTF8_BOM)
    writer = SafeWriter(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def xlsx_cell(sheet, *, row: int, column: int, value: Any):
    """Set one cell of an openpyxl sheet from ``value`` made safe: formula text escaped as in
    :func:`safe_cell` and marked as text (so editing it in Excel keeps it text), and control
    characters an XLSX file cannot hold left out, so a stored name never breaks the file.
    Returns the cell, for styling."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    value = safe_cell(value)
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never "f", whatever the text
        if value.startswith("'"):
            cell.quotePrefix = True
    return cell
