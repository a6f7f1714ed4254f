"""Two people acting on the same meeting at the same instant, in real PostgreSQL transactions:
whatever the interleaving, a vote is either counted or refused, a cancelled meeting takes no
attendance, and nothing deadlocks. Every write about a meeting locks the meeting's row first,
then the motion's, then what hangs off them."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from meetings import notifications, services
from meetings.models import Attendance, Meeting, Motion, Officer, Vote
from soberhouse.models import Notification
from tests.factories import make_resident
from tests.races import at_once, while_holding

pytestmark = pytest.mark.django_db(transaction=True)

D = dt.date
SUNDAY = D(2026, 12, 13)
SUNDAY_7PM = dt.datetime(2026, 12, 14, 3, 0, tzinfo=dt.UTC)
THURSDAY_NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
TRIES = 50


@pytest.fixture
def meeting(harbor):
    with time_machine.travel(THURSDAY_NOON, tick=False):
        services.meetings_schedule(harbor)
    return Meeting.objects.get(house=harbor, regular_on=SUNDAY)


@pytest.fixture
def people(harbor):
    return [
        make_resident(
            harbor,
            move_in=D(2026, 10, 1),
            full_name=f"Person {index:02d}",
            email=f"person{index}@example.test",
        )
        for index in range(4)
    ]


@pytest.fixture
def in_session(meeting, people):
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=20), tick=False):
        for person in people:
            services.attendance_mark(meeting=meeting, resident=person, status="present", by=None)
        yield meeting


def _open_motion(meeting, people, **fields) -> Motion:
    motion = services.motion_propose(
        house=meeting.house,
        text=fields.pop("text", "Buy a new vacuum"),
        mover=people[0],
        seconder=people[1],
        by=None,
        meeting=meeting,
        **fields,
    )
    services.motion_open_vote(motion=motion, meeting=meeting, by=None)
    return Motion.objects.get(pk=motion.pk)


def _copy(meeting: Meeting) -> Meeting:
    """The meeting as a page just read it: each side of a race holds its own copy."""
    return Meeting.objects.select_related("house").get(pk=meeting.pk)


def _unexpected(outcomes) -> list[BaseException]:
    return [
        outcome.error
        for outcome in outcomes
        if outcome.error is not None and not isinstance(outcome.error, ValidationError)
    ]


def test_a_vote_cast_as_the_vote_closes_is_counted_or_refused(in_session, people):
    voter = people[2]
    counted = refused = 0
    for _ in range(TRIES):
        motion = _open_motion(in_session, people)
        # the vote's own notice and the others' are pending: both sides withdraw them
        assert Notification.objects.filter(kind=notifications.MOTION_OPEN).exists()
        vote, close = at_once(
            lambda motion=motion: services.vote_cast(
                motion=motion, resident=voter, choice="yes", by=voter.user
            ),
            lambda motion=motion: services.motion_close(motion=motion, by=None),
        )
        assert _unexpected([vote, close]) == []  # a deadlock would be an OperationalError
        assert close.error is None
        motion.refresh_from_db()
        kept = Vote.objects.filter(motion=motion).count()
        if vote.error is None:
            counted += 1
            assert (kept, motion.yes) == (1, 1), "a vote was kept but not counted"
        else:
            refused += 1
            assert "not open" in str(vote.error)
            assert (kept, motion.yes) == (0, 0)
    assert counted + refused == TRIES


def test_a_vote_cast_while_the_close_is_counting_is_refused(in_session, people):
    motion = _open_motion(in_session, people)
    closed, vote = while_holding(
        lambda: services.motion_close(motion=motion, by=None),
        lambda: services.vote_cast(motion=motion, resident=people[2], choice="no", by=None),
    )
    assert closed.value == "failed"  # nobody for it
    assert isinstance(vote.error, ValidationError) and "not open" in str(vote.error)
    assert not Vote.objects.filter(motion=motion).exists()


def test_a_vote_being_cast_is_in_the_count(in_session, people):
    motion = _open_motion(in_session, people)
    vote, closed = while_holding(
        lambda: services.vote_cast(motion=motion, resident=people[2], choice="yes", by=None),
        lambda: services.motion_close(motion=motion, by=None),
    )
    assert vote.error is None and closed.error is None
    motion.refresh_from_db()
    assert (motion.status, motion.yes) == ("passed", 1)


def test_a_vote_does_not_open_at_a_meeting_being_marked_held(in_session, people):
    motion = services.motion_propose(
        house=in_session.house,
        text="Movie night",
        mover=people[0],
        seconder=people[1],
        by=None,
        meeting=in_session,
    )
    closed, opened = while_holding(
        lambda: services.meeting_close(meeting=_copy(in_session)),
        lambda: services.motion_open_vote(motion=motion, meeting=_copy(in_session), by=None),
    )
    assert closed.error is None
    # a held meeting with a vote still open would keep the motion voting for ever
    assert isinstance(opened.error, ValidationError)
    motion.refresh_from_db()
    assert motion.status == "proposed"


def test_a_meeting_being_cancelled_takes_no_attendance(meeting, people):
    with time_machine.travel(SUNDAY_7PM - dt.timedelta(hours=2), tick=False):
        stale = _copy(meeting)  # as the page read it, before the manager cancelled
        cancelled, marked = while_holding(
            lambda: services.meeting_cancel(meeting=_copy(meeting), reason="Snowed in"),
            lambda: services.attendance_mark(
                meeting=stale, resident=people[0], status="present", by=None
            ),
        )
    assert cancelled.error is None
    assert isinstance(marked.error, ValidationError) and "cancelled" in str(marked.error)
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_an_item_is_not_added_to_a_meeting_being_cancelled(meeting, people):
    with time_machine.travel(THURSDAY_NOON, tick=False):
        stale = _copy(meeting)
        cancelled, added = while_holding(
            lambda: services.meeting_cancel(meeting=_copy(meeting), reason="Snowed in"),
            lambda: services.agenda_add(meeting=stale, text="The porch light", by=people[0].user),
        )
    assert cancelled.error is None
    assert isinstance(added.error, ValidationError)
    assert not meeting.agenda.filter(kind="added").exists()


def test_two_elections_to_one_office_closing_at_once_leave_one_officer(harbor, people):
    with time_machine.travel(THURSDAY_NOON, tick=False):
        services.meetings_schedule(harbor)
    first, second = Meeting.objects.filter(house=harbor).order_by("starts_at")[:2]
    # two meetings of the same day, as when a meeting was moved and a special one called
    Meeting.objects.filter(pk=second.pk).update(starts_at=first.starts_at + dt.timedelta(hours=1))
    second.refresh_from_db()
    with time_machine.travel(second.starts_at + dt.timedelta(minutes=10), tick=False):
        for meeting in (first, second):
            for person in people:
                services.attendance_mark(
                    meeting=meeting, resident=person, status="present", by=None
                )
        for attempt in range(TRIES // 10):
            Officer.objects.all().delete()
            motions = [
                _open_motion(meeting, people, office="chair", nominee=people[index])
                for index, meeting in enumerate((first, second))
            ]
            for motion in motions:
                for person in people:
                    services.vote_cast(motion=motion, resident=person, choice="yes", by=None)
            outcomes = at_once(
                *(
                    lambda motion=motion: services.motion_close(motion=motion, by=None)
                    for motion in motions
                )
            )
            assert [outcome.error for outcome in outcomes] == [None, None], attempt
            assert Officer.objects.filter(house=harbor, office="chair").count() == 1
