"""Browser tests: a real Chromium, driven through Playwright's sync API, against pytest-django's
live server.

Every test in this folder is marked ``browser``. Each test gets a phone-sized browser context
(``phone``) whose console errors fail the test at teardown: the Content-Security-Policy forbids
inline scripts and styles, and Chromium reports each violation as a console error. ``screenshot``
saves a full-page picture per step under ``test-artifacts/screenshots/<test name>/``.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
# Running as root needs --no-sandbox; the rest stop Chromium calling outside hosts (all closed).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_WIDTH = 390
PHONE_HEIGHT = 844

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless. Without it the tests skip, except in CI, where they fail.

    ``playwright`` is pytest-playwright's session-wide sync API instance: a second one started in
    the same thread would refuse to run inside the first one's event loop."""
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}; the browser tests need it."
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh 390x844 touch-screen context. Console errors from any of its pages (CSP violations
    among them) and uncaught page errors fail the test when it ends."""
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def on_page(page: Page) -> None:
        page.on("pageerror", lambda error: errors.append(f"{page.url}: uncaught {error}"))

    context.on("console", on_console)
    context.on("page", on_page)
    yield context
    context.close()
    if errors:
        pytest.fail("The browser reported errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(phone: BrowserContext) -> Page:
    return phone.new_page()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """``screenshot(page, "step")`` saves ``<nn>-<step>.png`` for this test, numbered in order."""
    folder = request.config.rootpath / "test-artifacts" / "screenshots" / _safe(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = 0

    def take(page: Page, step: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{_safe(step)}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
