"""A form sent with mistakes, in a real Chromium: the page opens on the summary of every error,
with the focus on it, on a phone and on a laptop; a link in it takes the cursor to its field."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import BrowserContext, expect

from residents.models import Resident, Stay
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as
from tests.e2e.forms import fill_admission
from tests.factories import make_resident


def _send_with_mistakes(page) -> None:
    fill_admission(page)
    page.get_by_label("Legal name").fill("")
    page.locator("#id_person-phone").fill("555")
    page.get_by_label("Email address").fill("")
    page.get_by_role("button", name="Admit and send the invitation").click()


@pytest.mark.parametrize("screen", ["phone", "laptop"])
def test_the_admit_form_opens_on_its_errors_with_the_focus_there(
    transactional_db, live_server, manager_harbor, harbor, request, screenshot, screen
):
    context: BrowserContext = request.getfixturevalue(screen)
    sign_in_as(context, manager_harbor, live_server.url)
    page = context.new_page()
    page.goto(f"{live_server.url}/houses/harbor/admit/")

    _send_with_mistakes(page)

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text("3 things need another look")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Legal name: This field is required.",
            "Phone: That doesn't look like a full phone number — include the area code.",
            "Email address: This field is required.",
        ]
    )
    assert page.evaluate("window.scrollY") == 0
    screenshot(page, f"summary-{screen}")
    if screen == "phone":
        assert_it_fits_a_phone(page)

    summary.get_by_role("link", name="Phone: That doesn't look").click()
    phone = page.locator("#id_person-phone")
    expect(phone).to_be_focused()
    expect(phone).to_have_value("555")
    expect(page.locator('label[for="id_person-phone"]')).to_be_in_viewport()
    assert phone.get_attribute("aria-invalid") == "true"
    assert "id_person-phone_error" in phone.get_attribute("aria-describedby")
    screenshot(page, f"at-the-field-{screen}")


def test_a_returning_person_is_offered_re_admission(
    transactional_db, live_server, manager_harbor, harbor, laptop, screenshot
):
    past = make_resident(harbor, move_in=harbor.today() - dt.timedelta(days=300))
    Resident.objects.filter(pk=past.pk).update(legal_name="Robin Quarry", preferred_name="Robin")
    Stay.objects.filter(resident=past).update(
        move_out=harbor.today() - dt.timedelta(days=100), exit_reason=Stay.ExitReason.COMPLETED
    )
    sign_in_as(laptop, manager_harbor, live_server.url)
    page = laptop.new_page()
    page.goto(f"{live_server.url}/houses/harbor/admit/")
    fill_admission(page)
    page.get_by_role("button", name="Admit and send the invitation").click()

    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.get_by_role("heading", name="Has this person stayed before?")).to_be_visible()
    screenshot(page, "a-match")
    page.get_by_role("link", name="Re-admit Robin").click()
    expect(page.get_by_role("heading", name="Welcome Robin back")).to_be_visible()
    assert Resident.objects.count() == 1
