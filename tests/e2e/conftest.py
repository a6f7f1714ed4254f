"""Browser tests: a real Chromium, driven through Playwright's sync API, against pytest-django's
live server.

Every test in this folder is marked ``browser``. Each test gets a phone-sized browser context
(``phone``) whose console errors fail the test at teardown: the Content-Security-Policy forbids
inline scripts and styles, and Chromium reports each violation as a console error. ``screenshot``
saves a full-page picture per step under ``test-artifacts/screenshots/<test name>/``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright

from tests import node
from tests.conftest import Client

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


@contextlib.contextmanager
def _watched_context(browser: Browser, **options) -> Iterator[BrowserContext]:
    """A fresh context. Console errors from any of its pages (CSP violations among them) and
    uncaught page errors fail the test when it ends."""
    context = browser.new_context(**options)
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
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A 390x844 touch screen, as residents use."""
    with _watched_context(
        browser,
        viewport={"width": PHONE_WIDTH, "height": PHONE_HEIGHT},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    ) as context:
        yield context


@pytest.fixture
def laptop(browser: Browser) -> Iterator[BrowserContext]:
    """A 1280x800 laptop screen, as managers and staff use."""
    with _watched_context(browser, viewport={"width": 1280, "height": 800}) as context:
        yield context


@pytest.fixture
def page(phone: BrowserContext) -> Page:
    return phone.new_page()


@pytest.fixture
def screenshot(
    request: pytest.FixtureRequest, accessible: Callable[[Page], list[dict]]
) -> Callable[[Page, str], Path]:
    """``screenshot(page, "step")`` saves ``<nn>-<step>.png`` for this test, numbered in order,
    and checks the page's accessibility with axe-core: every step worth a picture is checked."""
    folder = request.config.rootpath / "test-artifacts" / "screenshots" / _safe(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    taken = 0

    def take(page: Page, step: str) -> Path:
        nonlocal taken
        taken += 1
        path = folder / f"{taken:02d}-{_safe(step)}.png"
        page.screenshot(path=path, full_page=True)
        accessible(page)
        return path

    return take


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


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


def assert_it_fits_a_phone(page: Page) -> None:
    """No sideways scroll at the phone's width, and every tap target tall enough for a thumb."""
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    too_small = page.evaluate(_TAP_TARGETS_JS, MIN_TAP_HEIGHT)
    assert scroll_width <= PHONE_WIDTH, f"{page.url} scrolls sideways: {scroll_width} px wide"
    assert not too_small, f"Tap targets under {MIN_TAP_HEIGHT} px on {page.url}:\n" + "\n".join(
        too_small
    )


# axe-core, from npm (package.json at the root), read from node_modules.
AXE = "axe-core/axe.min.js"
# The rules that must hold: WCAG 2.1 A and AA. Serious and critical findings fail a test.
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed with npm when it is missing (``npm ci``). Without npm the
    accessibility checks skip, except in CI, where they fail."""
    return node.npm_file(AXE).read_text()


@pytest.fixture
def accessible(axe_source: str) -> Callable[[Page], list[dict]]:
    """``accessible(page)`` runs axe-core on the page as it is now and fails on any serious or
    critical finding, naming each rule and the elements it found. The script is evaluated
    through the browser's debugging protocol, which the page's Content-Security-Policy does not
    govern, so the page under test stays exactly as served."""

    def check(page: Page) -> list[dict]:
        page.evaluate(f"() => {{ {axe_source}\n }}")  # defines window.axe
        found = page.evaluate(
            "(rules) => axe.run(document, {runOnly: {type: 'tag', values: rules}})"
            ".then(result => result.violations.map(v => ({id: v.id, impact: v.impact,"
            " help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)})))",
            AXE_RULES,
        )
        failing = [item for item in found if item["impact"] in FAILING_IMPACTS]
        assert not failing, f"Accessibility on {page.url}:\n" + "\n".join(
            f"{item['impact']} {item['id']}: {item['help']} — {', '.join(item['nodes'])}"
            for item in failing
        )
        return found

    return check


def sign_in_as(context: BrowserContext, user, base_url: str) -> None:
    """Give the browser a session for ``user`` without walking through the sign-in pages (the
    test client records the second factor for a manager, as signing in with a code would)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.clear_cookies()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
