"""Issue 9's security sweep, across the whole app on real PostgreSQL:

1. every page carries a strict Content-Security-Policy and runs no inline script;
2. in production the session and CSRF cookies are Secure, HttpOnly (both) and SameSite=Lax;
3. sign-in codes, wrong sign-in codes and wrong second-factor codes are rate-limited;
4. every POST needs a CSRF token (no view is exempt, and every write refuses without one);
5. no personal data in addresses: URL parameters, GET forms, links and redirects;
6. no personal data in the application log.

The pages are those of the crawl (tests/crawl.py: every GET page as a resident, a house manager
and staff, on one operator built by ``seed_bench``), plus allauth's and the
admin's pages and the pages met half-way through signing in, each visited once in a module-wide
build of the data that is rolled back at the end.
"""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import importlib
import json
import logging
import re
import typing
import zoneinfo
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_plus, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, PathConverter, SlugConverter, StringConverter
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.html import escape

from peerlog import services as peerlog_services
from residents.adapters import SIGN_IN_MESSAGES, TWO_STEP_MESSAGES
from residents.models import EmergencyContact, Resident
from soberhouse import outbox
from soberhouse.env import database_url
from soberhouse.models import User
from soberhouse.tasks import dispatch_notifications
from tests import crawl
from tests.conftest import Client, emailed_sign_in_code, totp_code, turn_on_totp
from tests.crawl import NOW, ROLES
from tests.factories import PASSWORD, UserFactory, make_resident
from tests.processes import manage
from tests.residents.test_record_views import _admit_data, _contacts_data
from tests.soberhouse.test_env import production_env
from tests.tables import table_digests
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
from tests.test_query_budget import SMALL

TOO_MANY = SIGN_IN_MESSAGES["too_many_login_attempts"]

# Every test here reads or writes the database (the module-wide page visits need it set up).
pytestmark = pytest.mark.django_db

BENCH_PASSWORD = "sober-bench-2026"  # seed_bench's published password for its accounts
APP_PACKAGES = ["soberhouse", "residents", "meetings", "chores", "peerlog", "reports"]
ROOT = Path(__file__).resolve().parents[2]


# The pages, visited once


@dataclass(frozen=True)
class Visit:
    who: str  # a role, "anonymous", "superuser", or someone half-way through signing in
    label: str
    url: str
    status: int
    content_type: str
    csp: str | None
    location: str
    html: str  # the body of an HTML response, else ""


@dataclass
class _Form:
    method: str
    action: str | None
    fields: list[str] = field(default_factory=list)


