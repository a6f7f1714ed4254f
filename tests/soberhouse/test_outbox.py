"""The notification outbox: one row per person, kind, cause, occurrence and channel however often
or concurrently it is written; quiet hours; dispatch that sends each row once, shares the work
between workers, survives a worker that stopped mid-batch, retries and finally fails."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
import zoneinfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from soberhouse import outbox
from soberhouse.models import Notification, NotificationPreference
from tests.factories import UserFactory

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
NOW = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)  # noon in Los Angeles


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down (the one thing outside our machine)."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def _notify(user, about, *, occurrence="2026-12-10", due_at=NOW, kind="chores.today", **extra):
    return outbox.notify(
        recipient=user,
        kind=kind,
        about=about,
        occurrence=occurrence,
        due_at=due_at,
        subject="You have 2 chores today",
        text="Kitchen counters by 8 p.m. and the trash by 7 p.m.",
        url="/chores/",
        house_id=about.pk,
        time_zone="America/Los_Angeles",
        **extra,
    )


@pytest.fixture
def person(db):
    return UserFactory(full_name="Alex Harbor")


# One row, however often


def test_a_cause_seen_twice_notifies_once(person, harbor):
    assert _notify(person, harbor) == 2
    _notify(person, harbor)
    rows = Notification.objects.filter(recipient=person)
    assert sorted(rows.values_list("channel", flat=True)) == ["email", "in_app"]
    _notify(person, harbor, occurrence="2026-12-11")  # the next day is another occurrence
    assert rows.count() == 4


def test_a_cause_seen_in_two_transactions_at_once_notifies_once(transactional_db, harbor):
    person = UserFactory()
    barrier = threading.Barrier(2)
    errors = []

    def write():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                _notify(person, harbor)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Notification.objects.filter(recipient=person).count() == 2


def test_preferences_choose_kinds_and_channels(person, harbor):
    NotificationPreference.objects.create(user=person, muted_kinds=["chores.today"], email=False)
    assert _notify(person, harbor) == 0
    assert _notify(person, harbor, kind="meetings.tomorrow") == 1
    assert Notification.objects.get().channel == "in_app"


# Quiet hours, in the house's zone


@pytest.mark.parametrize(
    ("due_local", "send_local"),
    [
        (dt.datetime(2026, 12, 10, 23, 30, tzinfo=LA), dt.datetime(2026, 12, 11, 7, 0, tzinfo=LA)),
        (dt.datetime(2026, 12, 10, 6, 0, tzinfo=LA), dt.datetime(2026, 12, 10, 7, 0, tzinfo=LA)),
        (dt.datetime(2026, 12, 10, 12, 0, tzinfo=LA), dt.datetime(2026, 12, 10, 12, 0, tzinfo=LA)),
        (dt.datetime(2026, 12, 10, 22, 0, tzinfo=LA), dt.datetime(2026, 12, 11, 7, 0, tzinfo=LA)),
        (dt.datetime(2026, 12, 10, 7, 0, tzinfo=LA), dt.datetime(2026, 12, 10, 7, 0, tzinfo=LA)),
        # The night Los Angeles leaves daylight saving time: 07:00 is 15:00 UTC, not 14:00.
        (dt.datetime(2026, 10, 31, 23, 0, tzinfo=LA), dt.datetime(2026, 11, 1, 7, 0, tzinfo=LA)),
    ],
)
def test_quiet_hours_hold_a_notification_until_they_end(person, harbor, due_local, send_local):
    NotificationPreference.objects.create(
        user=person, quiet_from=dt.time(22, 0), quiet_until=dt.time(7, 0)
    )
    _notify(person, harbor, due_at=due_local)
    row = Notification.objects.filter(recipient=person).first()
    assert row.send_after == send_local
    assert row.send_after.astimezone(LA).time() == send_local.time()


# Dispatch


def test_dispatch_sends_each_row_once(person, harbor):
    _notify(person, harbor)
    assert outbox.dispatch(now=NOW) == outbox.Dispatched(sent=2)
    assert outbox.dispatch(now=NOW + dt.timedelta(minutes=1)) == outbox.Dispatched()
    [message] = mail.outbox
    assert (message.subject, message.to) == ("You have 2 chores today", [person.email])
    assert "Kitchen counters" in message.body and "/chores/" in message.body
    assert message.extra_headers["Message-ID"].startswith("<notification-")
    assert outbox.unread_count(person) == 1


def test_nothing_goes_before_its_time(person, harbor):
    _notify(person, harbor, due_at=NOW + dt.timedelta(hours=1))
    assert outbox.dispatch(now=NOW).claimed == 0
    assert outbox.dispatch(now=NOW + dt.timedelta(hours=1)).sent == 2


def test_a_cancelled_row_is_never_sent(person, harbor):
    _notify(person, harbor)
    assert outbox.cancel(about=harbor, kind="chores.today") == 2
    assert outbox.dispatch(now=NOW).claimed == 0
    assert not mail.outbox


def test_two_workers_at_once_never_send_a_row_twice(transactional_db, harbor):
    people = [UserFactory() for _ in range(30)]
    for person in people:
        _notify(person, harbor)
    barrier = threading.Barrier(2)
    results = []

    def work():
        try:
            barrier.wait(timeout=10)
            total = 0
            while batch := outbox.dispatch(now=NOW, size=7).claimed:
                total += batch
            results.append(total)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(results) == 60
    assert sorted(message.to[0] for message in mail.outbox) == sorted(p.email for p in people)
    assert Notification.objects.filter(status="sent").count() == 60


def test_rows_of_a_worker_that_stopped_go_out_once_its_lease_ends(person, harbor):
    _notify(person, harbor)
    held = outbox.claim(now=NOW, lease=dt.timedelta(minutes=5))  # then the worker dies
    assert len(held) == 2
    assert outbox.dispatch(now=NOW + dt.timedelta(minutes=4)).claimed == 0
    assert outbox.dispatch(now=NOW + dt.timedelta(minutes=6)).sent == 2
    assert len(mail.outbox) == 1


@override_settings(EMAIL_BACKEND="tests.soberhouse.test_outbox.RefusingBackend")
def test_a_failing_server_is_retried_with_a_growing_wait_then_failed(person, harbor):
    _notify(person, harbor)
    moment = NOW
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        outbox.dispatch(now=moment)
        row = Notification.objects.get(recipient=person, channel="email")
        if row.status == "failed":
            break
        waits.append(row.send_after - moment)
        moment = row.send_after
    assert waits == [dt.timedelta(minutes=minutes) for minutes in (1, 2, 4, 8)]
    assert (row.status, row.attempts) == ("failed", outbox.MAX_ATTEMPTS)  # failures, not claims
    assert row.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert Notification.objects.get(recipient=person, channel="in_app").status == "sent"
    outbox.retry(row)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)


def test_dispatch_queries_per_row_fall_as_the_batch_grows(
    person, harbor, django_assert_num_queries
):
    for day in range(10):
        _notify(person, harbor, occurrence=f"day-{day}")
    # the claim, the rows with their people, and for each row: still mine and wanted, then sent
    with django_assert_num_queries(2 + 2 * 20):
        assert outbox.dispatch(now=NOW + dt.timedelta(days=1), size=50).sent == 20


def test_the_unread_count_is_of_in_app_rows_sent_and_unread(person, harbor):
    _notify(person, harbor)
    _notify(person, harbor, occurrence="2026-12-11")
    outbox.dispatch(now=NOW)
    assert outbox.unread_count(person) == 2
    Notification.objects.filter(channel="in_app").update(read_at=timezone.now())
    assert outbox.unread_count(person) == 0


def test_the_beat_task_delivers_what_is_due(person, harbor):
    from soberhouse.tasks import dispatch_notifications

    for day in range(150):
        _notify(person, harbor, occurrence=f"day-{day}", due_at=timezone.now())
    assert dispatch_notifications() == 300
    assert len(mail.outbox) == 150
    assert dispatch_notifications() == 0


def test_a_row_cancelled_after_the_claim_is_not_sent(person, harbor, monkeypatch):
    _notify(person, harbor)
    _notify(person, harbor, occurrence="2026-12-11")
    channel = outbox.channel_named("email")
    sent = []

    def send_then_cancel_the_next(notification):
        sent.append(notification.occurrence)
        outbox.cancel(about=harbor, occurrence="2026-12-11")

    monkeypatch.setattr(channel, "send", send_then_cancel_the_next)
    result = outbox.dispatch(now=NOW)
    assert sent == ["2026-12-10"]
    assert Notification.objects.get(channel="email", occurrence="2026-12-11").status == "cancelled"
    assert result.skipped >= 1


def test_a_worker_whose_lease_was_taken_over_marks_nothing(person, harbor):
    _notify(person, harbor)
    first = outbox.claim(now=NOW, lease=dt.timedelta(minutes=5))
    # the first worker is slow; its lease ends and a second worker takes the rows over
    second = outbox.claim(now=NOW + dt.timedelta(minutes=6), lease=dt.timedelta(minutes=5))
    assert sorted(first) == sorted(second)
    mine = Notification.objects.filter(claimed_until=NOW + dt.timedelta(minutes=5))
    assert mine.count() == 0  # the first worker's token no longer matches any row


def test_a_cancelled_notification_comes_back_with_its_cause(person, harbor):
    _notify(person, harbor)
    outbox.cancel(about=harbor)
    _notify(person, harbor, due_at=NOW + dt.timedelta(hours=2))
    rows = Notification.objects.filter(recipient=person)
    assert set(rows.values_list("status", flat=True)) == {"pending"}
    assert rows.count() == 2
    assert rows.first().send_after == NOW + dt.timedelta(hours=2)
    outbox.dispatch(now=NOW + dt.timedelta(hours=2))
    _notify(person, harbor)  # sent rows stay sent: nothing twice
    assert set(rows.values_list("status", flat=True)) == {"sent"}
