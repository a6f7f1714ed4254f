"""The monthly report in a real Chromium: staff's month (open the report, export XLSX and PDF
with the progress bar, download both) on a phone and on a laptop; a manager reads their
house's report on a phone."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import BrowserContext, expect
from pypdf import PdfReader

from chores.models import Assignment, Chore
from reports.forms import latest_month
from tests.conftest import tasks_sent_to_a_queue, worker_for
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as
from tests.factories import make_assignment, make_resident


def _lived_in(harbor, cedar):
    month = latest_month([harbor, cedar])
    before = month.first - dt.timedelta(days=60)
    ana = make_resident(harbor, move_in=before, full_name="Ana Reyes", email="ana@example.test")
    make_resident(harbor, move_in=before, full_name="Bo Lind", email="bo@example.test")
    make_resident(cedar, move_in=before, full_name="Cy Cedar", email="cy@example.test")
    chore = Chore.objects.create(house=harbor, name="Kitchen")
    for day in range(1, 9):
        status = Assignment.Status.MISSED if day == 4 else Assignment.Status.DONE
        make_assignment(chore, month.first.replace(day=day), ana, status=status)
    return month


@pytest.mark.parametrize("device", ["phone", "laptop"])
def test_staffs_month_open_the_report_export_xlsx_and_pdf_and_download_both(
    request, transactional_db, live_server, staff, harbor, cedar, screenshot, device
):
    month = _lived_in(harbor, cedar)
    context: BrowserContext = request.getfixturevalue(device)
    sign_in_as(context, staff, live_server.url)
    page = context.new_page()

    def step(name: str) -> None:
        screenshot(page, name)
        if device == "phone":
            assert_it_fits_a_phone(page)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Monthly report")).to_be_visible()
    expect(page.get_by_text(f"{month.label} · 2 houses")).to_be_visible()
    expect(page.get_by_role("img", name="Chore completion")).to_be_visible()
    census = page.get_by_role("region", name="Census")
    expect(census.get_by_role("row", name="All houses")).to_be_visible()
    # Exporting sits near the top, above the figures, not at the foot of a long page.
    export = page.get_by_role("button", name="Export").bounding_box()
    assert export["y"] < page.get_by_label("The month at a glance").bounding_box()["y"]
    if device == "laptop":
        assert export["y"] + export["height"] <= 800 * 1.5, export
    step("report")

    for file_type, check in (("Excel (XLSX)", _xlsx), ("PDF", _pdf)):
        page.goto(f"{live_server.url}/reports/")
        page.get_by_label(file_type).check()
        with tasks_sent_to_a_queue() as queue:
            page.get_by_role("button", name="Export").click()
            # No worker yet: the job waits, and the page says so with its progress bar.
            bar = page.get_by_role("progressbar")
            expect(bar).to_have_attribute("value", "0")
            expect(page.get_by_text("Waiting for a worker… 0%")).to_be_visible()
            step(f"waiting-{file_type}")
            _the_bar_is_in_the_apps_colours(page)
            with worker_for(queue):
                # The page asks again every second until the worker has made the file.
                expect(page.get_by_role("status")).to_contain_text(
                    "Your file is ready", timeout=30_000
                )
        step(f"ready-{file_type}")
        with page.expect_download() as download:
            page.get_by_role("link", name="Download").click()
        check(download.value.path().read_bytes(), month)


BRAND = (0x1F, 0x5F, 0x5B)  # --brand in app.css


def _the_bar_is_in_the_apps_colours(page) -> None:
    """Half full, the bar's filled part is the app's green, not the browser's own blue. (A
    copy of the bar, beside it, so that the page's asking again every second cannot swap it
    away.)"""
    page.evaluate(
        """() => {
            const box = document.createElement("div");
            box.className = "export-progress";
            const copy = document.querySelector(".export-progress progress").cloneNode();
            copy.id = "half-full";
            copy.value = 50;
            box.append(copy);
            document.querySelector("main").append(box);
        }"""
    )
    bar = page.locator("#half-full")
    shot = Image.open(io.BytesIO(bar.screenshot())).convert("RGB")
    width, height = shot.size
    filled = shot.getpixel((width // 4, height // 2))
    assert all(abs(mine - theirs) <= 12 for mine, theirs in zip(filled, BRAND, strict=True)), filled
    bar.evaluate("bar => bar.parentElement.remove()")


def _xlsx(content: bytes, month) -> None:
    book = load_workbook(io.BytesIO(content))
    chores = book["Chores"]
    assert chores["A1"].value == f"Chores · {month.label}"
    assert [cell.value for cell in chores[4]][:8] == ["Harbor House", 8, 7, 0, 1, 0, 0, 87.5]


def _pdf(content: bytes, month) -> None:
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )
    assert f"Monthly report · {month.label}" in text and "87.5%" in text


def test_a_manager_reads_their_report_on_a_phone(
    transactional_db,
    live_server,
    manager_harbor,
    harbor,
    cedar,
    phone: BrowserContext,
    screenshot,
):
    month = _lived_in(harbor, cedar)
    sign_in_as(phone, manager_harbor, live_server.url)
    page = phone.new_page()
    page.goto(f"{live_server.url}/reports/")
    expect(page.get_by_text(f"{month.label} · Harbor House")).to_be_visible()
    expect(page.get_by_text("Cedar House")).to_have_count(0)
    screenshot(page, "report")
    assert_it_fits_a_phone(page)
    page.get_by_label("Per-resident rows").check()
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("heading", name="Confidential")).to_be_visible()
    expect(page.get_by_role("region", name="Residents").get_by_text("Ana Reyes")).to_be_visible()
    screenshot(page, "with-residents")
    assert_it_fits_a_phone(page)
