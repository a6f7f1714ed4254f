"""A new resident reads and signs the house rules on a phone, and drops off the manager's list of
people who have not signed yet."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, expect

from residents.rules import rules_publish, rules_sign
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as
from tests.factories import make_resident

RULES = (
    "No alcohol or drugs, in the house or on the grounds.\n"
    "House meeting every Sunday at 7 pm; everyone comes.\n\n"
    "Do your chores on the day they are due, or swap them ahead of time.\n"
    "Quiet hours from 10 pm to 7 am."
)


def test_a_new_resident_signs_the_house_rules_on_a_phone(
    transactional_db,
    live_server,
    harbor,
    manager_harbor,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    rules_publish(house=harbor, text=RULES, by=manager_harbor)
    housemate = make_resident(harbor, full_name="Robin Housemate")
    unsigned = page.locator("#unsigned")

    sign_in_as(phone, manager_harbor, live_server.url)
    page.goto(f"{live_server.url}/houses/harbor/rules/")
    expect(unsigned).to_contain_text(resident_harbor.name)
    expect(unsigned).to_contain_text(housemate.name)
    assert_it_fits_a_phone(page)
    screenshot(page, "manager-before")

    sign_in_as(phone, resident_harbor.user, live_server.url)
    page.goto(f"{live_server.url}/rules/")
    expect(page.get_by_role("heading", name="Please read these first")).to_be_visible()
    expect(page.get_by_text("Quiet hours from 10 pm to 7 am.")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "rules-to-read")

    page.get_by_label("Your full name").fill("alex harbor")
    page.get_by_label("I have read the house rules and agree to keep them").check()
    screenshot(page, "name-typed-box-ticked")

    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("status")).to_contain_text("Thank you for signing")
    screenshot(page, "today-after-signing")

    page.goto(f"{live_server.url}/rules/")
    expect(page.get_by_text("You signed version 1 on")).to_be_visible()
    expect(page.get_by_role("button", name="Sign", exact=True)).to_have_count(0)
    screenshot(page, "rules-signed")

    sign_in_as(phone, manager_harbor, live_server.url)
    page.goto(f"{live_server.url}/houses/harbor/rules/")
    expect(unsigned).to_contain_text(housemate.name)
    expect(unsigned).not_to_contain_text(resident_harbor.name)
    screenshot(page, "manager-after")


def test_a_new_version_is_signed_again_and_the_old_one_stays_readable(
    transactional_db,
    live_server,
    harbor,
    manager_harbor,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    first = rules_publish(house=harbor, text=RULES, by=manager_harbor)
    rules_sign(rules=first, resident=resident_harbor, typed_name=resident_harbor.legal_name)

    sign_in_as(phone, manager_harbor, live_server.url)
    page.goto(f"{live_server.url}/houses/harbor/rules/")
    expect(page.locator("#unsigned")).to_have_text(re.compile("Everyone living here has signed"))
    page.get_by_label("House rules").fill(RULES + "\nPhones off at the dinner table.")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_role("status")).to_contain_text("Version 2 is published")
    expect(page.locator("#unsigned")).to_contain_text(resident_harbor.name)
    page.get_by_text("Version 1 ·").click()
    expect(page.get_by_text("Published by Morgan Harbor.")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "manager-published-version-2")

    sign_in_as(phone, resident_harbor.user, live_server.url)
    page.goto(f"{live_server.url}/rules/")
    expect(page.get_by_text("Phones off at the dinner table.")).to_be_visible()
    page.get_by_text("Version 1 · signed").click()
    expect(page.get_by_text("You signed on")).to_be_visible()
    assert_it_fits_a_phone(page)
    screenshot(page, "resident-reads-version-1")


def test_a_wrong_name_is_explained_and_kept_on_a_phone(
    transactional_db,
    live_server,
    harbor,
    manager_harbor,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    rules_publish(house=harbor, text=RULES, by=manager_harbor)
    sign_in_as(phone, resident_harbor.user, live_server.url)
    page.goto(f"{live_server.url}/rules/")

    page.get_by_label("Your full name").fill("Alex")
    page.get_by_role("button", name="Sign", exact=True).click()

    expect(
        page.locator("form").get_by_text("Type your full name as it appears on your record")
    ).to_be_visible()
    expect(
        page.locator("form").get_by_text("Tick the box to say you have read the rules")
    ).to_be_visible()
    expect(page.get_by_label("Your full name")).to_have_value("Alex")
    assert_it_fits_a_phone(page)
    screenshot(page, "errors")
