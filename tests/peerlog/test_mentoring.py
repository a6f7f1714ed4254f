"""Peer mentoring at the service level: who may mentor, the database's limits, the log's rules,
and the overdue selector at the house's day boundaries."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from peerlog import selectors, services
from peerlog.models import Entry, MentoringSettings, MentorRequest, Pairing
from residents.models import Stay
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
# Thursday 10 December 2026, noon in Los Angeles (UTC-8), where Harbor House is.
NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def thursday():
    with time_machine.travel(NOON, tick=False):
        yield


def _senior(house, name="Sam Senior", days=400):
    resident = make_resident(house, move_in=D(2026, 6, 1), full_name=name)
    resident.sobriety_date = D(2026, 12, 10) - dt.timedelta(days=days)
    resident.save()
    return resident


def _newer(house, name="Nico Newer"):
    return make_resident(house, move_in=D(2026, 11, 20), full_name=name)


@pytest.fixture
def pair(thursday, harbor, manager_harbor):
    return services.pairing_create(
        house=harbor,
        mentor=_senior(harbor),
        mentee=_newer(harbor),
        by=manager_harbor,
        starts_on=D(2026, 12, 1),
    )


# Who may mentor


def test_a_mentor_needs_the_houses_days_sober(thursday, harbor, manager_harbor):
    too_new = _senior(harbor, days=60)
    with pytest.raises(ValidationError, match="needs 180 days sober; Sam Senior has 60"):
        services.pairing_create(
            house=harbor, mentor=too_new, mentee=_newer(harbor), by=manager_harbor
        )


def test_a_former_resident_mentors_once_invited_back(thursday, harbor, manager_harbor):
    alumnus = _senior(harbor, name="Alum Back")
    Stay.objects.filter(resident=alumnus).update(move_out=D(2026, 11, 1), exit_reason="completed")
    mentee = _newer(harbor)
    with pytest.raises(ValidationError, match="invited back"):
        services.pairing_create(house=harbor, mentor=alumnus, mentee=mentee, by=manager_harbor)
    services.alumni_mentor_invite(house=harbor, resident=alumnus, by=manager_harbor)
    pairing = services.pairing_create(
        house=harbor, mentor=alumnus, mentee=mentee, by=manager_harbor
    )
    assert pairing.mentor == alumnus


def test_a_mentee_lives_in_the_house(thursday, harbor, cedar, manager_harbor):
    with pytest.raises(ValidationError) as caught:
        services.pairing_create(
            house=harbor, mentor=_senior(harbor), mentee=_newer(cedar), by=manager_harbor
        )
    assert "mentee" in caught.value.message_dict


# The database's limits


def test_one_active_mentor_per_mentee_in_the_database(pair, harbor, manager_harbor):
    other = _senior(harbor, name="Other Senior")
    with pytest.raises(ValidationError, match="has a mentor already"):
        services.pairing_create(house=harbor, mentor=other, mentee=pair.mentee, by=manager_harbor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(
            house=harbor, mentor=other, mentee=pair.mentee, starts_on=D(2026, 12, 5)
        )
    services.pairing_end(pairing=pair, reason="not_a_fit", by=manager_harbor)
    services.pairing_create(house=harbor, mentor=other, mentee=pair.mentee, by=manager_harbor)


def test_the_mentors_limit_in_the_database(thursday, harbor, manager_harbor):
    MentoringSettings.objects.create(house=harbor, max_mentees=2)
    mentor = _senior(harbor)
    for number in range(2):
        services.pairing_create(
            house=harbor, mentor=mentor, mentee=_newer(harbor, f"Mentee {number}"), by=None
        )
    third = _newer(harbor, "Mentee 3")
    with pytest.raises(ValidationError, match="as many mentees as the house allows"):
        services.pairing_create(house=harbor, mentor=mentor, mentee=third, by=manager_harbor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(house=harbor, mentor=mentor, mentee=third, starts_on=D(2026, 12, 9))
    ended = Pairing.objects.filter(mentor=mentor).first()
    services.pairing_end(pairing=ended, reason="completed", by=None)
    services.pairing_create(house=harbor, mentor=mentor, mentee=third, by=None)  # room again


def test_two_pairings_made_at_once_keep_the_limit(transactional_db, harbor):
    with time_machine.travel(NOON, tick=False):
        MentoringSettings.objects.create(house=harbor, max_mentees=1)
        mentor = _senior(harbor)
        mentees = [_newer(harbor, f"Mentee {number}") for number in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def make(mentee):
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                Pairing.objects.create(
                    house=harbor, mentor=mentor, mentee=mentee, starts_on=D(2026, 12, 10)
                )
            outcomes.append("made")
        except IntegrityError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=make, args=(mentee,)) for mentee in mentees]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["made", "refused"]
    assert Pairing.objects.filter(mentor=mentor, ends_on__isnull=True).count() == 1


# Requests


def test_a_request_waits_and_a_pairing_answers_it(thursday, harbor, manager_harbor):
    mentee = _newer(harbor)
    asked = services.mentor_ask(resident=mentee, house=harbor, note="Someone who knows NA")
    with pytest.raises(ValidationError, match="asked already"):
        services.mentor_ask(resident=mentee, house=harbor)
    services.pairing_create(house=harbor, mentor=_senior(harbor), mentee=mentee, by=manager_harbor)
    asked.refresh_from_db()
    assert asked.status == MentorRequest.Status.MATCHED and asked.pairing is not None


# The log


def test_either_member_writes_and_the_other_acknowledges(pair):
    entry = services.entry_add(
        pairing=pair,
        author=pair.mentor,
        at=NOON - dt.timedelta(hours=2),
        minutes=30,
        shared_note="Talked about step one",
        private_note="Worried about the weekend",
    )
    with pytest.raises(ValidationError):
        services.entry_acknowledge(entry=entry, by=pair.mentor)  # not one's own
    services.entry_acknowledge(entry=entry, by=pair.mentee)
    entry.refresh_from_db()
    assert entry.acknowledged_at is not None
    reply = services.reply_add(entry=entry, by=pair.mentee, text="Thanks, see you Sunday")
    assert reply.author == pair.mentee
    event = AuditEvent.objects.get(action="peerlog.entry_add")
    assert "step one" not in str(event.changes) and "weekend" not in str(event.changes)


def test_nobody_else_writes_in_the_log(pair, harbor):
    with pytest.raises(ValidationError, match="Only the mentor and the mentee"):
        services.entry_add(pairing=pair, author=make_resident(harbor), at=NOON, minutes=10)


def test_an_ended_pairing_is_read_only(pair):
    entry = services.entry_add(pairing=pair, author=pair.mentee, at=NOON, minutes=15)
    services.pairing_end(pairing=pair, reason="completed", by=None)
    with pytest.raises(ValidationError, match="has ended"):
        services.entry_add(pairing=pair, author=pair.mentor, at=NOON, minutes=15)
    with pytest.raises(ValidationError, match="has ended"):
        services.reply_add(entry=entry, by=pair.mentor, text="Late reply")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"at": NOON + dt.timedelta(hours=2)}, "at"),
        ({"at": dt.datetime(2026, 11, 30, 20, tzinfo=dt.UTC)}, "at"),  # before the start
        ({"minutes": 0}, "minutes"),
        ({"minutes": 601}, "minutes"),
        ({"wellbeing": 6}, "wellbeing"),
        ({"kind": "gossip"}, "kind"),
        ({"next_contact_on": D(2026, 12, 9)}, "next_contact_on"),
    ],
)
def test_bad_entries_are_explained(pair, fields, field):
    values = {"at": NOON, "minutes": 20, **fields}
    with pytest.raises(ValidationError) as caught:
        services.entry_add(pairing=pair, author=pair.mentor, **values)
    assert field in caught.value.message_dict
    assert not Entry.objects.exists()


def test_asking_for_a_check_in_is_cleared_by_the_next_one(pair):
    services.check_in_ask(pairing=pair, by=pair.mentee)
    assert pair.check_in_asked_at is not None
    with pytest.raises(ValidationError):
        services.check_in_ask(pairing=pair, by=pair.mentor)
    services.entry_add(pairing=pair, author=pair.mentor, at=NOON, minutes=10)
    pair.refresh_from_db()
    assert pair.check_in_asked_at is None


# Overdue, in the house's days


@pytest.mark.parametrize(
    ("now", "days", "overdue"),
    [
        # Last contact 23:30 on Wednesday 2 December, Los Angeles time (07:30 UTC on the 3rd).
        (dt.datetime(2026, 12, 9, 7, 59, tzinfo=dt.UTC), 6, False),  # 23:59 on the 8th there
        (dt.datetime(2026, 12, 9, 8, 0, tzinfo=dt.UTC), 7, True),  # 00:00 on the 9th there
    ],
)
def test_overdue_turns_at_the_houses_midnight(harbor, now, days, overdue):
    with time_machine.travel(dt.datetime(2026, 12, 1, 20, tzinfo=dt.UTC), tick=False):
        pairing = services.pairing_create(
            house=harbor, mentor=_senior(harbor), mentee=_newer(harbor), by=None
        )
    services.entry_add(
        pairing=pairing,
        author=pairing.mentor,
        at=dt.datetime(2026, 12, 3, 7, 30, tzinfo=dt.UTC),
        minutes=20,
        now=now,
    )
    [status] = selectors.my_mentees(pairing.mentor, now=now)
    assert (status.days_since, status.overdue) == (days, overdue)
    assert [row.pairing for row in selectors.overdue(harbor, now=now)] == (
        [pairing] if overdue else []
    )
    # Today's panel follows the same rule, from both sides of the pair.
    assert selectors.my_mentoring(pairing.mentor, now=now) == selectors.MyMentoring(
        mentor_pairing=None, overdue=[pairing.mentee] if overdue else []
    )
    assert selectors.my_mentoring(pairing.mentee, now=now) == selectors.MyMentoring(
        mentor_pairing=pairing, overdue=[]
    )


def test_todays_panel_lists_overdue_mentees_the_longest_without_contact_first(
    harbor, django_assert_num_queries
):
    MentoringSettings.objects.create(house=harbor, max_mentees=5, overdue_days=8)
    mentor = _senior(harbor)
    names = ("Ann Recent", "Bo Longest", "Cy Later", "Di Later", "Ed Seven")
    mentees = {name: _newer(harbor, name) for name in names}
    with time_machine.travel(dt.datetime(2026, 11, 25, 20, tzinfo=dt.UTC), tick=False):
        pairings = {
            name: services.pairing_create(house=harbor, mentor=mentor, mentee=mentee, by=None)
            for name, mentee in mentees.items()
        }
    last_contact = {
        "Ann Recent": 9,
        "Bo Longest": None,
        "Cy Later": 8,
        "Di Later": 8,
        "Ed Seven": 7,
    }
    for name, days in last_contact.items():
        if days is not None:
            services.entry_add(
                pairing=pairings[name],
                author=mentor,
                at=NOON - dt.timedelta(days=days),
                minutes=15,
                now=NOON,
            )
    services.entry_add(  # an older contact does not count over the newest
        pairing=pairings["Ann Recent"],
        author=mentor,
        at=NOON - dt.timedelta(days=12),
        minutes=15,
        now=NOON,
    )
    services.entry_add(pairing=pairings["Ann Recent"], author=mentor, at=NOON, minutes=15, now=NOON)
    # The mentor has a mentor of their own too: one query finds both sides.
    own = services.pairing_create(
        house=harbor, mentor=_senior(harbor, "Old Timer"), mentee=mentor, by=None
    )
    with django_assert_num_queries(1):
        mine = selectors.my_mentoring(mentor, now=NOON)
    # The house's 8 days: Bo has had no contact since the start 15 days ago; Cy and Di none for
    # 8 days, by name; not Ed (7 days) nor Ann (today).
    assert mine.mentor_pairing == own
    assert [mentee.name for mentee in mine.overdue] == ["Bo Longest", "Cy Later", "Di Later"]


def test_with_no_contact_yet_the_days_count_from_the_start(harbor):
    with time_machine.travel(dt.datetime(2026, 12, 1, 20, tzinfo=dt.UTC), tick=False):
        pairing = services.pairing_create(
            house=harbor, mentor=_senior(harbor), mentee=_newer(harbor), by=None
        )
    [status] = selectors.my_mentees(pairing.mentor, now=NOON)
    assert (status.days_since, status.overdue, status.last_contact) == (9, True, None)
