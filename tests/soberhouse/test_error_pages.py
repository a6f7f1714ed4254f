"""Failures show our own pages in our stylesheet, never Django's bare ones; a database that does
not answer is a 503 that says to try again, with Retry-After."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.conftest import Client

pytestmark = pytest.mark.urls("tests.soberhouse.error_urls")


def _text(response) -> str:
    return " ".join(response.content.decode().split())


@pytest.mark.django_db
def test_a_missing_page_is_our_404(client, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = _text(response)
    assert "We couldn't find that page" in page
    assert "/static/css/app.css" in page
    assert 'href="/today/"' in page  # the navigation, as on every page for a signed-in person


@pytest.mark.django_db
def test_a_bug_is_our_500():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    page = _text(response)
    assert "Something went wrong on our side" in page
    assert "/static/css/app.css" in page
    assert "Retry-After" not in response


@pytest.mark.django_db(transaction=True)
def test_a_database_that_does_not_answer_is_a_503():
    settings = connection.settings_dict
    saved = settings["HOST"], settings["PORT"]
    connection.close()
    settings["HOST"], settings["PORT"] = "127.0.0.1", "9"  # nothing listens on the discard port
    try:
        response = Client(raise_request_exception=False).get("/asks-the-database/")
    finally:
        connection.close()
        settings["HOST"], settings["PORT"] = saved
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = _text(response)
    assert "Back in a moment" in page
    assert "Nothing you saved before is lost" in page
