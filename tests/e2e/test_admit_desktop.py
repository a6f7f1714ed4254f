"""A manager admits a resident on a laptop, in a real Chromium."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import BrowserContext, expect

from residents.models import Resident
from soberhouse import outbox
from tests.e2e.conftest import sign_in_as
from tests.e2e.forms import fill_admission


def test_a_manager_admits_a_resident_on_a_laptop(
    transactional_db, live_server, manager_harbor, harbor, laptop: BrowserContext, screenshot
):
    sign_in_as(laptop, manager_harbor, live_server.url)
    page = laptop.new_page()
    page.goto(f"{live_server.url}/houses/harbor/")
    screenshot(page, "dashboard")
    page.get_by_role("link", name="Admit a resident").click()
    expect(page.get_by_role("heading", name="Admit to Harbor House")).to_be_visible()

    fill_admission(page)
    screenshot(page, "form-filled")
    page.get_by_role("button", name="Admit and send the invitation").click()

    expect(page).to_have_url(re.compile(r"/residents/\d+/$"))
    expect(page.get_by_role("heading", name="Robin")).to_be_visible()
    expect(page.get_by_text("Jo Quarry (Sister)")).to_be_visible()
    screenshot(page, "record")
    resident = Resident.objects.get(user__email="robin@example.test")
    assert resident.stays.get().bed == "Room 9"
    assert resident.phone == "+15625550143"
    outbox.dispatch()
    assert any("robin@example.test" in message.to for message in mail.outbox)

    page.goto(f"{live_server.url}/houses/harbor/")
    expect(page.get_by_role("link", name="Robin")).to_be_visible()
    screenshot(page, "on-the-roster")
