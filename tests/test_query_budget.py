"""The query budget: every GET page of the app, as a resident, a house manager and staff, runs the
same number of SQL queries on a small operator and on one five times larger (more houses, more
residents in each, more months of history). A page whose count grows with the data runs a query
per row somewhere (an N+1), and DESIGN.md §5 asks for a constant number whatever the data size.

Both operators are built by ``seed_bench``, each in a savepoint rolled back after it is measured,
on the same fixed clock. The pages are the crawl's (tests/crawl.py): every named URL of the app is
either visited or skipped with its reason, so a new page cannot slip past the budget.
"""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, get_resolver, reverse

from tests import crawl
from tests.conftest import Client
from tests.crawl import NOW, POST_ONLY, ROLES, SKIPPED, Page

SMALL = {"houses": 2, "beds": 5, "months": 2}
LARGE = {"houses": 10, "beds": 25, "months": 10}
# The rows seed_bench does not make (chores beyond its catalogue, invitations, exports,
# notifications, audit events) are made here, this many times over at each size.
EXTRA = {"small": 1, "large": 5}


def _count(client: Client, page: Page) -> int:
    """The queries of one visit, after a visit to warm up (caches, the session's first use)."""

    def visit():
        return client.post(page.url, page.form) if page.form else client.get(page.url)

    response = visit()
    assert response.status_code == page.status, (page.label, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        response = visit()
    assert response.status_code == page.status, (page.label, response.status_code)
    return len(queries)


def _measure(size: dict[str, int], extra: int) -> dict[tuple[str, str], int]:
    """Build the data, visit every page as every role, and roll the data back: the queries of
    each (role, page)."""
    counts = {}
    with transaction.atomic():
        crawl.seed(size)
        cast = crawl.cast(extra)
        for role in ROLES:
            client = Client()
            client.force_login(crawl.user(role, cast))
            for page in crawl.pages(role, cast):
                counts[role, page.label] = _count(client, page)
        transaction.set_rollback(True)
    return counts


def _table(rows: list[tuple[str, str, int, int]]) -> str:
    width = max(len(label) for _, label, _, _ in rows)
    lines = [f"{'role':<9}{'page':<{width}}  {'small':>5}  {'large':>5}"]
    lines += [f"{role:<9}{label:<{width}}  {a:>5}  {b:>5}" for role, label, a, b in rows]
    return "\n".join(lines)


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_runs_the_same_queries_on_five_times_the_data():
    with time_machine.travel(NOW, tick=False):
        small = _measure(SMALL, EXTRA["small"])
        large = _measure(LARGE, EXTRA["large"])
    assert small.keys() == large.keys()
    rows = [(role, label, small[role, label], large[role, label]) for role, label in small]
    print(_table(rows))  # shown with -s: the whole budget, page by page
    grown = [row for row in rows if row[2] != row[3]]
    assert not grown, (
        f"{len(grown)} pages run a different number of queries on five times the data "
        f"(a query per row somewhere):\n{_table(grown)}"
    )


def test_every_named_url_is_visited_or_skipped(client, staff):
    """A new named URL must join the budget, or be skipped here with its reason; and what is
    skipped as a write answers a GET with 405, so no page hides behind that reason."""
    ours = {p.name for p in get_resolver().url_patterns if isinstance(p, URLPattern) and p.name}
    cast = crawl.stand_in_cast()
    visited = {page.name for role in ROLES for page in crawl.pages(role, cast)}
    assert not (visited & set(SKIPPED)), "A URL is both visited and skipped"
    assert set(SKIPPED) <= ours, "SKIPPED names URLs that no longer exist"
    assert ours - visited - set(SKIPPED) == set(), "Named URLs missing from the query budget"
    client.force_login(staff)
    for name, reason in SKIPPED.items():
        if reason != POST_ONLY:
            continue
        pattern = next(p for p in get_resolver().url_patterns if getattr(p, "name", "") == name)
        kwargs = {key: 1 if key == "pk" else "house" for key in pattern.pattern.converters}
        response = client.get(reverse(name, kwargs=kwargs or None))
        assert response.status_code == 405, (name, response.status_code)