class _Markup(HTMLParser):
    """What a page holds that matters here: its scripts, event handlers and inline styles, its
    forms and the addresses it links to."""

    LINKS = {"href", "src", "action", "formaction", "hx-get", "hx-post", "hx-put", "hx-patch"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[str] = []
        self.styles: list[str] = []
        self.forms: list[_Form] = []
        self.links: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._form: _Form | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        named = dict(attrs)
        for name, value in attrs:
            text = (value or "").strip().lower()
            # htmx reads data-hx-… exactly as hx-…
            name = name.removeprefix("data-") if name.startswith("data-hx-") else name
            # on…= runs inline script; htmx's hx-on… and js: values are evaluated as script.
            if name.startswith(("on", "hx-on")):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if text.startswith("javascript:") or (
                name.startswith("hx-") and text.startswith("js:")
            ):
                self.handlers.append(f"<{tag} {name}={value!r}>")
            if name == "style":
                self.styles.append(f"<{tag} style={value!r}>")
            if name in self.LINKS and value:
                self.links.append(value)
        if tag == "style":
            self.styles.append("<style>")
        if tag == "script":
            self._script = {"src": named.get("src"), "type": named.get("type"), "text": ""}
            self.scripts.append(self._script)
        if tag == "form":
            method = (named.get("method") or "get").lower()  # a form without one is a GET
            self._form = _Form(method, named.get("action"))
            self.forms.append(self._form)
        if tag in {"input", "select", "textarea", "button"} and named.get("name"):
            if self._form is not None:
                self._form.fields.append(named["name"])

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None
        if tag == "form":
            self._form = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data


def _visit(client: Client, who: str, label: str, url: str) -> Visit:
    response = client.get(url)
    content_type = response.get("Content-Type", "")
    streamed = getattr(response, "streaming", False)
    html = "" if streamed or not content_type.startswith("text/html") else response.text
    return Visit(
        who,
        label,
        url,
        response.status_code,
        content_type,
        response.get("Content-Security-Policy"),
        response.get("Location", ""),
        html,
    )


def _patterns(patterns=None, prefix: str = ""):
    """Every URL pattern of the project, with the route it hangs under: (route, pattern)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _account_urls() -> list[tuple[str, str]]:
    """allauth's pages that take no parameter: (name, url)."""
    return [
        (pattern.name, "/" + route)
        for route, pattern in _patterns()
        if route.startswith("accounts/") and not pattern.pattern.regex.groups
    ]


def _personal_values() -> dict[str, set[str]]:
    """Everything in the database that names or reaches a person."""
    people = Resident.objects.values_list(
        "legal_name", "preferred_name", "phone", "sponsor_name", "sponsor_phone", "date_of_birth"
    )
    values: dict[str, set[str]] = {"emails": set(), "names": set(), "phones": set(), "born": set()}
    for email, name in User.objects.values_list("email", "full_name"):
        values["emails"].add(email.lower())
        values["names"].add(name.lower())
    for legal, preferred, phone, sponsor, sponsor_phone, born in people:
        values["names"] |= {legal.lower(), preferred.lower(), sponsor.lower()}
        values["phones"] |= {phone, sponsor_phone}
        values["born"].add(born.isoformat() if born else "")
    for name, phone in EmergencyContact.objects.values_list("name", "phone"):
        values["names"].add(name.lower())
        values["phones"].add(phone)
    # Short words ("Jo") would match any address by chance; every full name has a space.
    values["names"] = {name for name in values["names"] if " " in name.strip()}
    values["phones"] = {re.sub(r"\D", "", phone) for phone in values["phones"] if phone}
    values["phones"] = {digits for digits in values["phones"] if len(digits) >= 7}
    values["born"].discard("")
    return values


@dataclass
class Sweep:
    visits: list[Visit]
    personal: dict[str, set[str]]


@pytest.fixture(scope="module")
def sweep(django_db_setup, django_db_blocker) -> Sweep:
    """Every page of the app as each role, and the public and half-signed-in pages, visited once
    on the query budget's operator (rolled back afterwards)."""
    visits: list[Visit] = []
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        crawl.seed(SMALL)
        cast = crawl.cast(1)
        for role in ROLES:
            client = Client()
            client.force_login(crawl.user(role, cast))
            for page in crawl.pages(role, cast):
                visit = _visit(client, role, page.label, page.url)
                assert visit.status == page.status, (role, page.label, visit.status)
                visits.append(visit)
            # allauth's own pages, after signing in again so that those asking for a recent
            # sign-in (two-factor set-up, recovery codes) show themselves.
            client.post("/accounts/reauthenticate/", {"password": BENCH_PASSWORD})
            visits += [_visit(client, role, name, url) for name, url in _account_urls()]

        anonymous = Client()
        visits += [_visit(anonymous, "anonymous", name, url) for name, url in _account_urls()]
        token = cast.ids["token"]
        visits.append(_visit(anonymous, "anonymous", "invitation_accept", f"/invite/{token}/"))
        visits.append(_visit(anonymous, "anonymous", "healthz", "/healthz"))
        visits.append(_visit(anonymous, "anonymous", "(not found)", "/nowhere/"))
        refused = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "x"})
        visits.append(
            Visit(
                "anonymous",
                "(CSRF refused)",
                "/accounts/login/",
                refused.status_code,
                refused["Content-Type"],
                refused.get("Content-Security-Policy"),
                "",
                refused.text,
            )
        )

        # Half-way through signing in: the second factor asked for, a code emailed.
        manager = Client()
        sign_in = {"login": cast.manager.email, "password": BENCH_PASSWORD}
        assert (
            manager.post("/accounts/login/", sign_in)["Location"] == "/accounts/2fa/authenticate/"
        )
        visits.append(
            _visit(manager, "signing in", "mfa_authenticate", "/accounts/2fa/authenticate/")
        )
        resident = Client()
        resident.post("/accounts/login/code/", {"email": cast.resident.user.email})
        confirm = "/accounts/login/code/confirm/"
        visits.append(_visit(resident, "signing in", "account_confirm_login_code", confirm))

        boss = UserFactory(is_superuser=True)
        turn_on_totp(boss)
        admin = Client()
        admin.force_login(boss)
        for url in [
            "/admin/",
            "/admin/soberhouse/user/",
            f"/admin/soberhouse/user/{boss.pk}/change/",
            "/admin/residents/house/add/",
            "/admin/residents/membership/",
            "/admin/soberhouse/auditevent/",
        ]:
            visits.append(_visit(admin, "superuser", url, url))

        personal = _personal_values()
        transaction.set_rollback(True)
    return Sweep(visits, personal)


