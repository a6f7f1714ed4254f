"""Every URL × every persona → the status they get. Later features add their rows here.

Rows name a URL template whose ``{placeholders}`` are filled from the personas' own objects, and the
expected status for each persona, in the order of PERSONAS. 404 is the answer for anything a person
may not see (never 403), so ids cannot be probed; 302 to the sign-in page for the anonymous.
"""

from __future__ import annotations

import pytest

from residents.invitations import invitation_create, invitation_token
from residents.models import Invitation

PERSONAS = [
    "anonymous",
    "resident_harbor",
    "resident_cedar",
    "manager_harbor",
    "manager_cedar",
    "staff",
]
LOGIN = "login"  # a redirect to the sign-in page

# (method, url template, expected status per persona in PERSONAS order)
MATRIX = [
    ("get", "/", [LOGIN, 302, 302, 302, 302, 302]),
    ("get", "/today/", [LOGIN, 200, 200, 404, 404, 404]),
    ("get", "/houses/", [LOGIN, 404, 404, 200, 200, 200]),
    ("get", "/houses/harbor/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/houses/nowhere/", [LOGIN, 404, 404, 404, 404, 404]),
    ("get", "/houses/harbor/invite/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/invitations/{invitation}/revoke/", [LOGIN, 404, 404, 302, 404, 302]),
    ("get", "/residents/{resident_harbor}/", [LOGIN, 200, 404, 200, 404, 200]),
    ("get", "/residents/{resident_cedar}/", [LOGIN, 404, 200, 404, 200, 200]),
    ("get", "/residents/999999/", [LOGIN, 404, 404, 404, 404, 404]),
    ("get", "/residents/?q=a", [LOGIN, 404, 404, 200, 200, 200]),
    ("get", "/houses/harbor/admit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/admit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/cedar/admit/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/residents/{resident_harbor}/edit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/edit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_cedar}/edit/", [LOGIN, 404, 404, 404, 200, 200]),
    ("get", "/residents/{resident_harbor}/discharge/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/discharge/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_harbor}/stay/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/stay/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_harbor}/transfer/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_harbor}/readmit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/residents/{resident_harbor}/sobriety-date/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/transfer/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/readmit/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/residents/{resident_harbor}/sobriety-date/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/houses/harbor/rules/", [LOGIN, 404, 404, 200, 404, 200]),
    ("post", "/houses/harbor/rules/", [LOGIN, 404, 404, 200, 404, 200]),
    ("get", "/rules/", [LOGIN, 200, 200, 404, 404, 404]),
    ("post", "/rules/", [LOGIN, 200, 200, 404, 404, 404]),
    ("post", "/me/", [LOGIN, 302, 302, 404, 404, 404]),  # every box unticked is a change too
    ("get", "/directory/", [LOGIN, 200, 200, 404, 404, 404]),
    ("get", "/me/", [LOGIN, 200, 200, 200, 200, 200]),
    ("get", "/me/data/", [LOGIN, 200, 200, 200, 200, 200]),
    ("get", "/audit/", [LOGIN, 404, 404, 404, 404, 200]),
    ("get", "/invite/{token}/", [200, 200, 200, 200, 200, 200]),
    ("get", "/healthz", [200, 200, 200, 200, 200, 200]),
    ("get", "/accounts/login/", [200, 302, 302, 302, 302, 302]),
    ("get", "/accounts/signup/", [200, 302, 302, 302, 302, 302]),
    ("get", "/accounts/2fa/", [LOGIN, 200, 200, 200, 200, 200]),
    ("get", "/admin/", [302, 302, 302, 302, 302, 302]),
]

CASES = [
    pytest.param(method, url, persona, expected[index], id=f"{method} {url} as {persona}")
    for method, url, expected in MATRIX
    for index, persona in enumerate(PERSONAS)
]


@pytest.fixture
def objects(everyone, harbor, manager_harbor, resident_harbor, resident_cedar):
    invitation = invitation_create(
        house=harbor,
        email="new.person@example.test",
        role=Invitation.Role.RESIDENT,
        by=manager_harbor,
    )
    return {
        "resident_harbor": resident_harbor.pk,
        "resident_cedar": resident_cedar.pk,
        "invitation": invitation.pk,
        "token": invitation_token(invitation),
    }


@pytest.mark.parametrize(("method", "url", "persona", "expected"), CASES)
def test_access(client, everyone, objects, method, url, persona, expected):
    user = everyone[persona]
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url.format(**objects))
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == expected, response.content[:300]


def test_every_url_is_in_the_matrix():
    """A new URL of our own without a row here fails this test (allauth's and the admin's own
    pages are represented by the rows above)."""
    from django.urls import URLPattern, get_resolver, resolve

    sample = {"resident_harbor": 1, "resident_cedar": 2, "invitation": 1, "token": "t"}
    covered = {resolve(url.format(**sample).split("?")[0]).url_name for _, url, _ in MATRIX}
    ours = {
        pattern.name for pattern in get_resolver().url_patterns if isinstance(pattern, URLPattern)
    }
    assert ours - covered == set(), "URLs missing from the access-control matrix"
