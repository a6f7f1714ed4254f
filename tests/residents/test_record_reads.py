"""Every page that shows a resident's record leaves a read in the audit trail, whatever the path
that draws it: opening the page, and a form posted with a mistake that shows the page again."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, get_resolver

from soberhouse.models import AuditEvent

PREFIX = "residents/<int:pk>/"


def _record_pages() -> list[str]:
    """The route of every page about one resident's record (``/residents/<id>/...``), read from
    the URL map, so that a page added later is held to the same rule."""
    return sorted(
        str(pattern.pattern)
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLPattern) and str(pattern.pattern).startswith(PREFIX)
    )


RECORD_PAGES = _record_pages()


def _reads(resident):
    return AuditEvent.objects.filter(action="resident.view", object_id=str(resident.pk))


def test_the_record_pages_are_found():
    assert {"residents/<int:pk>/", "residents/<int:pk>/sobriety-date/"} <= set(RECORD_PAGES)
    assert len(RECORD_PAGES) >= 7


@pytest.mark.parametrize("route", RECORD_PAGES)
def test_opening_a_record_page_is_a_read(client, staff, cedar, resident_harbor, route):
    client.force_login(staff)
    response = client.get("/" + route.replace("<int:pk>", str(resident_harbor.pk)))
    assert response.status_code == 200
    assert _reads(resident_harbor).count() == 1


@pytest.mark.parametrize("route", [route for route in RECORD_PAGES if route != PREFIX])
def test_a_form_posted_with_a_mistake_is_a_read(client, staff, cedar, resident_harbor, route):
    """Nothing filled in (a blank sobriety date, no move-out date, no house) shows the record
    again with the messages: that is a read like any other."""
    client.force_login(staff)
    response = client.post("/" + route.replace("<int:pk>", str(resident_harbor.pk)), {})
    assert response.status_code == 200
    assert response.context["resident"] == resident_harbor
    event = _reads(resident_harbor).get()
    assert event.actor == staff


def test_a_blank_sobriety_date_is_a_read(client, manager_harbor, resident_harbor):
    client.force_login(manager_harbor)
    response = client.post(
        f"/residents/{resident_harbor.pk}/sobriety-date/", {"sobriety_date": "", "reason": ""}
    )
    assert response.status_code == 200
    assert _reads(resident_harbor).filter(actor=manager_harbor).count() == 1


def test_a_page_refused_after_the_lookup_leaves_no_read(client, harbor, staff, resident_harbor):
    """Discharging someone with no stay under way answers 404: nothing of the record was shown."""
    stay = resident_harbor.stays.get()
    stay.move_out = harbor.today()
    stay.exit_reason = "completed"
    stay.save()
    client.force_login(staff)
    assert client.get(f"/residents/{resident_harbor.pk}/discharge/").status_code == 404
    assert not _reads(resident_harbor).exists()