def _html_pages(sweep: Sweep) -> list[Visit]:
    return [visit for visit in sweep.visits if visit.html]


# 1. A Content-Security-Policy on every page, and no inline script


def _directives(header: str) -> dict[str, list[str]]:
    parts = [part.split() for part in header.split(";") if part.strip()]
    return {part[0].lower(): part[1:] for part in parts}


# Our own origin only: no 'unsafe-inline', 'unsafe-eval', other hosts or schemes.
SCRIPT_SOURCES = {"'self'"}


def test_every_response_carries_a_strict_content_security_policy(sweep):
    problems = []
    for visit in sweep.visits:
        if visit.csp is None:
            problems.append(f"{visit.who} {visit.label}: no Content-Security-Policy")
            continue
        policy = _directives(visit.csp)
        scripts = policy.get("script-src", policy.get("default-src", []))
        if policy.get("default-src") != ["'self'"]:
            problems.append(f"{visit.who} {visit.label}: default-src {policy.get('default-src')}")
        if not scripts or not all(source in SCRIPT_SOURCES for source in scripts):
            problems.append(f"{visit.who} {visit.label}: script-src {scripts}")
        for directive in ("object-src", "base-uri", "frame-ancestors"):
            if policy.get(directive) != ["'none'"]:
                problems.append(f"{visit.who} {visit.label}: {directive} {policy.get(directive)}")
    assert not problems, "\n".join(problems)
    assert len(_html_pages(sweep)) > 150  # every page of every role, not a handful


def test_no_page_runs_inline_script(sweep):
    problems, islands = [], set()
    for visit in _html_pages(sweep):
        page = _Markup(visit.html)
        where = f"{visit.who} {visit.label} ({visit.url})"
        for script in page.scripts:
            if script["src"] is None and script["type"] == "application/json":
                json.loads(script["text"])  # a data island: read by a script, never run
                islands.add(visit.label)
            elif script["src"] is None:
                problems.append(f"{where}: inline <script>{(script['text'] or '')[:60]}")
            elif not script["src"].startswith("/") or script["src"].startswith("//"):
                problems.append(f"{where}: a script from elsewhere: {script['src']}")
        problems += [f"{where}: {handler}" for handler in page.handlers]
        # style-src has no 'unsafe-inline' either: a browser would drop these, so none is used.
        problems += [f"{where}: inline style {style}" for style in page.styles]
    assert not problems, "\n".join(problems)
    # The only data islands are allauth's, on the email page (read by its account.js).
    assert islands == {"account_email"}


# 2. Cookies, with production settings

_SIGN_IN_IN_PRODUCTION = """
import json

from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings

from soberhouse.models import User

HOST = "soberhouse.example.org"
EMAIL, PASSWORD = "cookie.person@example.org", "a-long-pass-phrase-2026"
# The static files' manifest is made by collectstatic when the image is built; it has no part
# in cookies, so the pages are rendered here without it.
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
storages = {**settings.STORAGES, "staticfiles": plain}
with override_settings(STORAGES=storages), transaction.atomic():
    User.objects.create_user(EMAIL, password=PASSWORD)
    # Behind the TLS proxy, as in production: it says https in X-Forwarded-Proto.
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Origin": f"https://{HOST}"}
    browser = Client(enforce_csrf_checks=True, headers=headers)
    form = browser.get("/accounts/login/")
    token = browser.cookies["csrftoken"].value
    data = {"login": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token}
    signed_in = browser.post("/accounts/login/", data)
    printed = {
        "debug": settings.DEBUG,
        "signed_in": "_auth_user_id" in browser.session,
        "responses": [
            [response.status_code, [c.output(header="") for c in response.cookies.values()]]
            for response in (form, signed_in)
        ],
    }
    transaction.set_rollback(True)
print("SET-COOKIE " + json.dumps(printed))
"""


