"""A resident makes their private calendar address on /me/ on a phone, and replaces it."""

from __future__ import annotations

import re

from icalendar import Calendar
from playwright.sync_api import BrowserContext, Page, expect

from meetings.models import CalendarFeed
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as


def test_a_resident_makes_and_replaces_their_calendar_address_on_a_phone(
    transactional_db, live_server, resident_harbor, phone: BrowserContext, page: Page, screenshot
):
    sign_in_as(phone, resident_harbor.user, live_server.url)
    page.goto(f"{live_server.url}/me/")
    page.locator("#calendar").scroll_into_view_if_needed()
    assert_it_fits_a_phone(page)
    screenshot(page, "no-address-yet")

    page.get_by_role("button", name="Make my calendar address").click()
    expect(page).to_have_url(re.compile(r"/me/#calendar$"))
    expect(page.get_by_role("status")).to_contain_text("Your calendar address is ready")
    address = page.get_by_label("My calendar address")
    first = address.input_value()
    assert first == f"{live_server.url}/calendar/{CalendarFeed.objects.get().token}.ics"
    assert_it_fits_a_phone(page)
    screenshot(page, "address-made")

    feed = page.request.get(first)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    Calendar.from_ical(feed.body()).validate()

    page.get_by_role("button", name="Make a new address").click()
    expect(page.get_by_role("status")).to_contain_text("the old one no longer works")
    second = address.input_value()
    assert second != first
    assert page.request.get(first).status == 404
    assert page.request.get(second).status == 200
    assert_it_fits_a_phone(page)
    screenshot(page, "address-replaced")
