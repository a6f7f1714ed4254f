"""Every form of the app, fed junk: very long text, odd unicode, NUL bytes, far-off dates,
negative numbers, missing fields. Never a 500, and a form that refuses its input writes nothing.
Besides the drawn values, every text field of every form gets a NUL byte once, which PostgreSQL
cannot store.

The pages come from the access-control matrix: every page a resident, a manager or staff may
open (200) is read, and each form on it that posts back to a page of ours is filled with values
drawn by hypothesis for each of its fields, then sent as that person.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_access_matrix import (  # noqa: F401 - the matrix's fixtures, used by name
    MATRIX,
    PERSONAS,
    _chore_objects,
    _meeting_objects,
    _mentoring_objects,
    _notification_objects,
    _outside_objects,
    _peer_objects,
    _report_objects,
    objects,
)

FUZZED = ["resident_harbor", "manager_harbor", "staff"]
# Tables that change on any request (sign-in bookkeeping, the audit of reads) are not records.
NOT_RECORDS = {"django_session", "soberhouse_auditevent", "soberhouse_cache"}

JUNK_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(min_size=2000, max_size=6000),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "\u202e\u0301\ufeff",
            "🙂" * 50,
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "%s%s%n",
            "../../etc/passwd",
        ]
    ),
)
JUNK_NUMBER = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["-1", "0", "1e309", "NaN", "9" * 40, "1.5", "-0"]),
)
JUNK_DATE = st.one_of(
    st.dates().map(str),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "31/12/2026", "yesterday"]),
)
JUNK_TIME = st.sampled_from(["25:00", "00:00", "23:59:59", "-1:00", "noon", "07:30"])


class _Forms(HTMLParser):
    """The POST forms of a page: their action and their fields (name → type, with the options
    of a select)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self.forms.append({"action": attrs.get("action") or "", "post": method == "post"})
            self.forms[-1]["fields"] = {}
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "hidden"):
            fields.setdefault(name, {"type": attrs.get("type") or "text", "options": []})
            if attrs.get("type") in ("radio", "checkbox") and attrs.get("value"):
                fields[name]["options"].append(attrs["value"])
        elif tag == "textarea" and name:
            fields[name] = {"type": "text", "options": []}
        elif tag == "select" and name:
            fields[name] = {"type": "select", "options": []}
            self._select = name
        elif tag == "option" and self._select:
            fields[self._select]["options"].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _value(field: dict) -> st.SearchStrategy:
    kind, options = field["type"], field["options"]
    if options:
        return st.one_of(st.sampled_from(options), JUNK_TEXT, JUNK_NUMBER)
    if kind in ("number", "range"):
        return JUNK_NUMBER
    if kind in ("date", "datetime-local", "month"):
        return JUNK_DATE
    if kind == "time":
        return JUNK_TIME
    return st.one_of(JUNK_TEXT, JUNK_NUMBER, JUNK_DATE)


def _record_counts() -> dict[str, int]:
    """Rows in every table of ours, in one query."""
    tables = [
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.db_table not in NOT_RECORDS and not model._meta.proxy
    ]
    union = " UNION ALL ".join(
        # Table names come from the models, quoted: nothing from outside reaches this SQL.
        f"SELECT '{table}', count(*) FROM {connection.ops.quote_name(table)}"  # noqa: S608
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(union)
        return dict(cursor.fetchall())


PAGES = sorted(
    {
        (url, persona)
        for method, url, expected in MATRIX
        if method == "get" and not url.startswith(("/accounts/", "/admin/"))
        for persona, status in zip(PERSONAS, expected, strict=True)
        if persona in FUZZED and status == 200
    },
    key=str,
)


def forms_to_fill(client, address: str) -> list[tuple[str, dict]]:
    """The forms the page at ``address`` posts to this site: (where it posts, its fields). The
    test skips when the address is not a page or holds no such form."""
    page = client.get(address)
    if page.status_code != 200 or "text/html" not in page["Content-Type"]:
        pytest.skip("not a page")
    found = _Forms()
    found.feed(page.content.decode())
    forms = [
        (form["action"] or address.split("?")[0], form["fields"])
        for form in found.forms
        if form["post"] and form["fields"] and not form["action"].startswith(("http", "//"))
    ]
    if not forms:
        pytest.skip("no form to fill on this page")
    return forms


@pytest.mark.slow
@pytest.mark.parametrize(("url", "persona"), PAGES, ids=[f"{u} as {p}" for u, p in PAGES])
def test_no_form_breaks_or_half_saves_on_junk(client, everyone, objects, url, persona):  # noqa: F811
    client.force_login(everyone[persona])
    for target, fields in forms_to_fill(client, url.format(**objects)):
        _fuzz(client, target, fields)


def _fuzz(client, target: str, fields: dict) -> None:
    # A house's settings are saved with their defaults the first time a form posts to them,
    # whatever it holds: that first post is not measured.
    client.post(target, {})
    nul = {name: "a\x00b" for name, field in fields.items() if not field["options"]}
    if nul:
        assert client.post(target, nul).status_code != 500
    data = st.fixed_dictionaries(
        {}, optional={name: _value(fields[name]) for name in sorted(fields)}
    )

    @settings(
        max_examples=12,
        derandomize=True,  # the same junk on every run: CI neither flickers nor hides a find
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=data)
    def post_junk(data):
        before = _record_counts()
        # The test client raises what a view raised: a 500 fails here with its traceback.
        response = client.post(target, data)
        assert response.status_code != 500
        if response.status_code == 200 and re.search(
            rb'class="(field-error|form-errors|errorlist)', response.content
        ):
            assert _record_counts() == before, f"a refused form wrote rows at {target}"

    post_junk()