def _cookie(header: str) -> tuple[str, dict[str, str]]:
    """A Set-Cookie header's name and its attributes (lower-case names; flags map to "")."""
    first, *attributes = [part.strip() for part in header.split(";")]
    parsed = {}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        parsed[key.lower()] = value
    return first.partition("=")[0], parsed


@pytest.mark.slow
# Outside a test transaction: clearing the cache for the test inside one would hold locks on
# rows that earlier tests left there, and the child process, signing in from the same address,
# would wait on them for ever.
@pytest.mark.django_db(transaction=True)
def test_production_cookies_are_secure_httponly_and_same_site():
    """Signs someone in through the real form, in a process with production settings."""
    env = production_env(
        DATABASE_URL=database_url(connection.settings_dict), REDIS_URL=settings.REDIS_URL
    )
    result = manage("shell", "-c", _SIGN_IN_IN_PRODUCTION, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("SET-COOKIE ")]
    printed = json.loads(line.removeprefix("SET-COOKIE "))
    assert (printed["debug"], printed["signed_in"]) == (False, True)
    (page_status, page_cookies), (sign_in_status, sign_in_cookies) = printed["responses"]
    assert (page_status, sign_in_status) == (200, 302)  # the form, then signed in
    cookies = dict(_cookie(header) for header in page_cookies)
    assert set(cookies) == {"csrftoken"}
    signed_in = dict(_cookie(header) for header in sign_in_cookies)
    assert set(signed_in) == {"csrftoken", "sessionid"}  # signing in turns the CSRF token
    # Both HttpOnly: the pages hand htmx the CSRF token themselves, no script reads cookies.
    for name, attributes in [("csrftoken", cookies["csrftoken"]), *signed_in.items()]:
        assert "secure" in attributes, (name, attributes)
        assert "httponly" in attributes, (name, attributes)
        assert attributes.get("samesite", "").lower() in {"lax", "strict"}, (name, attributes)


# 3. Signing in is rate-limited


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_asking_for_sign_in_codes_is_limited_per_address(resident_harbor):
    email = resident_harbor.user.email
    for _ in range(3):  # allauth's request_login_code: 3 a minute for one address
        response = Client().post("/accounts/login/code/", {"email": email})
        assert response.status_code == 302
    assert len(mail.outbox) == 3
    response = Client().post("/accounts/login/code/", {"email": email})  # another phone, too
    assert response.status_code == 200
    assert TOO_MANY in response.text
    assert len(mail.outbox) == 3  # no fourth code


def test_wrong_sign_in_codes_use_up_the_code(resident_harbor):
    """Two wrong codes and then the right one sign in; after three wrong ones (allauth's
    ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS), the right code does not."""
    email = resident_harbor.user.email
    confirm = "/accounts/login/code/confirm/"
    for wrong, signed_in in ((2, True), (3, False)):
        client = Client()
        client.post("/accounts/login/code/", {"email": email})
        code = emailed_sign_in_code(email)
        tries = [client.post(confirm, {"code": "WRNG-CODE"}) for _ in range(wrong)]
        right = client.post(confirm, {"code": code})
        assert _signed_in(client) is signed_in, wrong
    # The third wrong code ends the code: back to asking for one, and told why.
    assert [response.status_code for response in tries] == [200, 200, 302]
    assert tries[-1]["Location"] == right["Location"] == "/accounts/login/code/"
    assert TOO_MANY in client.get("/accounts/login/code/").text


def _to_second_factor(user: User) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    return client


