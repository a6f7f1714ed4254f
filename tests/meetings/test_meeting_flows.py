"""The rules of the house meeting at the service level: the schedule, the agenda, attendance,
minutes, motions, votes and quorum, and the officers a passed motion elects."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from chores.models import Assignment, Chore, HouseChoreSettings
from chores.schedule import due_at
from meetings import services
from meetings.models import AgendaItem, Attendance, Meeting, Motion, Officer, Vote
from meetings.votes import Tally, quorum_needed
from residents.models import Stay
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
# Sunday 13 December 2026, 19:00 in Los Angeles (UTC-8), where Harbor House is.
SUNDAY = D(2026, 12, 13)
SUNDAY_7PM = dt.datetime(2026, 12, 14, 3, 0, tzinfo=dt.UTC)
THURSDAY_NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def thursday():
    with time_machine.travel(THURSDAY_NOON, tick=False):
        yield


@pytest.fixture
def meeting(thursday, harbor):
    services.meetings_schedule(harbor)
    return Meeting.objects.get(house=harbor, regular_on=SUNDAY)


def _people(house, count, prefix="Person"):
    return [
        make_resident(
            house,
            move_in=D(2026, 10, 1),
            full_name=f"{prefix} {index:02d}",
            email=f"{prefix.lower()}{index}@example.test",
        )
        for index in range(count)
    ]


# Counting votes


@pytest.mark.parametrize(
    ("residents", "rule", "needed"),
    [
        (1, "majority", 1),
        (4, "majority", 3),
        (5, "majority", 3),
        (6, "two_thirds", 4),
        (0, "two_thirds", 1),
    ],
)
def test_the_quorum(residents, rule, needed):
    assert quorum_needed(residents, rule) == needed


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "present", "residents", "result"),
    [
        (3, 1, 0, 4, 6, "passed"),
        (2, 2, 0, 4, 6, "failed"),  # a tie never carries
        (1, 0, 3, 4, 6, "passed"),  # abstentions take no side
        (0, 0, 4, 4, 6, "failed"),  # nobody for it
        (3, 0, 0, 3, 6, "no_quorum"),  # three of six is not more than half
        (4, 0, 0, 4, 6, "passed"),
    ],
)
def test_the_count_by_majority(yes, no, abstain, present, residents, result):
    tally = Tally(yes=yes, no=no, abstain=abstain, present=present, residents=residents)
    assert tally.result(quorum="majority", passing="majority") == result


def test_two_thirds_to_pass():
    assert Tally(2, 1, 0, 3, 3).result(quorum="majority", passing="two_thirds") == "passed"
    assert Tally(3, 2, 0, 5, 5).result(quorum="majority", passing="two_thirds") == "failed"


# The schedule


def test_the_next_four_weeks_are_created_once(thursday, harbor):
    assert services.meetings_schedule(harbor) == 4
    assert services.meetings_schedule(harbor) == 0
    meetings = list(Meeting.objects.filter(house=harbor))
    assert [meeting.regular_on for meeting in meetings] == [
        SUNDAY + dt.timedelta(weeks=week) for week in range(4)
    ]
    assert meetings[0].starts_at == SUNDAY_7PM
    assert meetings[0].local_start().hour == 19


def test_creating_in_two_transactions_at_once_creates_one_set(transactional_db, harbor):
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            with time_machine.travel(THURSDAY_NOON, tick=False), transaction.atomic():
                barrier.wait(timeout=10)
                services.meetings_schedule(harbor)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Meeting.objects.filter(house=harbor).count() == 4


def test_a_dst_change_keeps_the_wall_clock_time(harbor):
    # Los Angeles leaves daylight saving time on Sunday 1 November 2026.
    with time_machine.travel(dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC), tick=False):
        services.meetings_schedule(harbor)
    hours = {
        meeting.regular_on: (meeting.local_start().hour, meeting.starts_at.hour)
        for meeting in Meeting.objects.filter(house=harbor)
    }
    assert hours[D(2026, 10, 25)] == (19, 2)  # 19:00 PDT is 02:00 UTC
    assert hours[D(2026, 11, 1)] == (19, 3)  # 19:00 PST is 03:00 UTC


def test_moving_the_regular_time_moves_untouched_meetings_only(thursday, harbor, resident_harbor):
    services.meetings_schedule(harbor)
    touched = Meeting.objects.get(regular_on=SUNDAY)
    services.agenda_add(meeting=touched, text="The porch light", by=resident_harbor.user)
    settings = services.meeting_settings(harbor)
    settings.weekday = 0
    services.meeting_settings_save(settings, changed=["weekday"])
    days = sorted(Meeting.objects.filter(house=harbor).values_list("regular_on", flat=True))
    assert SUNDAY in days
    assert [day.weekday() for day in days if day != SUNDAY] == [0, 0, 0, 0]


# The agenda


def test_the_agenda_fills_itself_in(thursday, harbor, resident_harbor):
    newcomer = make_resident(harbor, move_in=D(2026, 12, 8), full_name="Nico New")
    nine_days_short = D(2026, 12, 10) - dt.timedelta(days=90)
    sharing = make_resident(harbor, move_in=D(2026, 10, 1), full_name="Sasha Shares")
    sharing.sobriety_date = nine_days_short
    sharing.save()
    private = make_resident(harbor, move_in=D(2026, 10, 1), full_name="Pat Private")
    private.sobriety_date, private.share_milestones = nine_days_short, False
    private.save()
    chore = Chore.objects.create(house=harbor, name="Kitchen")
    day = D(2026, 12, 9)
    Assignment.objects.create(
        chore=chore,
        house=harbor,
        day=day,
        due_at=due_at(day, chore.due_time, harbor.time_zone),
        resident=resident_harbor,
        points=2,
        status="missed",
    )
    motion = services.motion_propose(
        house=harbor,
        text="Quiet hours start at 22:00",
        mover=resident_harbor,
        seconder=sharing,
        by=resident_harbor.user,
    )
    services.meetings_schedule(harbor)
    agenda = Meeting.objects.get(regular_on=SUNDAY).agenda.all()
    by_kind = {item.kind: item for item in agenda}
    assert set(by_kind) == {"newcomer", "milestone", "chores", "motion"}
    assert by_kind["newcomer"].resident == newcomer
    assert by_kind["milestone"].text == "Celebrate Sasha Shares: 90 days on Thursday 10 December."
    assert "Pat Private" not in " ".join(item.text for item in agenda)
    assert by_kind["chores"].text == (
        "Chores since the last meeting: Alex Harbor — 1 missed. How can the house help?"
    )
    assert by_kind["motion"].key == f"motion:{motion.pk}"


def test_the_agenda_is_refreshed_until_the_meeting_starts(meeting, harbor, resident_harbor):
    added = services.agenda_add(meeting=meeting, text="Parking", by=resident_harbor.user)
    newcomer = make_resident(harbor, move_in=D(2026, 12, 11), full_name="Nico New")
    assert services.agenda_refresh(meeting)
    assert meeting.agenda.filter(kind="newcomer", resident=newcomer).exists()
    Stay.objects.filter(resident=newcomer).delete()
    assert services.agenda_refresh(meeting)
    assert list(meeting.agenda.all()) == [added]  # the cause went away; people's items stay
    make_resident(harbor, move_in=D(2026, 12, 11), full_name="Late Arrival")
    with time_machine.travel(SUNDAY_7PM, tick=False):
        assert not services.agenda_refresh(meeting)
        with pytest.raises(ValidationError, match="has started"):
            services.agenda_add(meeting=meeting, text="Too late", by=resident_harbor.user)
    assert not meeting.agenda.filter(kind="newcomer").exists()


def test_business_not_reached_is_carried_over(meeting, harbor, resident_harbor):
    reached = services.agenda_add(meeting=meeting, text="Porch light", by=resident_harbor.user)
    services.agenda_add(meeting=meeting, text="Parking", by=resident_harbor.user)
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=90), tick=False):
        services.agenda_discussed(item=reached, discussed=True)
        services.meeting_close(meeting=meeting)
        following = Meeting.objects.get(regular_on=SUNDAY + dt.timedelta(weeks=1))
        services.agenda_refresh(following)
    assert [(item.kind, item.text) for item in following.agenda.all()] == [
        ("carried_over", "Parking")
    ]


def _missed(house, resident, day):
    chore, _ = Chore.objects.get_or_create(house=house, name="Kitchen")
    return Assignment.objects.create(
        chore=chore,
        house=house,
        day=day,
        due_at=due_at(day, chore.due_time, house.time_zone),
        resident=resident,
        points=2,
        status="missed",
    )


def _automatic(meeting):
    return sorted(meeting.agenda.exclude(key="").values_list("kind", "text"))


def test_two_coming_meetings_bring_up_each_thing_once(thursday, harbor, resident_harbor):
    Meeting.objects.create(  # last Sunday's, held
        house=harbor,
        starts_at=SUNDAY_7PM - dt.timedelta(weeks=1),
        regular_on=SUNDAY - dt.timedelta(weeks=1),
        place="The living room",
        status="held",
    )
    newcomer = make_resident(harbor, move_in=D(2026, 12, 8), full_name="Nico New")
    _missed(harbor, resident_harbor, D(2026, 12, 9))
    services.meetings_schedule(harbor)
    coming = Meeting.objects.filter(house=harbor, status="scheduled").order_by("starts_at")
    first, second, *later = coming
    assert {kind for kind, _ in _automatic(first)} == {"newcomer", "chores"}
    assert first.agenda.get(kind="newcomer").resident == newcomer
    # what the first meeting brings up is not on the next ones too
    assert [_automatic(meeting) for meeting in (second, *later)] == [[], [], []]


def test_the_chores_of_the_meetings_own_day_come_up_at_the_next(meeting, harbor, resident_harbor):
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=90), tick=False):
        services.meeting_close(meeting=meeting)
    _missed(harbor, resident_harbor, SUNDAY)  # due at 20:00, after the meeting
    following = Meeting.objects.get(regular_on=SUNDAY + dt.timedelta(weeks=1))
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(days=1), tick=False):
        services.agenda_refresh(following)
    assert _automatic(following) == [
        (
            "chores",
            "Chores since the last meeting: Alex Harbor — 1 missed. How can the house help?",
        )
    ]


def test_a_discussed_item_does_not_come_back(meeting, harbor, resident_harbor):
    """Held with one item reached and one not; the next meeting cancelled with business of its
    own: the one after carries what was not reached at either, and never what was."""
    newcomer = make_resident(harbor, move_in=D(2026, 12, 11), full_name="Nico New")
    services.agenda_refresh(meeting)
    reached = services.agenda_add(meeting=meeting, text="Porch light", by=resident_harbor.user)
    services.agenda_add(meeting=meeting, text="Parking", by=resident_harbor.user)
    cancelled, after = Meeting.objects.filter(house=harbor, starts_at__gt=meeting.starts_at)[:2]
    services.agenda_add(meeting=cancelled, text="Movie night", by=resident_harbor.user)
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=90), tick=False):
        for item in meeting.agenda.exclude(text="Parking"):
            services.agenda_discussed(item=item, discussed=True)
        assert meeting.agenda.filter(kind="newcomer", resident=newcomer, discussed=True).exists()
        services.meeting_close(meeting=meeting)  # brings the next agenda up to date at once
    assert _automatic(cancelled) == [("carried_over", "Parking")]
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(days=2), tick=False):
        services.meeting_cancel(meeting=cancelled, reason="The house is at the convention")
    assert _automatic(after) == [("carried_over", "Movie night"), ("carried_over", "Parking")]
    assert reached.text not in " ".join(text for _, text in _automatic(after))
    assert not after.agenda.filter(kind="newcomer").exists()  # welcomed at the held meeting


# Attendance


def test_attendance_is_for_residents_living_there_on_the_day(meeting, harbor, resident_harbor):
    left = make_resident(harbor, move_in=D(2026, 10, 1), full_name="Gone Before")
    Stay.objects.filter(resident=left).update(move_out=D(2026, 12, 12), exit_reason="moved_on")
    with time_machine.travel(SUNDAY_7PM, tick=False):
        services.attendance_mark(
            meeting=meeting, resident=resident_harbor, status="present", by=None
        )
        with pytest.raises(ValidationError, match="did not live in the house"):
            services.attendance_mark(meeting=meeting, resident=left, status="present", by=None)
        services.attendance_mark(meeting=meeting, resident=resident_harbor, status="late", by=None)
    assert list(meeting.attendance.values_list("status", flat=True)) == ["late"]
    assert AuditEvent.objects.filter(action="meeting.attendance").count() == 2


def test_attendance_waits_for_the_day(meeting, resident_harbor):
    with pytest.raises(ValidationError, match="on the day of the meeting"):
        services.attendance_mark(
            meeting=meeting, resident=resident_harbor, status="present", by=None
        )


def test_one_attendance_row_per_person_in_the_database(meeting, resident_harbor):
    Attendance.objects.create(meeting=meeting, resident=resident_harbor, status="present")
    with pytest.raises(IntegrityError):
        Attendance.objects.create(meeting=meeting, resident=resident_harbor, status="absent")


# Minutes


def test_minutes_saved_as_they_go_never_overwrite_someone_else(meeting, resident_harbor):
    user = resident_harbor.user
    version = services.minutes_save(meeting=meeting, text="Opened at 7", version=0, by=user)
    assert version == 1
    version = services.minutes_save(
        meeting=meeting, text="Opened at 7, serenity prayer", version=version, by=user
    )
    assert version == 2
    with pytest.raises(services.MinutesConflict):
        services.minutes_save(meeting=meeting, text="An old copy", version=1, by=user)
    meeting.refresh_from_db()
    assert meeting.minutes == "Opened at 7, serenity prayer"
    # the same text sent twice (a retried save) is no conflict
    again = "Opened at 7, serenity prayer"
    assert services.minutes_save(meeting=meeting, text=again, version=1, by=user) == 2


# Motions and votes


@pytest.fixture
def in_session(meeting, harbor):
    """Six residents; four present (one late), one excused, one absent; the meeting under way."""
    people = _people(harbor, 6)
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=20), tick=False):
        for person, status in zip(
            people, ["present", "present", "present", "late", "excused", "absent"], strict=True
        ):
            services.attendance_mark(meeting=meeting, resident=person, status=status, by=None)
        yield meeting, people


def _motion(meeting, people, **fields):
    motion = services.motion_propose(
        house=meeting.house,
        text=fields.pop("text", "Buy a new vacuum"),
        mover=people[0],
        seconder=people[1],
        by=people[0].user,
        meeting=meeting,
        **fields,
    )
    services.motion_open_vote(motion=motion, meeting=meeting, by=None)
    return motion


def test_a_vote_passes_with_quorum(in_session):
    meeting, people = in_session
    motion = _motion(meeting, people)
    for person, choice in zip(people[:4], ["yes", "yes", "no", "abstain"], strict=True):
        services.vote_cast(motion=motion, resident=person, choice=choice, by=person.user)
    assert services.motion_close(motion=motion, by=None) == "passed"
    motion.refresh_from_db()
    assert (motion.yes, motion.no, motion.abstain, motion.present, motion.residents) == (
        2,
        1,
        1,
        4,
        6,
    )


def test_without_quorum_the_vote_does_not_count(in_session):
    meeting, people = in_session
    Attendance.objects.filter(meeting=meeting, resident__in=people[2:4]).update(status="absent")
    motion = _motion(meeting, people)
    services.vote_cast(motion=motion, resident=people[0], choice="yes", by=people[0].user)
    assert services.motion_close(motion=motion, by=None) == "no_quorum"


def test_a_second_vote_is_refused_by_the_database(in_session):
    meeting, people = in_session
    motion = _motion(meeting, people)
    services.vote_cast(motion=motion, resident=people[0], choice="yes", by=people[0].user)
    with pytest.raises(ValidationError, match="has voted on this motion already"):
        services.vote_cast(motion=motion, resident=people[0], choice="no", by=people[0].user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(motion=motion, resident=people[0], choice="no")
    assert list(motion.votes.values_list("choice", flat=True)) == ["yes"]


def test_only_residents_present_vote(in_session):
    meeting, people = in_session
    motion = _motion(meeting, people)
    for absent in people[4:]:
        with pytest.raises(ValidationError, match="Only residents present"):
            services.vote_cast(motion=motion, resident=absent, choice="yes", by=absent.user)
    services.vote_cast(motion=motion, resident=people[3], choice="no", by=people[3].user)  # late


def test_the_secretary_records_a_vote_for_someone_without_a_phone(in_session, manager_harbor):
    meeting, people = in_session
    motion = _motion(meeting, people)
    vote = services.vote_cast(motion=motion, resident=people[2], choice="yes", by=manager_harbor)
    assert vote.recorded_by == manager_harbor
    event = AuditEvent.objects.get(action="motion.vote")
    assert event.changes == {"resident": people[2].pk, "recorded_for": True}


def test_a_motion_needs_a_seconder_and_attendance(meeting, harbor, resident_harbor):
    motion = services.motion_propose(
        house=harbor, text="Pizza night", mover=resident_harbor, seconder=None, by=None
    )
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=5), tick=False):
        with pytest.raises(ValidationError, match="needs a seconder"):
            services.motion_open_vote(motion=motion, meeting=meeting, by=None)
        motion.seconder = make_resident(harbor, move_in=D(2026, 10, 1))
        motion.save()
        with pytest.raises(ValidationError, match="Take attendance first"):
            services.motion_open_vote(motion=motion, meeting=meeting, by=None)


def test_nobody_seconds_their_own_motion(harbor, resident_harbor):
    with pytest.raises(ValidationError) as caught:
        services.motion_propose(
            house=harbor, text="x", mover=resident_harbor, seconder=resident_harbor, by=None
        )
    assert "seconder" in caught.value.message_dict


def test_a_passed_election_makes_an_officer_and_the_chore_coordinator(in_session):
    meeting, people = in_session
    first = _motion(meeting, people, office="chore_coordinator", nominee=people[2])
    for person in people[:4]:
        services.vote_cast(motion=first, resident=person, choice="yes", by=person.user)
    services.motion_close(motion=first, by=None)
    term = Officer.objects.get(office="chore_coordinator")
    assert (term.resident, term.starts_on, term.ends_on) == (people[2], SUNDAY, D(2027, 6, 13))
    assert HouseChoreSettings.objects.get(house=meeting.house).coordinator == people[2]

    second = _motion(meeting, people, office="chore_coordinator", nominee=people[3])
    for person in people[:4]:
        services.vote_cast(motion=second, resident=person, choice="yes", by=person.user)
    services.motion_close(motion=second, by=None)
    # the same day: the first term gives way; its history would stay from any earlier day
    assert list(Officer.objects.values_list("resident", flat=True)) == [people[3].pk]
    assert HouseChoreSettings.objects.get(house=meeting.house).coordinator == people[3]


def test_an_earlier_term_ends_when_the_next_one_begins(harbor, resident_harbor):
    other = make_resident(harbor, move_in=D(2026, 10, 1))
    services.officer_elect(
        house=harbor, office="secretary", resident=resident_harbor, starts_on=D(2026, 9, 6), by=None
    )
    services.officer_elect(
        house=harbor, office="secretary", resident=other, starts_on=D(2026, 12, 13), by=None
    )
    terms = list(Officer.objects.order_by("starts_on").values_list("resident", "ends_on"))
    assert terms == [(resident_harbor.pk, D(2026, 12, 13)), (other.pk, D(2027, 6, 13))]


def test_the_database_refuses_two_officers_at_once(harbor, resident_harbor):
    Officer.objects.create(
        house=harbor,
        office="chair",
        resident=resident_harbor,
        starts_on=D(2026, 1, 1),
        ends_on=D(2026, 7, 1),
    )
    with pytest.raises(IntegrityError):
        Officer.objects.create(
            house=harbor,
            office="chair",
            resident=make_resident(harbor),
            starts_on=D(2026, 6, 1),
            ends_on=D(2026, 12, 1),
        )


def test_a_cancelled_meeting_says_why(meeting):
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, reason="  ")
    services.meeting_cancel(meeting=meeting, reason="Thanksgiving dinner together instead")
    assert meeting.status == "cancelled"
    assert isinstance(AgendaItem.objects.count(), int)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(cancel_reason="")
    assert Motion.objects.count() == 0


def test_the_beat_task_keeps_every_house_four_weeks_ahead(thursday, harbor, cedar):
    from meetings.tasks import keep_schedule

    assert keep_schedule() == 8
    assert keep_schedule() == 0
    assert Meeting.objects.filter(house=cedar).count() == 4


def test_ending_a_term_an_election_ended_leaves_the_successor_in_place(harbor, resident_harbor):
    # the manager's page still shows the first term as current when the next one begins
    other = make_resident(harbor, move_in=D(2026, 10, 1))
    first = services.officer_elect(
        house=harbor,
        office="chore_coordinator",
        resident=resident_harbor,
        starts_on=D(2026, 9, 6),
        by=None,
    )
    services.officer_elect(
        house=harbor, office="chore_coordinator", resident=other, starts_on=SUNDAY, by=None
    )
    services.officer_end(term=first, on=D(2026, 12, 20), by=None)
    terms = list(Officer.objects.order_by("starts_on").values_list("resident", "ends_on"))
    assert terms == [(resident_harbor.pk, SUNDAY), (other.pk, D(2027, 6, 13))]
    assert HouseChoreSettings.objects.get(house=harbor).coordinator == other
