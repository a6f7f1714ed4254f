"""The pair's pages: /peerlog/ for a mentor and a mentee, the pair's log with acknowledgements
and replies, "log a check-in", and what a manager reads (audited, never a private note)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerlog import services
from peerlog.models import Entry, MentoringSettings, MentorRequest, Pairing, Reply
from residents.models import Stay
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
# Thursday 10 December 2026, noon in Los Angeles (UTC-8), where Harbor House is.
NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
PRIVATE = "sleeping badly again"


@pytest.fixture(autouse=True)
def thursday():
    with time_machine.travel(NOON, tick=False):
        yield


def _senior(house, name="Sam Senior", **fields):
    resident = make_resident(house, move_in=D(2026, 1, 1), full_name=name, **fields)
    resident.sobriety_date = D(2025, 1, 1)
    resident.phone = "+15625550101"
    resident.save()
    return resident


@pytest.fixture
def mentor(harbor):
    return _senior(harbor)


@pytest.fixture
def pair(harbor, manager_harbor, mentor, resident_harbor):
    return services.pairing_create(
        house=harbor,
        mentor=mentor,
        mentee=resident_harbor,
        by=manager_harbor,
        starts_on=D(2026, 12, 1),
    )


def _entry(pair, author, *, days_ago=1, **fields):
    return services.entry_add(
        pairing=pair,
        author=author,
        at=NOON - dt.timedelta(days=days_ago),
        minutes=30,
        **{"shared_note": "Talked about step one", "private_note": PRIVATE, **fields},
    )


# /peerlog/


def test_a_mentor_sees_mentees_with_days_since_and_overdue(client, harbor, manager_harbor, pair):
    quiet = make_resident(harbor, full_name="Quinn Quiet", move_in=D(2026, 11, 1))
    old = services.pairing_create(
        house=harbor, mentor=pair.mentor, mentee=quiet, by=manager_harbor, starts_on=D(2026, 11, 20)
    )
    _entry(pair, pair.mentor, days_ago=2)
    services.check_in_ask(pairing=old, by=quiet)
    client.force_login(pair.mentor.user)
    page = client.get("/peerlog/").content.decode()
    assert "Last contact 2 days ago" in page
    assert "No contact yet, paired 20 days ago" in page
    assert "It has been a while. A short call can mean a lot." in page
    assert page.count("It has been a while") == 1
    assert "Asked for a check-in" in page
    assert page.count("Log a check-in") == 2


def test_a_mentee_sees_the_mentor_phone_and_latest_entries(client, pair, resident_harbor):
    _entry(pair, pair.mentor)
    client.force_login(resident_harbor.user)
    page = client.get("/peerlog/").content.decode()
    assert "Sam Senior" in page and 'href="tel:+15625550101"' in page
    assert "Talked about step one" in page
    response = client.post(f"/peerlog/pairs/{pair.pk}/ask/", follow=True)
    assert "Sam Senior will see that you asked for a check-in." in response.content.decode()
    pair.refresh_from_db()
    assert pair.check_in_asked_at is not None


def test_without_a_mentor_a_resident_asks_and_withdraws(client, resident_harbor):
    client.force_login(resident_harbor.user)
    assert "Ask for a mentor" in client.get("/peerlog/").content.decode()
    too_long = "x" * 300
    response = client.post("/peerlog/ask/", {"note": too_long})
    assert "Keep the note under 280 characters." in response.content.decode()
    assert too_long in response.content.decode()
    assert not MentorRequest.objects.exists()
    response = client.post("/peerlog/ask/", {"note": "Someone who likes walks"}, follow=True)
    assert "Withdraw my request" in response.content.decode()
    client.post("/peerlog/ask/withdraw/")
    assert MentorRequest.objects.get().status == MentorRequest.Status.WITHDRAWN


def test_someone_with_no_stay_and_no_pairing_gets_404(client, manager_harbor):
    client.force_login(manager_harbor)
    assert client.get("/peerlog/").status_code == 404


def test_an_alumnus_mentor_opens_peerlog(client, pair):
    Stay.objects.filter(resident=pair.mentor).update(
        move_out=D(2026, 12, 5), exit_reason="completed"
    )
    client.force_login(pair.mentor.user)
    assert "Alex Harbor" in client.get("/peerlog/").content.decode()


def _mentors_with_mentees(house, manager, count):
    # More than the form allows (10), straight into the database: the page must not care.
    MentoringSettings.objects.create(house=house, max_mentees=20)
    mentor = _senior(house, name="Main Mentor")
    for index in range(count):
        mentee = make_resident(house, full_name=f"Mentee {index}")
        pairing = services.pairing_create(house=house, mentor=mentor, mentee=mentee, by=manager)
        _entry(pairing, mentor, days_ago=0)
    return mentor


@pytest.mark.parametrize("count", [2, 20])
def test_peerlog_runs_the_same_queries_whatever_the_mentees(
    client, django_assert_num_queries, harbor, manager_harbor, count
):
    mentor = _mentors_with_mentees(harbor, manager_harbor, count)
    client.force_login(mentor.user)
    # session, user, current stay, my resident row, my pairings, my mentees with their last
    # contact, the waiting request, managed houses (the menu), the unread count (navigation)
    with django_assert_num_queries(9):
        response = client.get("/peerlog/")
    assert response.content.decode().count("Log a check-in") == count


# Log a check-in


def test_the_log_form_saves_and_redirects(client, pair):
    client.force_login(pair.mentor.user)
    page = client.get(f"/peerlog/pairs/{pair.pk}/log/").content.decode()
    assert "Only the two of you see this." in page
    assert 'value="2026-12-10T12:00"' in page  # now, in the house's zone
    response = client.post(
        f"/peerlog/pairs/{pair.pk}/log/",
        {
            "kind": "check_in",
            "minutes": "45",
            "at": "2026-12-10T11:30",
            "wellbeing": "4",
            "shared_note": "Coffee and a walk",
            "private_note": PRIVATE,
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/peerlog/pairs/{pair.pk}/"
    entry = Entry.objects.get()
    assert (entry.minutes, entry.wellbeing, entry.author) == (45, 4, pair.mentor)
    assert entry.at == dt.datetime(2026, 12, 10, 19, 30, tzinfo=dt.UTC)
    assert entry.private_note == PRIVATE


def test_the_typed_minutes_win_over_the_tiles(client, pair):
    client.force_login(pair.mentor.user)
    client.post(
        f"/peerlog/pairs/{pair.pk}/log/",
        {"kind": "phone_call", "minutes": "15", "minutes_other": "20", "at": "2026-12-10T09:00"},
    )
    assert Entry.objects.get().minutes == 20


def test_bad_input_is_explained_and_kept(client, pair):
    client.force_login(pair.mentor.user)
    response = client.post(
        f"/peerlog/pairs/{pair.pk}/log/",
        {
            "kind": "check_in",
            "at": "2026-12-11T09:00",
            "shared_note": "Words worth keeping",
            "private_note": "More words",
            "next_contact_on": "2026-12-01",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "How long did you talk? Tap a time or type the minutes." in page
    assert "Words worth keeping" in page and "More words" in page
    assert not Entry.objects.exists()
    response = client.post(
        f"/peerlog/pairs/{pair.pk}/log/",
        {"kind": "check_in", "minutes": "30", "at": "2026-12-11T09:00", "shared_note": "Kept"},
    )
    page = response.content.decode()
    assert "A contact is logged once it has happened." in page and "Kept" in page
    assert not Entry.objects.exists()


# Acknowledge and reply


def test_the_mentee_acknowledges_and_replies(client, pair, resident_harbor):
    entry = _entry(pair, pair.mentor)
    client.force_login(resident_harbor.user)
    page = client.get(f"/peerlog/pairs/{pair.pk}/").content.decode()
    assert "Acknowledge" in page and PRIVATE in page
    response = client.post(f"/peerlog/entries/{entry.pk}/ack/")
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.acknowledged_at is not None
    response = client.post(f"/peerlog/entries/{entry.pk}/reply/", {"text": "  "})
    assert "Write a reply first." in response.content.decode()
    client.post(f"/peerlog/entries/{entry.pk}/reply/", {"text": "Thanks for the walk"})
    assert Reply.objects.get().text == "Thanks for the walk"
    assert "Thanks for the walk" in client.get(f"/peerlog/pairs/{pair.pk}/").content.decode()


def test_the_author_gets_no_acknowledge_button(client, pair):
    _entry(pair, pair.mentor)
    client.force_login(pair.mentor.user)
    page = client.get(f"/peerlog/pairs/{pair.pk}/").content.decode()
    assert "Acknowledge" not in page and "Send reply" in page


# Managers, staff and others


def test_a_managers_read_is_audited_and_shows_no_private_note(client, pair, manager_harbor):
    entry = _entry(pair, pair.mentor)
    services.reply_add(entry=entry, by=pair.mentee, text="See you Sunday")
    client.force_login(manager_harbor)
    response = client.get(f"/peerlog/pairs/{pair.pk}/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Talked about step one" in page and "See you Sunday" in page
    assert PRIVATE not in page
    assert "Send reply" not in page and "Acknowledge" not in page and "Log a check-in" not in page
    event = AuditEvent.objects.get(action="peerlog.read")
    assert event.actor == manager_harbor and event.changes == {"entries": 1}


def test_the_pair_reading_is_not_a_manager_read(client, pair, resident_harbor):
    _entry(pair, pair.mentor)
    client.force_login(resident_harbor.user)
    client.get(f"/peerlog/pairs/{pair.pk}/")
    assert not AuditEvent.objects.filter(action="peerlog.read").exists()


@pytest.mark.parametrize("who", ["staff", "manager_cedar", "resident_cedar"])
def test_others_get_404(client, pair, request, who):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    assert client.get(f"/peerlog/pairs/{pair.pk}/").status_code == 404
    assert client.get(f"/peerlog/pairs/{pair.pk}/log/").status_code == 404


def test_a_manager_cannot_write(client, pair, manager_harbor):
    entry = _entry(pair, pair.mentor)
    client.force_login(manager_harbor)
    assert client.get(f"/peerlog/pairs/{pair.pk}/log/").status_code == 404
    assert client.post(f"/peerlog/entries/{entry.pk}/ack/").status_code == 404
    assert client.post(f"/peerlog/entries/{entry.pk}/reply/", {"text": "hi"}).status_code == 404


# After the pairing ends


def test_after_the_end_both_read_and_neither_posts(client, pair, manager_harbor):
    entry = _entry(pair, pair.mentor)
    services.pairing_end(pairing=pair, reason=Pairing.EndReason.COMPLETED, by=manager_harbor)
    for person in (pair.mentor, pair.mentee):
        client.force_login(person.user)
        page = client.get(f"/peerlog/pairs/{pair.pk}/").content.decode()
        assert "Talked about step one" in page and PRIVATE in page
        assert "Send reply" not in page and "Acknowledge" not in page
        assert "Earlier" in client.get("/peerlog/").content.decode()
        form_page = client.get(f"/peerlog/pairs/{pair.pk}/log/").content.decode()
        assert "its log can be read, not added to" in form_page and "<textarea" not in form_page
        response = client.post(
            f"/peerlog/pairs/{pair.pk}/log/",
            {"kind": "check_in", "minutes": "30", "at": "2026-12-10T09:00"},
            follow=True,
        )
        assert "its log can be read, not added to" in response.content.decode()
        response = client.post(f"/peerlog/entries/{entry.pk}/reply/", {"text": "hi"}, follow=True)
        assert "its log can be read, not added to" in response.content.decode()
    client.force_login(pair.mentee.user)
    response = client.post(f"/peerlog/entries/{entry.pk}/ack/", follow=True)
    assert "its log can be read, not added to" in response.content.decode()
    entry.refresh_from_db()
    assert entry.acknowledged_at is None
    assert Entry.objects.count() == 1 and not Reply.objects.exists()


# /today/


def test_today_shows_the_mentor_and_a_link(client, pair, resident_harbor):
    client.force_login(resident_harbor.user)
    page = client.get("/today/").content.decode()
    assert "Your mentor: Sam Senior" in page and 'href="tel:+15625550101"' in page
    assert 'href="/peerlog/"' in page


def test_today_tells_a_mentor_about_overdue_mentees(client, pair):
    client.force_login(pair.mentor.user)
    page = client.get("/today/").content.decode()
    assert "1 of your mentees would be glad to hear from you: Alex Harbor." in page


def test_times_show_in_the_houses_zone(client, pair, resident_harbor):
    _entry(pair, pair.mentor, days_ago=0)
    client.force_login(resident_harbor.user)
    assert "Thu 10 Dec 2026, 12:00" in client.get(f"/peerlog/pairs/{pair.pk}/").content.decode()
    assert "Thu 10 Dec, 12:00" in client.get("/peerlog/").content.decode()


@pytest.mark.parametrize("who", ["mentee", "manager"])
def test_the_pairs_log_runs_the_same_queries_for_2_and_20_entries(
    client, pair, manager_harbor, who
):
    client.force_login(pair.mentee.user if who == "mentee" else manager_harbor)
    counts = []
    for index in range(20):
        entry = _entry(pair, pair.mentor, days_ago=index % 9)
        services.reply_add(entry=entry, by=pair.mentee, text=f"Thanks {index}")
        if index + 1 in (2, 20):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/peerlog/pairs/{pair.pk}/").status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[1], counts
