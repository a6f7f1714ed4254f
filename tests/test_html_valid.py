"""Every page is valid HTML, as the Nu HTML checker (vnu, the W3C's checker) reads it.

The pages are the query budget's crawl: every GET page as a resident, a manager and staff on
``seed_bench`` data, plus the pages a person meets outside it (signing in, a page not found). All
of them are checked in one run of the checker, which needs Java and ``vnu-jar`` from npm
(``package.json``). Without them the test skips, except in CI, where it fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import time_machine
from django.db import transaction

from residents.models import Resident
from tests import crawl, node
from tests.conftest import Client
from tests.crawl import NOW, ROLES
from tests.test_query_budget import SMALL

# Pieces of a page that htmx swaps in, not documents: checked as the page that holds them.
FRAGMENTS = {"report_export_progress"}
VNU = "vnu-jar/build/dist/vnu.jar"


def _checker() -> list[str]:
    """The command that runs the checker, installing it with npm when it is missing."""
    jar = node.npm_file(VNU)
    java = shutil.which("java")
    if java is None:
        node.unavailable("The Nu HTML checker needs Java (apt-get install default-jre-headless).")
    return [java, "-Xss16m", "-jar", str(jar)]


def _crawl(cast) -> dict[str, str]:
    rendered = {}
    anonymous = Client()
    for url in ("/accounts/login/", "/accounts/login/code/", "/accounts/password/reset/"):
        rendered[f"anonymous {url}"] = anonymous.get(url).content.decode()
    former = Client()
    former.force_login(Resident.objects.get(pk=cast.ids["former"]).user)
    rendered["former resident /today/"] = former.get("/today/").content.decode()
    for role in ROLES:
        client = Client()
        client.force_login(crawl.user(role, cast))
        rendered[f"{role} not found"] = client.get("/no-such-page/").content.decode()
        for page in crawl.pages(role, cast):
            response = client.post(page.url, page.form) if page.form else client.get(page.url)
            html = "text/html" in response.get("Content-Type", "") and response.content
            if html and page.name not in FRAGMENTS:
                rendered[f"{role} {page.label}"] = response.content.decode()
    return rendered


def _errors(command: list[str], pages: dict[str, str], folder) -> list[str]:
    files = {}
    for number, (label, html) in enumerate(pages.items()):
        path = folder / f"page-{number:03d}.html"
        path.write_text(html)
        files[f"file:{path}"] = label
    finished = subprocess.run(  # noqa: S603
        [
            *command,
            "--format",
            "json",
            "--errors-only",
            "--exit-zero-always",
            *(name.removeprefix("file:") for name in files),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = json.loads(finished.stderr)["messages"]
    return [
        f"{files.get(m.get('url'), m.get('url'))}, line {m.get('lastLine')}: {m['message']}"
        f" [{m.get('extract', '').strip()[:80]}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_is_valid_html(tmp_path):
    command = _checker()
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        crawl.seed(SMALL)
        pages = _crawl(crawl.cast(1))
        transaction.set_rollback(True)
    assert len(pages) > 90, "The crawl rendered fewer pages than it should"
    errors = _errors(command, pages, tmp_path)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors)