def test_wrong_second_factor_codes_are_limited(manager_harbor, manager_cedar):
    """Four wrong codes and then the right one sign in; after five wrong ones (allauth's
    login_failed limit, 5 in 5 minutes for one person) the right code does not."""
    for manager, wrong, signed_in in ((manager_harbor, 4, True), (manager_cedar, 5, False)):
        cache.clear()  # the counters of the first run, the address's too, are not the second's
        client = _to_second_factor(manager)
        for _ in range(wrong):
            response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
            assert escape(TWO_STEP_MESSAGES["incorrect_code"]) in response.text
        response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(manager)})
        assert _signed_in(client) is signed_in, wrong
    assert TOO_MANY in response.text


# 4. Every POST needs a CSRF token

# Views allowed to take a POST without a CSRF token, with the reason.
CSRF_EXEMPT = {
    # RFC 8058: a mail program POSTs "List-Unsubscribe=One-Click" to an email's unsubscribe
    # address by itself, with no cookie or token. The address's signed token is the proof; all
    # it can do is turn one kind of email off for the person it names, and any other body is
    # refused (400) with nothing changed (the sweep below checks both).
    "notification_unsubscribe": "one-click unsubscribe (RFC 8058)",
}


def test_no_view_is_csrf_exempt():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    exempt = {
        route: pattern.name
        for route, pattern in _patterns()
        if getattr(pattern.callback, "csrf_exempt", False) and pattern.name not in CSRF_EXEMPT
    }
    assert not exempt, f"Views that skip the CSRF check: {exempt}"


def _fingerprint() -> dict[str, tuple[int, str]]:
    """Each table's whole content, hashed, in one query: any row added, changed or removed
    changes its table's hash."""
    with connection.cursor() as cursor:
        return table_digests(cursor, sorted(connection.introspection.table_names()))


def _allowed(expected: list) -> str | None:
    """The first persona the matrix lets through (a 200 or a redirect that is not to sign in)."""
    return next(
        (
            persona
            for persona, status in zip(PERSONAS, expected, strict=True)
            if status in {200, 302}
        ),
        None,
    )


@pytest.mark.usefixtures("objects")  # the access-control matrix's rows, to fill its URLs
def test_every_post_without_a_csrf_token_is_refused_and_changes_nothing(request, caplog, everyone):
    filled = request.getfixturevalue("objects")
    boss = UserFactory(is_superuser=True)
    turn_on_totp(boss)
    # As a persona the matrix lets through; staff where it lets nobody through (a 404 or 405).
    posts = [
        (url.format(**filled), _allowed(expected) or "staff")
        for method, url, expected in MATRIX
        if method == "post"
    ]
    # allauth's forms, for the signed-out and the signed-in, and the admin's.
    posts += [(url, "anonymous") for _, url in _account_urls()]
    posts += [(url, "manager_harbor") for _, url in _account_urls()]
    posts += [("/admin/residents/house/add/", "superuser"), ("/admin/logout/", "superuser")]
    clients = {}
    for persona, user in {**everyone, "superuser": boss}.items():
        clients[persona] = Client(enforce_csrf_checks=True)
        if user is not None:
            clients[persona].force_login(user)
        # The browser holds its CSRF cookie, as a forged form's victim would: only the token
        # in the form is missing.
        clients[persona].cookies["csrftoken"] = get_random_string(32)
    before = _fingerprint()
    exempt = 0
    for url, persona in posts:
        response = clients[persona].post(url, {"name": "Changed", "text": "Changed"})
        if resolve(urlsplit(url).path).url_name in CSRF_EXEMPT:
            # Refused by the view itself: not the one thing it may be asked.
            assert response.status_code in {400, 404}, (url, response.status_code)
            exempt += 1
            continue
        assert response.status_code == 403, (url, persona, response.status_code)
        # Refused by the CSRF check (its page), not by the view.
        assert [t.name for t in response.templates] == ["403_csrf.html", "base.html"], url
    assert exempt >= len(CSRF_EXEMPT)
    after = _fingerprint()
    assert {t for t in before if before[t] != after[t]} == set()
    reasons = {r.getMessage().split(":")[0] for r in caplog.records if "csrf" in r.name}
    assert reasons == {"Forbidden (CSRF token missing.)"}
    assert len({url for url, _ in posts}) > 80


# 5. No personal data in addresses

