"""A resident ticks a chore done on a phone and sees it move to "done" without a reload."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import BrowserContext, Page, expect

from chores.models import Assignment, Chore
from chores.schedule import due_at
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as


def test_a_resident_ticks_a_chore_done_on_a_phone(
    transactional_db,
    live_server,
    harbor,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    chore = Chore.objects.create(
        house=harbor,
        name="Kitchen",
        area="Downstairs",
        checklist="Wipe the counters\nEmpty the sink\nMop the floor",
        due_time=dt.time(23, 30),
    )
    today = harbor.today()
    assignment = Assignment.objects.create(
        chore=chore,
        house=harbor,
        day=today,
        due_at=due_at(today, chore.due_time, harbor.time_zone),
        resident=resident_harbor,
        points=chore.points,
    )
    to_do, done = page.locator("#chores-to-do"), page.locator("#chores-done")

    sign_in_as(phone, resident_harbor.user, live_server.url)
    page.goto(f"{live_server.url}/chores/")
    expect(to_do).to_contain_text("Kitchen")
    expect(to_do.get_by_text("Mop the floor")).to_be_visible()
    expect(page.get_by_text("Nothing ticked off yet today.")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "to-do")

    page.get_by_text("Add a note").click()
    page.get_by_label("A note").fill("Cleaned the fridge too")
    screenshot(page, "note-typed")
    # A full page load would forget this marker: it shows the tick made no reload.
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Mark as done").click()

    expect(done).to_contain_text("Kitchen")
    expect(done).to_contain_text("Your note: Cleaned the fridge too")
    expect(to_do).not_to_contain_text("Kitchen")
    expect(page.get_by_text("Nothing left to do today. Well done.")).to_be_visible()
    expect(done.get_by_role("button", name="Undo")).to_be_visible()
    assert page.evaluate("window.stillTheSamePage === true")
    assert_it_fits_a_phone(page)
    screenshot(page, "moved-to-done")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.note) == ("done", "Cleaned the fridge too")

    done.get_by_role("button", name="Undo").click()
    expect(to_do).to_contain_text("Kitchen")
    expect(done).not_to_contain_text("Kitchen")
    assert page.evaluate("window.stillTheSamePage === true")
    assert_it_fits_a_phone(page)
    screenshot(page, "undone")
    assignment.refresh_from_db()
    assert assignment.status == "to_do"
