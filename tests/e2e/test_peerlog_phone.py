"""Peer mentoring on phones: a mentor logs a check-in in three taps plus the words, and on a
second phone the mentee reads it and acknowledges it."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Browser, BrowserContext, Page, expect

from peerlog import services
from peerlog.models import Entry
from tests.e2e.conftest import (
    PHONE_HEIGHT,
    PHONE_WIDTH,
    _watched_context,
    assert_it_fits_a_phone,
    sign_in_as,
)
from tests.factories import make_resident


def test_a_mentor_logs_a_check_in_and_the_mentee_acknowledges_it(
    transactional_db,
    live_server,
    browser: Browser,
    harbor,
    manager_harbor,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    mentor = make_resident(harbor, full_name="Sam Senior", email="sam@example.test")
    mentor.sobriety_date = harbor.today() - dt.timedelta(days=400)
    mentor.phone = "555-0101"
    mentor.save()
    mentee = resident_harbor  # Alex Harbor
    pairing = services.pairing_create(
        house=harbor,
        mentor=mentor,
        mentee=mentee,
        by=manager_harbor,
        starts_on=harbor.today() - dt.timedelta(days=10),
    )

    sign_in_as(phone, mentor.user, live_server.url)
    page.goto(f"{live_server.url}/peerlog/")
    expect(page.get_by_text("Alex Harbor")).to_be_visible()
    expect(page.get_by_text("It has been a while")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "my-mentees")

    page.get_by_role("link", name="Log a check-in").click()
    expect(page.get_by_role("heading", name="Log a check-in")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "log-form")
    # Check-in is chosen already: tap how long, how they are doing, type, and save.
    page.locator("label.peer-tile", has_text="30 min").click()
    page.locator("label[for=id_wellbeing_3]").click()
    page.get_by_label("A note for the log").fill("Coffee and a walk by the water")
    page.get_by_role("button", name="Save to our log").click()
    expect(page.get_by_text("Your check-in is in the log.")).to_be_visible()
    expect(page.get_by_text("Coffee and a walk by the water")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "logged")
    entry = Entry.objects.get(pairing=pairing)
    assert (entry.kind, entry.minutes, entry.wellbeing) == ("check_in", 30, 4)

    with _watched_context(
        browser,
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    ) as their_phone:
        theirs = their_phone.new_page()
        sign_in_as(their_phone, mentee.user, live_server.url)
        theirs.goto(f"{live_server.url}/peerlog/")
        expect(theirs.get_by_text("Coffee and a walk by the water")).to_be_visible()
        expect(theirs.get_by_role("link", name="Call 555-0101")).to_be_visible()
        assert_it_fits_a_phone(theirs)
        screenshot(theirs, "mentee-sees-it")
        theirs.get_by_role("link", name="Our whole log").click()
        theirs.get_by_role("button", name="Acknowledge").click()
        expect(theirs.get_by_text("Acknowledged. They will see that you read it.")).to_be_visible()
        expect(theirs.get_by_role("button", name="Acknowledge")).to_have_count(0)
        assert_it_fits_a_phone(theirs)
        screenshot(theirs, "acknowledged")
    entry.refresh_from_db()
    assert entry.acknowledged_at is not None

    page.reload()
    expect(page.get_by_text("Read ", exact=False).first).to_be_visible()
