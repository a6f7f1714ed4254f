"""The report's files as the programs people open them with read them: the per-resident PDF
fits A4 and Letter and is tagged, percentages are written one way, every variant has its own
name, the XLSX prints well and wraps its notice."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from chores.models import Assignment, Chore
from reports import exports, figures
from reports.figures import Month
from tests.factories import HouseFactory, make_assignment, make_resident

OCTOBER = Month.of(2026, 10)
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
MADE = exports.Made(by="Sam Staff (sam@example.test)", at=NOW)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def residents(harbor, cedar):
    ana = make_resident(
        harbor, move_in=dt.date(2026, 9, 1), full_name="Anastasia Montgomery-Fitzwilliam"
    )
    make_resident(cedar, move_in=dt.date(2026, 10, 16), full_name="José Ñúñez")
    chore = Chore.objects.create(house=harbor, name="Kitchen")
    for day in (5, 6, 7, 8):
        make_assignment(chore, dt.date(2026, 10, day), ana, status=Assignment.Status.DONE)
    make_assignment(chore, dt.date(2026, 10, 9), ana, status=Assignment.Status.MISSED)
    return figures.build([harbor, cedar], OCTOBER, with_residents=True)


def _texts_with_x(page) -> list[tuple[str, float]]:
    found = []

    def visit(text, matrix, text_matrix, font, size):
        if text.strip():
            found.append((text.strip(), matrix[4] + text_matrix[4] * matrix[0]))

    page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize(("paper", "long_side"), [("a4", 842), ("letter", 792)])
def test_the_per_resident_table_fits_the_page(residents, paper, long_side):
    reader = PdfReader(io.BytesIO(exports.to_pdf(residents, paper=paper, made=MADE)))
    [page] = [page for page in reader.pages if "Montgomery" in page.extract_text()]
    width, height = (float(value) for value in page.mediabox[2:])
    assert round(width) == long_side and width > height  # a landscape page of that paper
    texts = _texts_with_x(page)
    # Every column is there, the last one too, and nothing starts past the right margin
    # (12 mm) or runs off it: the widest cell ends inside the page.
    assert "Weeks" in [text for text, _ in texts]
    right_margin = width - 12 / 25.4 * 72
    assert max(x for _, x in texts) < right_margin - 10
    # The other pages stay portrait.
    assert all(float(p.mediabox[2]) < float(p.mediabox[3]) for p in reader.pages if p != page)


def test_the_pdf_is_tagged_and_says_when_and_by_whom(residents):
    reader = PdfReader(io.BytesIO(exports.to_pdf(residents, paper="a4", made=MADE)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "en"
    assert "pdfuaid:part" in root["/Metadata"].get_object().get_data().decode()
    kinds = set()
    pending = [root["/StructTreeRoot"].get_object()]
    while pending:
        node = pending.pop()
        kinds.add(node.get("/S"))
        children = node.get("/K", [])
        for child in children if isinstance(children, list) else [children]:
            child = child.get_object() if hasattr(child, "get_object") else child
            if isinstance(child, dict):
                pending.append(child)
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    text = reader.pages[0].extract_text()
    assert "Made 20 Nov 2026, 6:00 p.m. UTC by Sam Staff (sam@example.test)" in text
    assert reader.metadata.author == MADE.by


def _percentages(text: str) -> list[str]:
    return re.findall(r"\d[\d.,]*\s?%", text)


def test_a_percentage_is_written_one_way(client, staff, residents):
    client.force_login(staff)
    page = client.get("/reports/?month=2026-10&residents=on").content.decode()
    # The charts' axes keep their round ticks (0%, 25%...); every figure follows the one rule.
    axes = re.findall(r'<g class="report-chart-grid".*?</g>', page, flags=re.S)
    ticks = set(_percentages(" ".join(axes)))
    assert ticks >= {"0%", "100%"}
    pdf = PdfReader(io.BytesIO(exports.to_pdf(residents, made=MADE)))
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    for text in (page, pdf_text):
        shown = [found for found in _percentages(text) if found not in ticks]
        assert len(shown) > 10
        assert [found for found in shown if not re.fullmatch(r"\d+\.\d%", found)] == []
        assert "80.0%" in shown  # Ana's chores, 4 of 5: a whole number, written as the rest


def test_every_variant_has_its_own_file_name(harbor, cedar):
    third = HouseFactory(slug="oak")
    many = [HouseFactory(slug=f"house-{n}") for n in range(4)]
    names = set()
    for houses, with_residents in itertools.product(
        [[harbor], [harbor, cedar], [harbor, third], many, many[:3] + [harbor]], [False, True]
    ):
        report = figures.build(houses, OCTOBER, with_residents=with_residents)
        for format, paper in [("csv", "a4"), ("xlsx", "a4"), ("pdf", "a4"), ("pdf", "letter")]:
            name = exports.filename(report, format, paper=paper)
            assert name.startswith("soberhouse-report-2026-10-")
            assert ("confidential" in name) == with_residents
            assert (paper in name) == (format == "pdf")
            names.add(name)
    assert len(names) == 5 * 2 * 4
    report = figures.build([harbor, cedar], OCTOBER, with_residents=True)
    assert exports.filename(report, "pdf", paper="a4") == (
        "soberhouse-report-2026-10-cedar_harbor-a4-confidential.pdf"
    )


def test_the_xlsx_wraps_the_notice_and_prints_wide_tables_landscape(residents):
    book = load_workbook(io.BytesIO(exports.to_xlsx(residents, made=MADE)))
    sheet = book["Residents"]
    notice = sheet["A2"]
    assert notice.value.startswith("CONFIDENTIAL: ") and notice.alignment.wrap_text
    assert "A2:M2" in {str(merged) for merged in sheet.merged_cells.ranges}
    assert sheet.row_dimensions[2].height >= 60  # its whole text shows
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.print_title_rows == "$1:$3"
    assert "CONFIDENTIAL" in sheet.oddHeader.center.text
    assert book["Census"].page_setup.orientation == "portrait"
    assert book["Confidential"]["A2"].alignment.wrap_text
