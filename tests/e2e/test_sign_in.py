"""Signing in on a phone, in a real Chromium: a resident by an emailed code, a manager by password
and an authenticator code; and the pages they meet fit a 390 px screen."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, Page, expect

from tests.conftest import emailed_sign_in_code, totp_code
from tests.e2e.conftest import PHONE_WIDTH
from tests.factories import PASSWORD

# Apple's and Android's guidance for something a thumb must hit.
MIN_TAP_HEIGHT = 44

# Every element a person can tap that is laid out on screen (the skip link waits off-screen for
# keyboard focus), with a name to report it by.
_TAP_TARGETS_JS = """
(minHeight) => {
  const tooSmall = [];
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, summary';
  for (const el of document.querySelectorAll(selector)) {
    // A checkbox or radio is tapped through its label as much as through the box itself.
    const paired = (el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels.length;
    const box = (paired ? el.labels[0] : el).getBoundingClientRect();
    if (!el.checkVisibility({visibilityProperty: true}) || box.width === 0 || box.height === 0) {
      continue;
    }
    if (box.right <= 0 || box.bottom <= 0 || box.left >= document.documentElement.scrollWidth) {
      continue;
    }
    if (box.height >= minHeight) continue;
    const label = el.labels && el.labels.length ? el.labels[0].innerText : '';
    const name = (el.innerText || label || el.getAttribute('aria-label') || el.name || '').trim();
    const kind = el.tagName.toLowerCase() + (el.type && el.tagName !== 'A' ? `[${el.type}]` : '');
    tooSmall.push(`${kind} "${name}" is ${box.height.toFixed(1)} px tall`);
  }
  return tooSmall;
}
"""


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
        _sign_in_by_cookie(phone, resident_harbor.user, live_server.url)
    response = page.goto(f"{live_server.url}{path}")
    assert response is not None and response.ok, f"GET {path} answered {response}"
    assert page.url == f"{live_server.url}{path}", "the page redirected elsewhere"
    screenshot(page, "page")

    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    too_small = page.evaluate(_TAP_TARGETS_JS, MIN_TAP_HEIGHT)

    assert scroll_width <= PHONE_WIDTH, f"{path} scrolls sideways: {scroll_width} px wide"
    assert not too_small, f"Tap targets under {MIN_TAP_HEIGHT} px on {path}:\n" + "\n".join(
        too_small
    )


def _wait_out_a_closing_totp_window() -> None:
    """A code typed in the last seconds of its 30-second window can expire before the server
    checks it, which makes the test flaky; start on a fresh window instead."""
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.1)


def _sign_in_by_cookie(context: BrowserContext, user, base_url: str) -> None:
    """Give the browser a session for ``user`` without walking through the sign-in pages."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
