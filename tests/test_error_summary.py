"""Every form page that comes back with errors opens on a summary of all of them.

The pages come from the access-control matrix, as in the fuzz test: each POST form on a page a
resident, a manager or staff may open is sent empty, and with a NUL byte in every text field.
Whatever page answers with an error beside a field, or above a form, must show the summary at
its top (role="alert", focusable, every error listed, each link reaching its field), and every
field marked invalid must be described by its message.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from tests.test_access_matrix import (  # noqa: F401 - the matrix's fixtures, used by name
    _chore_objects,
    _meeting_objects,
    _mentoring_objects,
    _notification_objects,
    _outside_objects,
    _peer_objects,
    _report_objects,
    objects,
)
from tests.test_fuzz_forms import PAGES, forms_to_fill

ERROR_CLASSES = {"field-error", "form-errors", "errorlist"}
# Pages whose filters are not a Django form, with why they are left out.
LEFT_OUT = {
    "/audit/": "the audit trail's filters are checked by hand and rebuilt with its export",
}


class _Page(HTMLParser):
    """What a page holds for this test: ids, error markers, invalid fields, the summary."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.text_by_id: dict[str, str] = {}
        self.errors_shown = 0
        self.invalid: list[dict[str, str]] = []
        self.summary: dict[str, str] | None = None
        self.summary_links: list[str] = []
        self.summary_items = 0
        self.first_in_main: str | None = None
        self._in_main = False
        self._in_summary = 0
        self._open: list[tuple[str, str]] = []  # (tag, id) of elements whose text is gathered
        self._fieldsets: list[dict[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if attrs.get("id"):
            self.ids.add(attrs["id"])
            self.text_by_id.setdefault(attrs["id"], "")
        self._open.append((tag, attrs.get("id", "")))
        classes = set(attrs.get("class", "").split())
        if tag == "main":
            self._in_main = True
        elif self._in_main and self.first_in_main is None and tag not in ("div", "ul", "li"):
            self.first_in_main = tag if "error-summary" not in classes else "summary"
        if "error-summary" in classes:
            self.summary = attrs
            self.first_in_main = self.first_in_main or "summary"
            self._in_summary = len(self._open)
        if self._in_summary:
            if tag == "li":
                self.summary_items += 1
            if tag == "a":
                self.summary_links.append(attrs.get("href", ""))
        elif classes & ERROR_CLASSES:
            self.errors_shown += 1
        if tag == "fieldset":
            self._fieldsets.append(attrs)
        if attrs.get("aria-invalid") == "true":
            # A group of radios or checkboxes is described by its fieldset.
            if attrs.get("type") in ("radio", "checkbox") and self._fieldsets:
                attrs = {
                    **attrs,
                    "aria-describedby": self._fieldsets[-1].get("aria-describedby", ""),
                }
            self.invalid.append(attrs)

    def handle_endtag(self, tag):
        if tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        while self._open:
            open_tag, _ = self._open.pop()
            if len(self._open) < self._in_summary:
                self._in_summary = 0
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data


def _check(page_html: str, where: str) -> bool:
    """Assert the summary's promises on one answer; False when it shows no error at all."""
    page = _Page()
    page.feed(page_html)
    if not page.errors_shown and not page.invalid and page.summary is None:
        return False
    assert page.summary is not None, f"{where} shows errors without the summary"
    assert page.summary.get("role") == "alert" and page.summary.get("tabindex") == "-1", where
    assert page.first_in_main == "summary", f"{where}: the summary is not at the top"
    invalid_names = {field.get("name") or field.get("id") for field in page.invalid}
    assert page.summary_items >= len(invalid_names), f"{where}: an invalid field is not listed"
    for href in page.summary_links:
        assert href.startswith("#") and href[1:] in page.ids, f"{where}: {href} leads nowhere"
    for field in page.invalid:
        described = field.get("aria-describedby", "").split()
        name = field.get("name") or field.get("id")
        assert described, f"{where}: invalid {name} says nothing about why"
        for element_id in described:
            assert element_id in page.ids, f"{where}: {name} is described by missing #{element_id}"
        assert any(page.text_by_id[i].strip() for i in described), f"{where}: {name} no message"
    return True


@pytest.mark.slow
@pytest.mark.parametrize(("url", "persona"), PAGES, ids=[f"{u} as {p}" for u, p in PAGES])
def test_a_form_sent_with_mistakes_opens_on_their_summary(client, everyone, objects, url, persona):  # noqa: F811
    if url in LEFT_OUT:
        pytest.skip(LEFT_OUT[url])
    client.force_login(everyone[persona])
    for target, fields in forms_to_fill(client, url.format(**objects)):
        nul = {name: "a\x00b" for name, field in fields.items() if not field["options"]}
        for data in ({}, nul):
            response = client.post(target, data)
            if response.status_code == 200 and "text/html" in response["Content-Type"]:
                _check(response.content.decode(), f"POST {target} {sorted(data)}")


def test_the_admit_form_shows_every_mistake_in_one_summary(client, harbor, manager_harbor):
    client.force_login(manager_harbor)
    response = client.post("/houses/harbor/admit/", {"person-phone": "555"})
    assert _check(response.content.decode(), "admit")
    html = response.content.decode()
    assert '<a href="#id_person-legal_name">Legal name: This field is required.</a>' in html
    assert '<a href="#id_stay-email">Email address: This field is required.</a>' in html
    assert (
        '<a href="#id_person-phone">Phone: That doesn&#x27;t look like a full phone number'
        " — include the area code.</a>"
    ) in html
