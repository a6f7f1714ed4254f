"""The wide chore pages on a phone and on a laptop, in a real Chromium: on a phone the week's
chart is a card per day with today first, and the rotation a card per day with each chore named;
on a laptop both are tables. Nothing scrolls sideways at 390 px, not even inside a table's box."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import BrowserContext, Page, expect

from chores.generation import assignments_generate
from chores.models import Chore
from tests.e2e.conftest import PHONE_WIDTH, assert_it_fits_a_phone, sign_in_as
from tests.factories import make_resident

NAMES = ["Ana Reyes", "Bo Lindqvist", "Cy Okafor", "Dee Marchetti-Vanterpool"]
CHORES = [
    "Kitchen counters and stove",
    "Bathroom upstairs",
    "Bathroom downstairs",
    "Vacuum the living room",
    "Bins out",
    "Dishes after dinner",
    "Laundry room",
    "Porch and steps",
    "Fridge clean-out",
]

# Every element's right edge inside the viewport, and no box that scrolls sideways inside.
_OVERFLOW_JS = """
() => {
  const wide = [];
  for (const el of document.querySelectorAll('main *, .page *')) {
    if (!el.checkVisibility()) continue;
    const box = el.getBoundingClientRect();
    const name = `${el.tagName}.${el.className}`;
    if (box.right > innerWidth + 0.5) wide.push(`${name} ends at ${box.right}`);
    if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== 'visible') {
      wide.push(`${name} scrolls: ${el.scrollWidth} in ${el.clientWidth}`);
    }
  }
  return wide;
}
"""


def _house(harbor):
    today = harbor.today()
    for number, name in enumerate(NAMES):
        make_resident(
            harbor,
            move_in=today - dt.timedelta(days=40),
            full_name=name,
            email=f"housemate{number}@example.test",
        )
    for number, name in enumerate(CHORES):
        Chore.objects.create(house=harbor, name=name, points=number % 5 + 1)
    monday = today - dt.timedelta(days=today.weekday())
    assignments_generate(harbor, start=monday, days=14)
    return today


def _fits_without_sideways_scroll(page: Page) -> None:
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    inner = page.evaluate("innerWidth")
    assert scroll <= inner, f"{page.url} scrolls sideways: {scroll} px in {inner}"
    assert page.evaluate(_OVERFLOW_JS) == []


def test_the_chart_and_the_rotation_are_cards_on_a_phone(
    transactional_db, live_server, manager_harbor, harbor, phone: BrowserContext, screenshot
):
    today = _house(harbor)
    sign_in_as(phone, manager_harbor, live_server.url)
    page = phone.new_page()

    page.goto(f"{live_server.url}/houses/harbor/chores/chart/")
    assert page.evaluate("innerWidth") == PHONE_WIDTH
    cards = page.get_by_role("list", name="Chores day by day, today first")
    expect(cards).to_be_visible()
    expect(page.get_by_role("region", name="Chores of the week")).to_be_hidden()
    first = cards.locator(":scope > li").first
    expect(first.get_by_role("heading")).to_contain_text(f"{today:%A} {today.day}")
    expect(first.get_by_role("heading")).to_contain_text("Today")
    # Every chore of the day, each with who has it and how it stands.
    items = first.locator(".day-card-item")
    expect(items).to_have_count(len(CHORES))
    who = items.locator(".day-card-who").all_inner_texts()
    assert all(any(name in text for name in NAMES) for text in who), who
    assert all(items.locator(".chart-status").all_inner_texts())
    for name in NAMES[:2]:
        expect(cards.get_by_text(name).first).to_be_visible()
    expect(cards.locator(":scope > li")).to_have_count(7)
    screenshot(page, "chart")
    _fits_without_sideways_scroll(page)
    assert_it_fits_a_phone(page)

    page.goto(f"{live_server.url}/houses/harbor/chores/rotation/")
    table = page.locator("table.rotation")
    expect(table.get_by_role("columnheader").first).to_be_hidden()
    first_day = table.locator("tbody tr").first
    expect(first_day.locator("th")).to_contain_text(f"{today:%a} {today.day}")
    for chore in CHORES:
        expect(first_day.locator(".rotation-chore", has_text=chore)).to_be_visible()
    screenshot(page, "rotation")
    _fits_without_sideways_scroll(page)
    assert_it_fits_a_phone(page)

    page.goto(f"{live_server.url}/houses/harbor/chores/history/")
    expect(page.get_by_role("heading", name="Chore history")).to_be_visible()
    screenshot(page, "history")
    _fits_without_sideways_scroll(page)
    assert_it_fits_a_phone(page)


def test_the_chart_and_the_rotation_are_tables_on_a_laptop(
    transactional_db, live_server, manager_harbor, harbor, laptop: BrowserContext, screenshot
):
    today = _house(harbor)
    sign_in_as(laptop, manager_harbor, live_server.url)
    page = laptop.new_page()

    page.goto(f"{live_server.url}/houses/harbor/chores/chart/")
    expect(page.get_by_role("list", name="Chores day by day, today first")).to_be_hidden()
    week = page.get_by_role("region", name="Chores of the week")
    expect(week).to_be_visible()
    expect(week.get_by_role("columnheader")).to_have_count(8)  # residents and seven days
    expect(week.get_by_role("rowheader", name=NAMES[0])).to_be_visible()
    screenshot(page, "chart")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")

    page.goto(f"{live_server.url}/houses/harbor/chores/rotation/")
    table = page.locator("table.rotation")
    for chore in CHORES:
        expect(table.get_by_role("columnheader", name=chore)).to_be_visible()
    expect(table.locator(".rotation-chore").first).to_be_hidden()
    expect(table.locator("tbody tr").first.locator("th")).to_contain_text(f"{today.day}")
    screenshot(page, "rotation")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    # All nine chores side by side, without scrolling inside the table's box either.
    box = page.get_by_role("region", name="The next two weeks")
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
