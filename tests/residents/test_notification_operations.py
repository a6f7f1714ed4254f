"""The staff's notifications page: counts per kind and house, failed rows with their errors,
and retrying one (staff for any house, a manager for their own)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from soberhouse.models import AuditEvent, Notification
from tests.factories import UserFactory


def _row(house, status="sent", kind="chores.today", **fields):
    person = UserFactory()
    now = timezone.now()
    return Notification.objects.create(
        recipient=person,
        kind=kind,
        about_type="residents.house",
        about_id=str(house.pk),
        channel="email",
        house_id=house.pk,
        subject="You have 2 chores today",
        text="…",
        due_at=now,
        send_after=now,
        status=status,
        **fields,
    )


@pytest.fixture
def rows(harbor, cedar):
    _row(harbor)
    _row(harbor)
    _row(harbor, status="pending")
    failed = _row(harbor, status="failed", attempts=5, last_error="SMTPServerDisconnected: gone")
    _row(cedar, status="cancelled", kind="meetings.tomorrow")
    old = _row(cedar, kind="meetings.tomorrow")
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    return failed


def test_staff_see_counts_by_kind_and_house(client, staff, harbor, cedar, rows):
    client.force_login(staff)
    response = client.get("/notifications/operations/")
    counted = {
        (row.kind, row.house.slug): (row.pending, row.sent, row.failed, row.cancelled)
        for row in response.context["rows"]
    }
    assert counted == {
        ("chores.today", "harbor"): (1, 2, 1, 0),
        ("meetings.tomorrow", "cedar"): (0, 0, 0, 1),  # the sent one is 10 days old
    }
    page = response.content.decode()
    assert "SMTPServerDisconnected: gone" in page
    month = client.get("/notifications/operations/", {"days": "30"}).context["rows"]
    assert sum(row.sent for row in month) == 3
    assert client.get("/notifications/operations/", {"days": "x"}).context["days"] == 7


def test_staff_retry_a_failed_row(client, staff, rows):
    client.force_login(staff)
    response = client.post(f"/notifications/operations/{rows.pk}/retry/")
    assert response.status_code == 302
    rows.refresh_from_db()
    assert (rows.status, rows.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(action="notifications.retry").exists()


def test_a_manager_retries_their_houses_rows_only(client, manager_harbor, manager_cedar, rows):
    client.force_login(manager_cedar)
    assert client.post(f"/notifications/operations/{rows.pk}/retry/").status_code == 404
    rows.refresh_from_db()
    assert rows.status == "failed"
    client.force_login(manager_harbor)
    response = client.post(
        f"/notifications/operations/{rows.pk}/retry/", {"next": "/houses/harbor/"}
    )
    assert response["Location"] == "/houses/harbor/"
    rows.refresh_from_db()
    assert rows.status == "pending"


def test_a_retry_never_redirects_off_the_site(client, staff, rows):
    client.force_login(staff)
    response = client.post(
        f"/notifications/operations/{rows.pk}/retry/", {"next": "//evil.example/"}
    )
    assert response["Location"] == "/notifications/operations/"


def test_the_page_runs_the_same_queries_for_few_and_many_rows(client, staff, harbor, cedar):
    client.force_login(staff)
    counts = []
    for count in (2, 20):
        for _ in range(count):
            _row(harbor, status="failed", last_error="x")
            _row(cedar, kind=f"kind.{count}")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/operations/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_houses_manager_sees_its_failed_notifications_on_the_dashboard(
    client, manager_harbor, manager_cedar, rows
):
    client.force_login(manager_harbor)
    page = client.get("/houses/harbor/").content.decode()
    assert "Notifications that could not be sent" in page
    assert "SMTPServerDisconnected: gone" in page
    client.force_login(manager_cedar)
    assert "could not be sent" not in client.get("/houses/cedar/").content.decode()
