"""The notifications of peer mentoring: a mentor told of a mentee with no contact for the house's
number of days (once per overdue stretch, on the house's day), and a mentee told of a check-in
their mentor logged — at the right moment, once, cancelled when the cause goes away, held through
quiet hours, and never with a word of the log in them."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from peerlog import notifications, services, tasks
from soberhouse import outbox
from soberhouse.models import Notification, NotificationPreference
from tests.factories import make_resident

D = dt.date
LA = zoneinfo.ZoneInfo("America/Los_Angeles")


def _la(*args):
    return dt.datetime(*args, tzinfo=LA).astimezone(dt.UTC)


def _local(moment):
    return moment.astimezone(LA)


def _rows(kind, **filters):
    return Notification.objects.filter(kind=kind, channel="email", **filters)


def _run_task_at(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.notify_due()


@pytest.fixture
def pair(harbor, manager_harbor):
    """Sam mentors Nico at Harbor House (Los Angeles) since 1 December; Nico last logged a
    contact on Wednesday 2 December, so with the house's 7 days Nico is overdue from the 9th."""
    with time_machine.travel(_la(2026, 12, 1, 9, 0), tick=False):
        mentor = make_resident(harbor, move_in=D(2026, 6, 1), full_name="Sam Senior")
        mentor.sobriety_date = D(2025, 1, 1)
        mentor.save()
        mentee = make_resident(harbor, move_in=D(2026, 11, 20), full_name="Nico Newer")
        pairing = services.pairing_create(
            house=harbor, mentor=mentor, mentee=mentee, by=manager_harbor, starts_on=D(2026, 12, 1)
        )
    with time_machine.travel(_la(2026, 12, 2, 18, 30), tick=False):
        services.entry_add(
            pairing=pairing,
            author=mentee,
            at=_la(2026, 12, 2, 18, 0),
            minutes=20,
            shared_note="MARKER-SHARED-NOTE of the mentee",
            private_note="MARKER-PRIVATE-NOTE of the mentee",
        )
    return pairing


# A mentee with no contact lately


def test_the_mentor_hears_on_the_houses_day_the_mentee_turns_overdue(pair):
    # 23:50 on the 8th in Los Angeles is already the 9th in UTC: not overdue yet in the house.
    assert _run_task_at(_la(2026, 12, 8, 23, 50)) == 0
    assert _run_task_at(_la(2026, 12, 9, 0, 5)) == 2  # email and in-app
    row = _rows(notifications.NO_CONTACT).get()
    assert row.recipient == pair.mentor.user
    assert row.occurrence == "2026-12-09"
    assert _local(row.due_at) == dt.datetime(2026, 12, 9, 9, 0, tzinfo=LA)
    assert row.subject == "It has been 7 days since you last talked with Nico"
    assert row.url == f"/peerlog/pairs/{pair.pk}/"
    assert not Notification.objects.filter(recipient=pair.mentee.user).exists()


def test_the_mentor_hears_once_per_overdue_stretch(pair):
    assert _run_task_at(_la(2026, 12, 10, 15, 0)) == 2  # found late: due at once
    row = _rows(notifications.NO_CONTACT).get()
    assert row.due_at == _la(2026, 12, 10, 15, 0)
    assert row.subject == "It has been 8 days since you last talked with Nico"
    assert _run_task_at(_la(2026, 12, 10, 15, 15)) == 0
    assert _run_task_at(_la(2026, 12, 12, 9, 0)) == 0  # days later: the same stretch
    assert Notification.objects.filter(kind=notifications.NO_CONTACT).count() == 2


def test_an_entry_cancels_the_reminder_and_starts_a_new_stretch(pair):
    _run_task_at(_la(2026, 12, 9, 0, 5))
    with time_machine.travel(_la(2026, 12, 9, 8, 0), tick=False):
        services.entry_add(pairing=pair, author=pair.mentee, at=_la(2026, 12, 9, 7, 30), minutes=10)
    assert _rows(notifications.NO_CONTACT).get().status == "cancelled"
    assert _run_task_at(_la(2026, 12, 15, 12, 0)) == 0
    _run_task_at(_la(2026, 12, 16, 0, 5))  # seven days after the 9th
    assert _rows(notifications.NO_CONTACT, status="pending").get().occurrence == "2026-12-16"


def test_an_ended_pairing_cancels_the_reminder(pair):
    _run_task_at(_la(2026, 12, 9, 0, 5))
    with time_machine.travel(_la(2026, 12, 9, 8, 0), tick=False):
        services.pairing_end(pairing=pair, reason="completed", by=None)
    assert _rows(notifications.NO_CONTACT).get().status == "cancelled"
    assert _run_task_at(_la(2026, 12, 20, 12, 0)) == 0


