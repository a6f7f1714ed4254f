"""A resident logs an outside meeting on a phone in three taps (fellowship, in person or online,
log it), then logs a recent one again in one, and sees the week add up."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import BrowserContext, Page, expect

from meetings.models import OutsideMeeting
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as


def test_a_resident_logs_a_meeting_in_three_taps_on_a_phone(
    transactional_db,
    live_server,
    harbor,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    today = harbor.today()
    last_week = today - dt.timedelta(days=7)
    for name, fellowship in [("Refuge Sit", "refuge"), ("Tuesday Night Big Book", "aa")]:
        OutsideMeeting.objects.create(
            resident=resident_harbor, house=harbor, day=last_week, name=name, fellowship=fellowship
        )

    sign_in_as(phone, resident_harbor.user, live_server.url)
    page.goto(f"{live_server.url}/meetings/outside/")
    expect(page.get_by_role("heading", name="0 of 3 this week")).to_be_visible()
    expect(page.get_by_label("Meeting name")).to_have_value("Tuesday Night Big Book")
    expect(page.get_by_label("Day", exact=True)).to_have_value(today.isoformat())
    assert_it_fits_a_phone(page)
    screenshot(page, "form")

    page.get_by_label("NA", exact=True).click()
    page.get_by_label("Online", exact=True).click()
    page.get_by_role("button", name="Log this meeting").click()

    expect(page.get_by_role("heading", name="1 of 3 this week")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(
        "“Tuesday Night Big Book” is logged: 1 of 3 this week."
    )
    assert_it_fits_a_phone(page)
    screenshot(page, "logged")
    logged = OutsideMeeting.objects.get(day=today)
    assert (logged.name, logged.fellowship, logged.format) == (
        "Tuesday Night Big Book",
        "na",
        "online",
    )

    # One tap logs a recent meeting again, today.
    page.get_by_role("button", name="Refuge Sit").click()
    expect(page.get_by_role("heading", name="2 of 3 this week")).to_be_visible()
    expect(page.get_by_role("button", name="Refuge Sit")).to_have_count(0)
    assert_it_fits_a_phone(page)
    screenshot(page, "logged-again")
    assert OutsideMeeting.objects.filter(day=today, name="Refuge Sit").exists()
