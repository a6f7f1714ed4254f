"""Signing in on a phone, in a real Chromium: a resident by an emailed code, a manager by password
and an authenticator code; and the pages they meet fit a 390 px screen."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import emailed_sign_in_code, totp_code
from tests.e2e.conftest import assert_it_fits_a_phone, sign_in_as
from tests.factories import PASSWORD


def test_a_resident_signs_in_with_an_emailed_code_and_lands_on_today(
    transactional_db, live_server, resident_harbor, page: Page, screenshot
):
    email = resident_harbor.user.email
    page.goto(f"{live_server.url}/accounts/login/")
    screenshot(page, "sign-in")

    page.get_by_role("link", name="Send me a sign-in code").click()
    expect(page.get_by_role("heading", name="Send me a sign-in code")).to_be_visible()
    page.get_by_label("Email").fill(email)
    screenshot(page, "email-typed")

    page.get_by_role("button", name="Request Code").click()
    expect(page.get_by_role("heading", name="Enter Sign-In Code")).to_be_visible()
    screenshot(page, "code-requested")

    page.get_by_label("Code").fill(emailed_sign_in_code(email))
    screenshot(page, "code-typed")
    page.get_by_role("button", name="Confirm").click()

    expect(page).to_have_url(re.compile(r"/today/$"))
    expect(page.get_by_role("heading", name="Days sober")).to_be_visible()
    screenshot(page, "today")


def test_a_manager_signs_in_with_password_and_totp_and_lands_on_the_harbor_dashboard(
    transactional_db, live_server, manager_harbor, page: Page, screenshot
):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(manager_harbor.email)
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "password-typed")

    page.get_by_role("button", name="Sign In", exact=True).click()
    expect(page.get_by_role("heading", name="Two-Factor Authentication")).to_be_visible()
    screenshot(page, "two-factor")

    _wait_out_a_closing_totp_window()
    page.get_by_label("Code").fill(totp_code(manager_harbor))
    screenshot(page, "totp-typed")
    page.get_by_role("button", name="Sign In", exact=True).click()

    expect(page).to_have_url(re.compile(r"/houses/harbor/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Harbor House")
    screenshot(page, "harbor-dashboard")


@pytest.mark.parametrize("path", ["/accounts/login/", "/today/"], ids=["sign-in", "today"])
def test_pages_fit_a_phone(
    transactional_db,
    live_server,
    resident_harbor,
    phone: BrowserContext,
    page: Page,
    screenshot,
    path,
):
    if path == "/today/":
        sign_in_as(phone, resident_harbor.user, live_server.url)
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.ok, f"GET {path} answered {response}"
    assert page.url == f"{live_server.url}{path}", "the page redirected elsewhere"
    screenshot(page, "page")
    assert_it_fits_a_phone(page)


def _wait_out_a_closing_totp_window() -> None:
    """A code typed in the last seconds of its 30-second window can expire before the server
    checks it, which makes the test flaky; start on a fresh window instead."""
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)
