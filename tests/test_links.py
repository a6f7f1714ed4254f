"""Every link a page offers answers for the person it is offered to.

The pages are the query budget's crawl (every GET page, as a resident, a manager and staff, on
``seed_bench`` data). On each page every link, stylesheet, script, image and htmx address is
followed with a GET, and every form is sent as it stands (its hidden fields, the values it shows,
its first choice in each list), each inside a savepoint rolled back afterwards, as the person
would by pressing its button. None may answer 404 or fail with a 500: a link shown to someone who
may not follow it, or a form whose action refuses what its own page sends, is a broken promise.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
from django.db import transaction
from django.test.utils import override_settings

from chores.models import Assignment
from tests import crawl
from tests.conftest import Client
from tests.crawl import NOW, ROLES
from tests.test_query_budget import SMALL

BROKEN = {404, 500}
# Followed elsewhere or not a page: signing out ends the crawl's session.
NOT_FOLLOWED = ("/accounts/logout/",)


class _Offers(HTMLParser):
    """The addresses a page offers: links and assets to GET, and forms as they would be sent."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.gets: list[str] = []
        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []
        self._form: tuple[str, str, dict[str, list[str]]] | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        named = {name: value or "" for name, value in attrs}
        for attribute in ("href", "src", "data-hx-get"):
            if attribute in named and tag not in ("form",):
                self.gets.append(named[attribute])
        if tag == "form":
            method = named.get("method", "get").lower()
            self._form = (method, named.get("action", ""), {})
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form[2]
        name = named.get("name")
        if tag == "input" and name:
            kind = named.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in named:
                    fields.setdefault(name, []).append(named.get("value", "on"))
                elif kind == "radio" and name not in fields:
                    fields[name] = [named.get("value", "on")]  # the first choice
            elif kind not in ("submit", "button", "reset", "file", "image"):
                fields.setdefault(name, []).append(named.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select:
            value = named.get("value", "")
            if self._select_value is None or "selected" in named:
                self._select_value = value
        elif tag == "textarea" and name:
            self._textarea = name
            fields[name] = [""]
        elif tag == "button" and name and named.get("type", "submit") == "submit":
            fields.setdefault(name, [named.get("value", "")])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form[2][self._textarea][0] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._form is not None and self._select:
            if self._select_value is not None:
                self._form[2].setdefault(self._select, []).append(self._select_value)
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def _ours(base: str, address: str) -> str | None:
    """``address`` as a path on this site, or None when it leaves the site or is not a page."""
    if not address or address.startswith(("#", "mailto:", "tel:", "data:")):
        return None
    parts = urlsplit(urljoin(base, address))
    if parts.scheme not in ("http", "https", "") or parts.netloc not in ("testserver", ""):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(NOT_FOLLOWED) else path


def _answer(client: Client, method: str, path: str, data=None) -> int:
    """The status of one request, in a savepoint rolled back after it; a crash counts as 500."""
    with transaction.atomic():
        try:
            if method == "post":
                response = client.post(path, data or {})
            else:
                response = client.get(path, data or None)
        except Exception:  # noqa: BLE001 - a view that raises is what this test looks for
            status = 500
        else:
            status = response.status_code
        transaction.set_rollback(True)
    return status


def _crawl(role: str, cast) -> list[str]:
    client = Client()
    client.force_login(crawl.user(role, cast))
    broken: list[str] = []
    seen: set[tuple[str, str, str]] = set()
    for page in crawl.pages(role, cast):
        response = client.post(page.url, page.form) if page.form else client.get(page.url)
        if "text/html" not in response.get("Content-Type", ""):
            continue
        offers = _Offers(response.content.decode())
        requests = [("get", path, None) for path in map(lambda a: _ours(page.url, a), offers.gets)]
        for method, action, fields in offers.forms:
            path = _ours(page.url, action or page.url)
            if method == "post":
                requests.append(("post", path, fields))
            elif path is not None:
                requests.append(("get", path, fields))
        for method, path, data in requests:
            if path is None:
                continue
            key = (method, path, repr(sorted((data or {}).items())))
            if key in seen:
                continue
            seen.add(key)
            status = _answer(client, method, path, data)
            if status in BROKEN:
                broken.append(f"{role}: {page.label} offers {method.upper()} {path} → {status}")
    return broken


def _miss_a_chore(resident) -> None:
    """The resident also has a missed chore on their list, with what a page offers on it."""
    missed = Assignment.objects.filter(resident=resident, day__lt=NOW.date()).latest("day")
    missed.status, missed.done_at = Assignment.Status.MISSED, None
    missed.save(update_fields=["status", "done_at"])


@pytest.mark.slow
@pytest.mark.django_db
@override_settings(DEBUG_PROPAGATE_EXCEPTIONS=False)
def test_every_link_and_form_answers_for_the_person_it_is_offered_to():
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        crawl.seed(SMALL)
        cast = crawl.cast(1)
        _miss_a_chore(cast.resident)
        broken = [line for role in ROLES for line in _crawl(role, cast)]
        transaction.set_rollback(True)
    assert not broken, f"{len(broken)} links or forms answer 404 or 500:\n" + "\n".join(broken)
