"""The audit trail on a phone: plain words, the filters and the CSV button, no sideways scroll."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

from soberhouse import audit
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as


def test_the_audit_trail_reads_in_words_on_a_phone(
    transactional_db,
    live_server,
    staff,
    manager_harbor,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
):
    audit.record(action="resident.view", actor=manager_harbor, obj=resident_harbor)
    audit.record(
        action="resident.stay_update",
        actor=manager_harbor,
        obj=resident_harbor,
        changes={"bed": ["Room 2", "Room 3"], "expected_move_out": ["2027-01-31", "2027-03-31"]},
    )
    sign_in_as(phone, staff, live_server.url)
    page.goto(f"{live_server.url}/audit/")
    expect(page.get_by_text(f"Viewed {resident_harbor.name}'s record")).to_be_visible()
    expect(page.get_by_text("Room or bed: Room 2 → Room 3")).to_be_visible()
    screenshot(page, "audit")
    assert_it_fits_a_phone(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download these as a spreadsheet (CSV)").click()
    assert download.value.suggested_filename.startswith("soberhouse-audit-trail")
