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
    assert message.extra_headers["Message-ID"].startswith("<notification.")
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


# The digest: email gathered into one a day at 18:00 in the house's zone


def _digest_day(person, harbor, day, hours):
    """Three notifications of one day, due at ``hours`` local time in Los Angeles."""
    NotificationPreference.objects.create(user=person, digest=True)
    for n, hour in enumerate(hours):
        due = dt.datetime.combine(day, dt.time(hour, 30), tzinfo=LA)
        _notify(person, harbor, occurrence=f"{day}-{n}", due_at=due, kind=f"kind.{n}")


def test_a_digest_person_gets_the_days_emails_as_one_at_six_pm(person, harbor):
    day = dt.date(2026, 12, 10)
    _digest_day(person, harbor, day, hours=(8, 12, 17))
    six_pm = dt.datetime.combine(day, dt.time(18), tzinfo=LA)
    assert set(
        Notification.objects.filter(channel="email").values_list("send_after", flat=True)
    ) == {six_pm}
    assert outbox.dispatch(now=six_pm - dt.timedelta(minutes=1)) == outbox.Dispatched(sent=3)
    assert not mail.outbox  # the three in-app rows went; no email yet
    assert outbox.dispatch(now=six_pm) == outbox.Dispatched(sent=3)
    [message] = mail.outbox
    assert (message.subject, message.to) == ("Your Soberhouse notifications: 3 new", [person.email])
    assert message.body.count("You have 2 chores today") == 3
    assert "/chores/" in message.body
    assert "Kitchen counters" not in message.body  # the rows' subjects and links, nothing more
    html = message.alternatives[0][0]
    assert html.count("You have 2 chores today") == 3
    assert "Kitchen counters" not in html
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert outbox.dispatch(now=six_pm + dt.timedelta(minutes=5)).claimed == 0


def test_a_digest_split_across_batches_still_goes_as_one_email(person, harbor):
    day = dt.date(2026, 12, 10)
    _digest_day(person, harbor, day, hours=(8, 9, 10, 11, 12))
    six_pm = dt.datetime.combine(day, dt.time(18), tzinfo=LA)
    outbox.dispatch(now=six_pm - dt.timedelta(minutes=1))  # the in-app rows
    # A batch of two claims two of the five: the rest of the digest comes along.
    assert outbox.dispatch(now=six_pm, size=2) == outbox.Dispatched(sent=5)
    [message] = mail.outbox
    assert message.subject == "Your Soberhouse notifications: 5 new"
    assert outbox.dispatch(now=six_pm).claimed == 0


def test_a_digest_persons_in_app_rows_are_immediate(person, harbor):
    day = dt.date(2026, 12, 10)
    _digest_day(person, harbor, day, hours=(8, 12, 17))
    morning = dt.datetime.combine(day, dt.time(8, 30), tzinfo=LA)
    assert outbox.dispatch(now=morning).sent == 1
    assert outbox.unread_count(person) == 1
    assert not mail.outbox


def test_what_comes_after_six_pm_waits_for_the_next_digest(person, harbor):
    day = dt.date(2026, 12, 10)
    _digest_day(person, harbor, day, hours=(19,))
    row = Notification.objects.get(channel="email")
    assert row.send_after == dt.datetime(2026, 12, 11, 18, 0, tzinfo=LA)


def test_a_cancelled_notification_is_left_out_of_the_digest(person, harbor):
    day = dt.date(2026, 12, 10)
    _digest_day(person, harbor, day, hours=(8, 12, 17))
    outbox.cancel(about=harbor, kind="kind.1")  # its cause went away before 18:00
    six_pm = dt.datetime.combine(day, dt.time(18), tzinfo=LA)
    assert outbox.dispatch(now=six_pm).sent == 4  # two in-app, two email
    [message] = mail.outbox
    assert message.subject == "Your Soberhouse notifications: 2 new"
    assert message.body.count("You have 2 chores today") == 2
    assert Notification.objects.get(channel="email", kind="kind.1").status == "cancelled"


def test_a_row_cancelled_after_the_claim_is_left_out_of_the_digest(person, harbor, monkeypatch):
    day = dt.date(2026, 12, 10)
    _digest_day(person, harbor, day, hours=(8, 12, 17))
    six_pm = dt.datetime.combine(day, dt.time(18), tzinfo=LA)
    outbox.dispatch(now=six_pm - dt.timedelta(minutes=1))  # the in-app rows
    digest_key = outbox._digest_key

    def key_then_cancel(row):
        # the batch is loaded; its cause goes away before the digest is sent
        outbox.cancel(about=harbor, kind="kind.2")
        return digest_key(row)

    monkeypatch.setattr(outbox, "_digest_key", key_then_cancel)
    result = outbox.dispatch(now=six_pm)
    assert (result.sent, result.skipped) == (2, 1)
    [message] = mail.outbox
    assert message.subject == "Your Soberhouse notifications: 2 new"
    assert Notification.objects.get(channel="email", kind="kind.2").status == "cancelled"


def test_the_digest_comes_at_six_pm_on_the_day_daylight_saving_time_ends(person, harbor):
    # 1 November 2026: Los Angeles goes from UTC-7 to UTC-8 at 2 a.m.; the first row is due
    # before the change, so 18:00 found with its offset would be 17:00.
    day = dt.date(2026, 11, 1)
    _digest_day(person, harbor, day, hours=(0, 9, 16))
    six_pm = dt.datetime(2026, 11, 2, 2, 0, tzinfo=dt.UTC)  # 18:00 PST
    assert six_pm.astimezone(LA).time() == dt.time(18)
    rows = Notification.objects.filter(channel="email")
    assert set(rows.values_list("send_after", flat=True)) == {six_pm}
    outbox.dispatch(now=six_pm - dt.timedelta(minutes=1))
    assert not mail.outbox
    outbox.dispatch(now=six_pm)
    [message] = mail.outbox
    assert message.subject == "Your Soberhouse notifications: 3 new"


def test_people_without_the_digest_still_get_one_email_each(person, harbor):
    other = UserFactory()
    _digest_day(person, harbor, dt.date(2026, 12, 10), hours=(17,))
    _notify(other, harbor)
    _notify(other, harbor, occurrence="2026-12-11")
    outbox.dispatch(now=dt.datetime(2026, 12, 10, 18, 0, tzinfo=LA))
    subjects = sorted((message.to[0], message.subject) for message in mail.outbox)
    assert subjects == sorted(
        [
            (other.email, "You have 2 chores today"),
            (other.email, "You have 2 chores today"),
            (person.email, "Your Soberhouse notifications: 1 new"),
        ]
    )


def test_a_digest_persons_cancelled_row_comes_back_held_to_six_pm(person, harbor):
    _digest_day(person, harbor, dt.date(2026, 12, 10), hours=(9,))
    outbox.cancel(about=harbor)
    due = dt.datetime(2026, 12, 10, 10, 0, tzinfo=LA)
    _notify(person, harbor, occurrence="2026-12-10-0", due_at=due, kind="kind.0")
    rows = dict(Notification.objects.values_list("channel", "send_after"))
    assert rows == {"email": dt.datetime(2026, 12, 10, 18, 0, tzinfo=LA), "in_app": due}
