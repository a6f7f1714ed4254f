import csv
import io

import pytest

from soberhouse.spreadsheets import UTF8_BOM, csv_text, safe_cell, xlsx_cell


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-1+2", "@SUM(A1)", "\tx", "\rx"]
)
def test_it_makes_formula_text_plain(typed):
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("value", [3, -2, 1.5, "Dana", "", "a=b"])
def test_it_leaves_other_cells_alone(value):
    assert safe_cell(value) == value


def test_it_writes_a_csv_that_opens_with_the_mark_and_escapes_cells():
    text = csv_text(["name", "days"], [["=1+1", 12], [None, -3]])
    assert text.startswith(UTF8_BOM)
    rows = list(csv.reader(io.StringIO(text.removeprefix(UTF8_BOM))))
    assert rows == [["name", "days"], ["'=1+1", "12"], ["", "-3"]]


def test_an_xlsx_cell_is_never_a_formula_and_keeps_numbers():
    from openpyxl import Workbook

    sheet = Workbook().active
    typed = xlsx_cell(sheet, row=1, column=1, value="=1+1")
    hidden = xlsx_cell(sheet, row=2, column=1, value="\x01=HYPERLINK(1)")  # a control first
    number = xlsx_cell(sheet, row=3, column=1, value=-2.5)
    assert (typed.value, typed.data_type, typed.quotePrefix) == ("'=1+1", "s", True)
    assert (hidden.value, hidden.data_type) == ("'=HYPERLINK(1)", "s")
    assert (number.value, number.data_type) == (-2.5, "n")