def test_the_no_contact_reminder_waits_through_quiet_hours(pair):
    NotificationPreference.objects.create(
        user=pair.mentor.user, quiet_from=dt.time(21, 0), quiet_until=dt.time(10, 30)
    )
    _run_task_at(_la(2026, 12, 9, 0, 5))
    row = _rows(notifications.NO_CONTACT).get()
    assert _local(row.send_after) == dt.datetime(2026, 12, 9, 10, 30, tzinfo=LA)


# A check-in from the mentor


def _mentor_logs(pair, at):
    with time_machine.travel(at, tick=False):
        return services.entry_add(
            pairing=pair,
            author=pair.mentor,
            at=at - dt.timedelta(minutes=30),
            minutes=25,
            shared_note="MARKER-SHARED-NOTE of the mentor",
            private_note="MARKER-PRIVATE-NOTE of the mentor",
        )


def test_the_mentee_hears_of_the_mentors_check_in_at_once(pair):
    entry = _mentor_logs(pair, _la(2026, 12, 5, 16, 0))
    row = _rows(notifications.NEW_CHECK_IN).get()
    assert row.recipient == pair.mentee.user
    assert row.about_id == str(entry.pk)
    assert row.due_at == row.send_after == _la(2026, 12, 5, 16, 0)
    assert row.subject == "Your mentor logged a check-in"
    assert row.url == f"/peerlog/pairs/{pair.pk}/"


def test_the_mentees_own_entry_tells_nobody(pair):
    assert not Notification.objects.filter(kind=notifications.NEW_CHECK_IN).exists()


def test_the_check_in_notice_waits_through_quiet_hours(pair):
    NotificationPreference.objects.create(
        user=pair.mentee.user, quiet_from=dt.time(22, 0), quiet_until=dt.time(7, 0)
    )
    _mentor_logs(pair, _la(2026, 12, 5, 23, 15))
    row = _rows(notifications.NEW_CHECK_IN).get()
    assert _local(row.send_after) == dt.datetime(2026, 12, 6, 7, 0, tzinfo=LA)


def test_reading_the_check_in_before_it_goes_out_cancels_the_notice(pair):
    NotificationPreference.objects.create(
        user=pair.mentee.user, quiet_from=dt.time(22, 0), quiet_until=dt.time(7, 0)
    )
    entry = _mentor_logs(pair, _la(2026, 12, 5, 23, 15))
    with time_machine.travel(_la(2026, 12, 5, 23, 20), tick=False):
        services.entry_acknowledge(entry=entry, by=pair.mentee)
    assert _rows(notifications.NEW_CHECK_IN).get().status == "cancelled"


def test_no_notification_holds_a_word_of_the_log(pair):
    entry = _mentor_logs(pair, _la(2026, 12, 5, 16, 0))
    with time_machine.travel(_la(2026, 12, 5, 17, 0), tick=False):
        services.reply_add(entry=entry, by=pair.mentee, text="MARKER-REPLY thank you")
    _mentor_logs(pair, _la(2026, 12, 6, 16, 0))
    _run_task_at(_la(2026, 12, 14, 0, 5))  # overdue again by then
    rows = list(Notification.objects.all())
    assert {row.kind for row in rows} == {notifications.NEW_CHECK_IN, notifications.NO_CONTACT}
    for row in rows:
        assert "MARKER" not in row.subject + row.text + row.url


def _dispatched(moment):
    with time_machine.travel(moment, tick=False):
        outbox.dispatch(now=moment)


def test_reading_the_check_in_after_it_went_out_makes_it_no_longer_new(pair):
    entry = _mentor_logs(pair, _la(2026, 12, 5, 16, 0))
    _dispatched(_la(2026, 12, 5, 16, 5))
    assert outbox.unread_count(pair.mentee.user) == 1
    with time_machine.travel(_la(2026, 12, 5, 17, 0), tick=False):
        services.entry_acknowledge(entry=entry, by=pair.mentee)
    assert outbox.unread_count(pair.mentee.user) == 0


def test_a_contact_logged_makes_the_no_contact_notice_no_longer_new(pair):
    _run_task_at(_la(2026, 12, 9, 9, 5))
    _dispatched(_la(2026, 12, 9, 9, 10))
    assert outbox.unread_count(pair.mentor.user) == 1
    _mentor_logs(pair, _la(2026, 12, 9, 12, 0))
    assert outbox.unread_count(pair.mentor.user) == 0
