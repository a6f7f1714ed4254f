"""A manager reads the chore history and its swaps on a phone, in a real Chromium."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import BrowserContext, expect

from chores.models import Assignment, Chore, Swap
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as
from tests.factories import make_assignment, make_resident


def test_a_manager_reads_the_history_and_its_swaps_on_a_phone(
    transactional_db, live_server, manager_harbor, harbor, phone: BrowserContext, screenshot
):
    today = harbor.today()
    long_ago = today - dt.timedelta(days=40)
    ana = make_resident(harbor, move_in=long_ago, full_name="Ana Reyes", email="ana@example.test")
    bo = make_resident(harbor, move_in=long_ago, full_name="Bo Lindqvist", email="bo@example.test")
    kitchen = Chore.objects.create(house=harbor, name="Kitchen floor", points=3)
    for back in range(1, 6):
        day = today - dt.timedelta(days=back)
        make_assignment(
            kitchen, day, ana if back % 2 else bo, status="missed" if back == 3 else "done"
        )
    swapped = Assignment.objects.get(day=today - dt.timedelta(days=2))
    Swap.objects.create(assignment=swapped, asked_by=ana, asked_of=bo, status="accepted")

    sign_in_as(phone, manager_harbor, live_server.url)
    page = phone.new_page()
    page.goto(f"{live_server.url}/houses/harbor/chores/")
    page.get_by_role("link", name="History and swaps").click()
    expect(page.get_by_role("heading", name="Chore history")).to_be_visible()
    expect(page.get_by_text("Ana Reyes asked Bo Lindqvist — accepted")).to_be_visible()
    outcomes = page.get_by_role("region", name="How the chores went")
    expect(outcomes.get_by_role("row", name="Ana Reyes 3 2 0 1 0 66.7%")).to_be_visible()
    screenshot(page, "history")
    assert_it_fits_a_phone(page)

    outcomes.get_by_role("link", name="Bo Lindqvist").click()
    expect(page.get_by_text("· Bo Lindqvist")).to_be_visible()
    days = page.get_by_role("region", name="Day by day")
    # Bo's two days; on a phone the header row is hidden, each cell carries its own label.
    expect(days.get_by_role("row")).to_have_count(2)
    screenshot(page, "one-resident")
    assert_it_fits_a_phone(page)
