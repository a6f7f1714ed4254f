"""The house's mentoring page on a manager's phone and laptop: a resident's request is paired with
a mentor, and a pairing ends with a reason."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import BrowserContext, Page, expect

from peerlog import services
from peerlog.models import MentorRequest, Pairing
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as
from tests.factories import make_resident


def _senior(house, name):
    resident = make_resident(house, full_name=name)
    resident.sobriety_date = house.today() - dt.timedelta(days=400)
    resident.save()
    return resident


def test_a_manager_pairs_a_request_and_ends_a_pairing_on_a_phone(
    transactional_db,
    live_server,
    harbor,
    manager_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    mentor = _senior(harbor, "Sam Senior")
    other = _senior(harbor, "Pat Longtime")
    paired = make_resident(harbor, full_name="Ivy Intouch")
    services.pairing_create(house=harbor, mentor=other, mentee=paired, by=manager_harbor)
    asker = make_resident(harbor, full_name="Wren Waiting")
    services.mentor_ask(resident=asker, house=harbor, note="Someone who knows step work")

    sign_in_as(phone, manager_harbor, live_server.url)
    page.goto(f"{live_server.url}/houses/harbor/mentoring/")
    expect(page.get_by_text("“Someone who knows step work”")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "mentoring")

    page.get_by_text("Pair with…").click()
    page.locator(f"#id_request{MentorRequest.objects.get().pk}_mentor").select_option(
        str(mentor.pk)
    )
    assert_it_fits_a_phone(page)
    page.get_by_role("button", name="Pair Wren Waiting").click()
    expect(page.get_by_text("Sam Senior and Wren Waiting are paired.")).to_be_visible()
    assert Pairing.objects.get(mentee=asker, ends_on__isnull=True).mentor == mentor
    screenshot(page, "paired")

    ending = Pairing.objects.get(mentee=paired)
    page.locator("summary", has_text="End the pairing").first.click()
    page.locator(f"#end-reason-{ending.pk}").select_option("completed")
    page.locator(f"#end-note-{ending.pk}").fill("A good run")
    assert_it_fits_a_phone(page)
    page.locator(f"#end-reason-{ending.pk}").locator("xpath=ancestor::form").get_by_role(
        "button", name="End the pairing"
    ).click()
    expect(page.get_by_text("has ended. Both can still read their log.")).to_be_visible()
    ending.refresh_from_db()
    assert ending.end_reason == "completed"
    assert_it_fits_a_phone(page)
    screenshot(page, "ended")

    page.goto(f"{live_server.url}/houses/harbor/mentoring/settings/")
    assert_it_fits_a_phone(page)
    page.goto(f"{live_server.url}/houses/harbor/")
    expect(page.get_by_role("heading", name="Peer mentoring")).to_be_visible()
    assert_it_fits_a_phone(page)


def test_the_mentoring_page_on_a_laptop(
    transactional_db, live_server, harbor, manager_harbor, laptop: BrowserContext
):
    services.pairing_create(
        house=harbor,
        mentor=_senior(harbor, "Sam Senior"),
        mentee=make_resident(harbor, full_name="Ivy Intouch"),
        by=manager_harbor,
    )
    sign_in_as(laptop, manager_harbor, live_server.url)
    page = laptop.new_page()
    page.goto(f"{live_server.url}/houses/harbor/mentoring/")
    expect(page.get_by_role("heading", name="New pairing")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280