# The URL parameters there are, each with the converters it may have (None: a regular
# expression of its own).
PARAMETERS = {
    "pk": {IntConverter},  # a row's id
    "slug": {SlugConverter},  # a house's slug
    "token": {StringConverter, SlugConverter},  # an invitation's signed token, a feed's secret
    # allauth's email confirmation and password reset links: a signed key and a user's id
    "key": {None},
    "uidb36": {None},
    # the admin's own: an app, a row's id or a content type's, and its catch-all
    "app_label": {None},
    "id": {StringConverter},
    "object_id": {PathConverter, StringConverter},
    "content_type_id": {PathConverter},
    "url": {None},
}
PERSONAL_WORDS = re.compile(r"mail|name|phone|birth|dob|born|address|contact|sponsor", re.I)


def test_url_parameters_are_ids_slugs_and_tokens():
    found = {}
    for route, pattern in _patterns():
        converters = getattr(pattern.pattern, "converters", {})
        for name in pattern.pattern.regex.groupindex:
            kind = type(converters[name]) if name in converters else None
            found.setdefault(name, set()).add(kind)
            assert not PERSONAL_WORDS.search(name), (route, name)
    for name, kinds in found.items():
        assert name in PARAMETERS, f"A URL parameter not reviewed here: {name} ({kinds})"
        assert kinds <= PARAMETERS[name], (name, kinds)


# Every field of every GET form on every page (a GET form puts its fields in the address), by
# the URL's name, with what it holds. None is about a person.
GET_FORM_FIELDS = {
    "decisions": {"q"},  # words of the house's motions
    "chore_history": {"start", "end", "resident"},  # the days shown, and someone's row id
    "reports": {"month", "house", "residents"},  # a month, house slugs, "with residents": on
}
# The admin (superusers only) is Django's own: its user search is a GET form, by Django's
# design, and stays; the app's own pages post what names a person.
ADMIN_GET_FORM_FIELDS = {"changelist_view": {"q"}}


def test_get_forms_ask_for_nothing_personal(sweep):
    found: dict[str, set[str]] = {}
    for visit in _html_pages(sweep):
        for form in _Markup(visit.html).forms:
            if form.method == "get" and form.fields:
                name = resolve(urlsplit(visit.url).path).url_name
                if visit.url.startswith("/admin/"):
                    name = resolve(urlsplit(visit.url).path).func.__name__
                found.setdefault(name, set()).update(form.fields)
    assert found == {**GET_FORM_FIELDS, **ADMIN_GET_FORM_FIELDS}


def _personal_in(address: str, personal: dict[str, set[str]]) -> list[str]:
    text = unquote_plus(address).lower()
    hits = [value for value in personal["emails"] | personal["names"] if value in text]
    hits += [value for value in personal["born"] if value in text]
    hits += [run for run in re.findall(r"\d+", text) if run in personal["phones"]]
    if "@" in text:
        hits.append("@")
    return hits


def test_no_link_or_redirect_on_any_page_carries_personal_data(sweep):
    problems, count = [], 0
    for visit in sweep.visits:
        addresses = [visit.url, visit.location, *_Markup(visit.html).links]
        for address in filter(None, addresses):
            if address.startswith(("mailto:", "tel:", "data:")):
                continue  # the person's own device reaches them; no request to us
            count += 1
            if hits := _personal_in(address, sweep.personal):
                problems.append(f"{visit.who} {visit.label}: {address} {hits}")
    assert not problems, "\n".join(problems)
    assert count > 1000
    assert len(sweep.personal["emails"]) > 10 and len(sweep.personal["phones"]) > 10


# 6. A day's work, through the test client: what it leaves in the log and in redirects

ZEBRA = {
    "name": "Quillon Zebrafish",
    "email": "quillon.zebrafish@example.test",
    "phone": "+1 562 555 0187",
    "born": "1979-02-28",
    "sponsor": "Sponsor Zebrawood",
    "contact": "Contact Zebracorn",
    "edited phone": "+1 562 555 0166",
    "note": "ZEBRA-PRIVATE-NOTE",
    "shared note": "ZEBRA-SHARED-NOTE",
    "bad phone": "ZEBRA-BAD-PHONE",
}


@dataclass
class _Day:
    responses: list = field(default_factory=list)

    def post(self, client: Client, url: str, data: dict):
        response = client.post(url, data)
        self.responses.append((url, response))
        return response


