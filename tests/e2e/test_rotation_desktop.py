"""A manager sets up a chore and previews the rotation on a laptop, in a real Chromium."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import BrowserContext, expect

from chores.models import Assignment, Chore
from tests.e2e.conftest import sign_in_as
from tests.e2e.forms import fill_chore
from tests.factories import make_resident

NAMES = ["Ana Reyes", "Bo Lindqvist", "Cy Okafor"]


def test_a_manager_adds_a_chore_and_previews_the_rotation(
    transactional_db, live_server, manager_harbor, harbor, laptop: BrowserContext, screenshot
):
    for number, name in enumerate(NAMES):
        make_resident(
            harbor,
            move_in=harbor.today() - dt.timedelta(days=30),
            full_name=name,
            email=f"housemate{number}@example.test",
        )
    sign_in_as(laptop, manager_harbor, live_server.url)
    page = laptop.new_page()
    page.goto(f"{live_server.url}/houses/harbor/chores/")
    expect(page.get_by_role("heading", name="Chores", exact=True)).to_be_visible()
    screenshot(page, "chores")

    page.get_by_role("link", name="Add a chore").click()
    expect(page.get_by_role("heading", name="Add a chore")).to_be_visible()
    fill_chore(page)
    screenshot(page, "form-missing-weekdays")
    page.get_by_role("button", name="Add the chore").click()
    expect(page.locator("form").get_by_text("Tick at least one weekday")).to_be_visible()
    expect(page.get_by_label("Name")).to_have_value("Kitchen floor")
    screenshot(page, "form-explains")
    for day in ("Monday", "Wednesday", "Friday"):
        page.get_by_label(day).check()
    page.get_by_label("Time due").fill("19:30")
    page.get_by_role("button", name="Add the chore").click()

    expect(page.get_by_text("“Kitchen floor” is saved.")).to_be_visible()
    expect(page.get_by_role("cell", name="Monday, Wednesday, Friday")).to_be_visible()
    screenshot(page, "chore-added")
    assert Chore.objects.get(house=harbor).weekdays == [0, 2, 4]

    page.get_by_role("link", name="Rotation: the next two weeks").click()
    expect(page.get_by_role("heading", name="Rotation: the next two weeks")).to_be_visible()
    table = page.locator("table.rotation")
    expect(table.get_by_role("columnheader", name="Kitchen floor")).to_be_visible()
    for name in NAMES:
        expect(table.get_by_text(name).first).to_be_visible()
    screenshot(page, "preview")
    assert Assignment.objects.count() == 0

    page.get_by_role("button", name="Save the next 7 days").click()
    expect(page.get_by_text("Saved 3 chores.")).to_be_visible()
    expect(table.locator(".tag-saved").first).to_be_visible()
    screenshot(page, "saved")
    assert Assignment.objects.filter(house=harbor).count() == 3