@pytest.fixture
def mentor(harbor) -> Resident:
    """A senior resident of harbor, to mentor the person admitted (made before any log is
    watched: the factories log what they make)."""
    senior = make_resident(harbor, full_name="Morgan Mentor")
    senior.sobriety_date = harbor.today() - dt.timedelta(days=400)
    senior.save()
    return senior


def _a_day(harbor, manager_harbor, resident_harbor, resident_cedar, mentor) -> _Day:
    """Sign-ins that fail and succeed, an admission, an edit, a form with errors, a peer log
    entry, someone else's record, a POST without its token, and the outbox delivering email."""
    day = _Day()
    stranger = Client()
    day.post(stranger, "/accounts/login/", {"login": ZEBRA["email"], "password": "wrong"})
    day.post(
        stranger, "/accounts/login/", {"login": resident_harbor.user.email, "password": "wrong"}
    )
    day.post(stranger, "/accounts/login/code/", {"email": resident_harbor.user.email})

    manager = Client()
    sign_in = {"login": manager_harbor.email, "password": PASSWORD, "next": "/houses/harbor/"}
    day.post(manager, "/accounts/login/", sign_in)
    day.post(manager, "/accounts/2fa/authenticate/", {"code": totp_code(manager_harbor)})
    assert _signed_in(manager)

    admission = _admit_data(
        harbor,
        **{
            "person-legal_name": ZEBRA["name"],
            "person-phone": ZEBRA["phone"],
            "person-date_of_birth": ZEBRA["born"],
            "person-sponsor_name": ZEBRA["sponsor"],
            "stay-email": ZEBRA["email"],
            "contacts-0-name": ZEBRA["contact"],
        },
    )
    bad = {**admission, "person-phone": ZEBRA["bad phone"]}
    assert day.post(manager, "/houses/harbor/admit/", bad).status_code == 200  # explained
    assert day.post(manager, "/houses/harbor/admit/", admission).status_code == 302
    admitted = Resident.objects.get(user__email=ZEBRA["email"])
    edit = {key: value for key, value in admission.items() if key.startswith("person-")}
    edit["person-phone"] = ZEBRA["edited phone"]
    contact = {"name": ZEBRA["contact"], "relation": "friend", "phone": ZEBRA["phone"]}
    edit.update(_contacts_data([contact], extra_blank=False, initial=1))
    assert day.post(manager, f"/residents/{admitted.pk}/edit/", edit).status_code == 302
    day.post(manager, "/residents/", {"q": "Zebrafish"})

    pairing = peerlog_services.pairing_create(
        house=harbor, mentor=mentor, mentee=admitted, by=manager_harbor
    )
    writer = Client()
    writer.force_login(mentor.user)
    at = timezone.now().astimezone(zoneinfo.ZoneInfo(harbor.time_zone)) - dt.timedelta(hours=1)
    entry = {
        "kind": "check_in",
        "minutes": "30",
        "at": at.strftime("%Y-%m-%dT%H:%M"),
        "shared_note": ZEBRA["shared note"],
        "private_note": ZEBRA["note"],
    }
    assert day.post(writer, f"/peerlog/pairs/{pairing.pk}/log/", entry).status_code == 302

    other = Client()
    other.force_login(resident_cedar.user)
    assert other.get(f"/residents/{admitted.pk}/").status_code == 404  # someone else's
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(mentor.user)
    assert day.post(forged, f"/peerlog/pairs/{pairing.pk}/log/", entry).status_code == 403

    outbox.dispatch()  # the invitation and the check-in's notification, delivered
    dispatch_notifications()
    assert ZEBRA["email"] in {address for message in mail.outbox for address in message.to}
    return day


@contextlib.contextmanager
def _every_logger_at_debug(caplog):
    """Every logger there is, at DEBUG, its records caught (those that do not pass them up to
    the root logger, too)."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    saved = [(logger, logger.level) for logger in loggers]
    lonely = [logger for logger in loggers if not logger.propagate]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    for logger in lonely:
        logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for logger, level in saved:
            logger.setLevel(level)
        for logger in lonely:
            logger.removeHandler(caplog.handler)


def test_the_log_holds_no_personal_data(
    caplog,
    django_capture_on_commit_callbacks,
    harbor,
    manager_harbor,
    resident_harbor,
    resident_cedar,
    mentor,
):
    # The work done after commit (Celery tasks, run in place here) is in the day too.
    with _every_logger_at_debug(caplog), django_capture_on_commit_callbacks(execute=True):
        _a_day(harbor, manager_harbor, resident_harbor, resident_cedar, mentor)
    # SQL is logged (with its values) only when DEBUG is on, which production never is; its
    # logger is left out should a test run turn DEBUG on.
    records = [r for r in caplog.records if not r.name.startswith("django.db.backends")]
    text = "\n".join(
        f"{r.name} {r.getMessage()} {r.args!r} {logging.Formatter().format(r)}" for r in records
    )
    phones = [re.sub(r"\D", "", ZEBRA[key]) for key in ("phone", "edited phone")]
    secrets = [
        *ZEBRA.values(),
        *phones,
        resident_harbor.user.email,
        resident_harbor.legal_name,
        manager_harbor.email,
        PASSWORD,
    ]
    assert [secret for secret in secrets if secret.lower() in text.lower()] == []
    # What was caught: the 404 by its path, and the refused POST, by its path too.
    assert "Not Found: /residents/" in text
    assert "Forbidden (CSRF" in text


def test_redirects_after_posts_carry_no_personal_data(
    harbor, manager_harbor, resident_harbor, resident_cedar, mentor
):
    day = _a_day(harbor, manager_harbor, resident_harbor, resident_cedar, mentor)
    locations = [
        (url, response["Location"])
        for url, response in day.responses
        if response.has_header("Location")
    ]
    secrets = [value.lower() for value in ZEBRA.values()] + [resident_harbor.user.email]
    for url, location in locations:
        assert "@" not in unquote_plus(location), (url, location)
        assert not [s for s in secrets if s in unquote_plus(location).lower()], (url, location)
    assert len(locations) >= 6
    # The sign-in's next is a path of ours, kept as one; an address elsewhere is not followed.
    assert ("/accounts/2fa/authenticate/", "/houses/harbor/") in locations
    sign_in = Client().get(f"/residents/{resident_harbor.pk}/edit/")["Location"]
    assert sign_in == f"/accounts/login/?next=/residents/{resident_harbor.pk}/edit/"
    elsewhere = Client().post(
        "/accounts/login/",
        {
            "login": resident_harbor.user.email,
            "password": PASSWORD,
            "next": "https://elsewhere.example/?email=x",
        },
    )
    assert elsewhere["Location"] == "/"


# The application's own logging calls, each read and found to log ids and counts only.
LOGGING_CALLS = {
    ("reports/services.py", "log.exception('Export %s failed', job.pk)"),
}
_LOG_METHODS = {"debug", "info", "warning", "warn", "error", "exception", "critical", "log"}
_LOGGER = re.compile(r"(\blog|logger|logging|getLogger\(.*\))$")  # log., logger., getLogger().


def test_the_code_logs_ids_only():
    calls, loggers = set(), set()
    for package in APP_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(), str(path))
            relative = str(path.relative_to(ROOT))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                if re.search(r"\bgetLogger$", ast.unparse(node.func)):
                    loggers.add(relative)
                if not isinstance(node.func, ast.Attribute):
                    continue
                receiver = ast.unparse(node.func.value)
                if node.func.attr in _LOG_METHODS and _LOGGER.search(receiver):
                    calls.add((relative, ast.unparse(node)))
    assert calls == LOGGING_CALLS
    assert loggers == {path for path, _ in LOGGING_CALLS}


def test_tasks_take_ids_and_return_counts():
    """A Celery worker logs every task's result ("succeeded in 0.2s: 3"): ours are counts, ids
    or flags, never a row's contents."""
    from soberhouse.celery import app

    for package in APP_PACKAGES:
        importlib.import_module(f"{package}.tasks")
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert len(ours) >= 10
    for name, task in ours.items():
        hints = typing.get_type_hints(task.run)
        assert hints.pop("return") in {int, bool, str, int | None}, name
        assert all(hint is int for hint in hints.values()), (name, hints)
