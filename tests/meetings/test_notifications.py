"""The notifications of house meetings: the meeting tomorrow and in an hour, a motion open for a
vote, outside meetings short of the week — each written at the right moment in the house's zone,
once however often the task runs, cancelled when its cause goes away, held through quiet hours."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from meetings import notifications, outside, services, tasks
from meetings.models import HouseMeetingSettings, Meeting
from residents.models import Stay
from soberhouse import outbox
from soberhouse.clock import wall_clock
from soberhouse.models import Notification, NotificationPreference
from tests.factories import make_resident

D = dt.date
LA = zoneinfo.ZoneInfo("America/Los_Angeles")
# Sunday 13 December 2026, 19:00 in Los Angeles (UTC-8), where Harbor House meets by default.
SUNDAY_7PM = dt.datetime(2026, 12, 14, 3, 0, tzinfo=dt.UTC)
THURSDAY_NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)


def _local(moment):
    return moment.astimezone(LA)


def _rows(kind, **filters):
    return Notification.objects.filter(kind=kind, channel="email", **filters)


def _run_task_at(moment):
    with time_machine.travel(moment, tick=False):
        return tasks.notify_due()


@pytest.fixture
def house(harbor):
    with time_machine.travel(THURSDAY_NOON, tick=False):
        people = [
            make_resident(
                harbor, move_in=D(2026, 10, 1), full_name=f"Person {n}", email=f"p{n}@x.test"
            )
            for n in range(3)
        ]
        services.meetings_schedule(harbor)
    harbor.people = people
    return harbor


@pytest.fixture
def meeting(house):
    meeting = Meeting.objects.get(house=house, starts_at=SUNDAY_7PM)
    meeting.house = house
    return meeting


# The meeting tomorrow and in an hour


def test_no_reminder_is_written_more_than_26_hours_ahead(meeting):
    assert _run_task_at(SUNDAY_7PM - dt.timedelta(hours=27)) == 0
    assert not Notification.objects.exists()


def test_the_reminders_go_to_everyone_living_there_at_the_local_time(meeting, cedar):
    outsider = make_resident(cedar, move_in=D(2026, 10, 1))
    _run_task_at(SUNDAY_7PM - dt.timedelta(hours=25))
    tomorrow = _rows(notifications.TOMORROW, about_id=str(meeting.pk))
    in_an_hour = _rows(notifications.IN_AN_HOUR, about_id=str(meeting.pk))
    assert {row.recipient for row in tomorrow} == {person.user for person in meeting.house.people}
    assert {_local(row.due_at) for row in tomorrow} == {dt.datetime(2026, 12, 12, 19, 0, tzinfo=LA)}
    assert {_local(row.due_at) for row in in_an_hour} == {
        dt.datetime(2026, 12, 13, 18, 0, tzinfo=LA)
    }
    assert {row.subject for row in tomorrow} == {"House meeting tomorrow at 7:00 p.m."}
    assert {row.occurrence for row in tomorrow} == {SUNDAY_7PM.isoformat()}
    assert not Notification.objects.filter(recipient=outsider.user).exists()


def test_running_the_task_twice_writes_once(meeting):
    first = _run_task_at(SUNDAY_7PM - dt.timedelta(hours=25))
    second = _run_task_at(SUNDAY_7PM - dt.timedelta(hours=24, minutes=55))
    assert first == 3 * 2 * 2  # three people, two kinds, email and in-app
    assert second == 0
    assert Notification.objects.count() == 12


@pytest.mark.parametrize(
    ("day", "hours_between"),
    [
        (D(2026, 3, 8), 23),  # clocks went forward at 2:00 that morning
        (D(2026, 11, 1), 25),  # clocks went back at 2:00 that morning
        (D(2026, 11, 2), 24),  # the Monday after
    ],
)
def test_the_reminder_the_day_before_keeps_the_wall_clock_across_dst(harbor, day, hours_between):
    # In UTC, so that the arithmetic below counts real hours, not wall-clock ones.
    starts_at = wall_clock(day, dt.time(19, 0), harbor.time_zone).astimezone(dt.UTC)
    with time_machine.travel(starts_at - dt.timedelta(days=40), tick=False):
        person = make_resident(harbor, move_in=day - dt.timedelta(days=30))
    meeting = Meeting.objects.create(house=harbor, starts_at=starts_at, place="The living room")
    _run_task_at(starts_at - dt.timedelta(hours=25, minutes=30))
    _run_task_at(starts_at - dt.timedelta(hours=22))  # again, after the change: nothing new
    rows = list(_rows(notifications.TOMORROW, about_id=str(meeting.pk)))
    assert len(rows) == 1 and rows[0].recipient == person.user
    due = _local(rows[0].due_at)
    assert (due.date(), due.hour, due.minute) == (day - dt.timedelta(days=1), 19, 0)
    assert starts_at - rows[0].due_at == dt.timedelta(hours=hours_between)


def test_a_cancelled_meeting_cancels_its_reminders(meeting):
    _run_task_at(SUNDAY_7PM - dt.timedelta(hours=25))
    with time_machine.travel(SUNDAY_7PM - dt.timedelta(hours=23), tick=False):
        services.meeting_cancel(meeting=meeting, reason="Thanksgiving dinner instead")
    assert Notification.objects.filter(about_id=str(meeting.pk)).count() == 12
    assert not Notification.objects.exclude(status="cancelled").exists()
    assert _run_task_at(SUNDAY_7PM - dt.timedelta(hours=22)) == 0


def test_a_moved_meeting_is_reminded_at_its_new_time_only(meeting):
    _run_task_at(SUNDAY_7PM - dt.timedelta(hours=25))
    later = SUNDAY_7PM + dt.timedelta(hours=1)  # 8 p.m.
    with time_machine.travel(SUNDAY_7PM - dt.timedelta(hours=24, minutes=30), tick=False):
        services.meeting_edit(meeting=meeting, changes={"starts_at": later})
    old = Notification.objects.filter(occurrence=SUNDAY_7PM.isoformat())
    assert set(old.values_list("status", flat=True)) == {"cancelled"}
    _run_task_at(SUNDAY_7PM - dt.timedelta(hours=24, minutes=25))
    new = _rows(notifications.TOMORROW, occurrence=later.isoformat())
    assert new.count() == 3
    assert {_local(row.due_at).hour for row in new} == {20}
    assert {row.subject for row in new} == {"House meeting tomorrow at 8:00 p.m."}
    assert set(new.values_list("status", flat=True)) == {"pending"}


def test_a_meeting_made_again_on_a_new_slot_takes_its_reminders_away(meeting):
    _run_task_at(SUNDAY_7PM - dt.timedelta(hours=25))
    settings = HouseMeetingSettings.objects.get(house=meeting.house)
    settings.time = dt.time(20, 0)
    with time_machine.travel(SUNDAY_7PM - dt.timedelta(hours=24, minutes=50), tick=False):
        services.meeting_settings_save(settings, changed=["time"])
    assert not Meeting.objects.filter(pk=meeting.pk).exists()
    old = Notification.objects.filter(about_id=str(meeting.pk))
    assert set(old.values_list("status", flat=True)) == {"cancelled"}


def test_a_resident_who_moved_out_is_not_reminded(meeting):
    _run_task_at(SUNDAY_7PM - dt.timedelta(hours=25))
    leaving = meeting.house.people[0]
    Stay.objects.filter(resident=leaving).update(move_out=D(2026, 12, 13), exit_reason="completed")
    _run_task_at(SUNDAY_7PM - dt.timedelta(hours=24, minutes=55))
    theirs = Notification.objects.filter(recipient=leaving.user)
    assert set(theirs.values_list("status", flat=True)) == {"cancelled"}
    others = Notification.objects.exclude(recipient=leaving.user)
    assert set(others.values_list("status", flat=True)) == {"pending"}


def test_the_reminders_wait_through_quiet_hours(meeting):
    person = meeting.house.people[0]
    NotificationPreference.objects.create(
        user=person.user, quiet_from=dt.time(17, 0), quiet_until=dt.time(20, 30)
    )
    _run_task_at(SUNDAY_7PM - dt.timedelta(hours=25))
    row = _rows(notifications.TOMORROW, recipient=person.user).get()
    assert _local(row.send_after) == dt.datetime(2026, 12, 12, 20, 30, tzinfo=LA)
    assert _local(row.due_at) == dt.datetime(2026, 12, 12, 19, 0, tzinfo=LA)
    other = _rows(notifications.TOMORROW, recipient=meeting.house.people[1].user).get()
    assert other.send_after == other.due_at


# A motion open for your vote


@pytest.fixture
def voting(meeting):
    """The meeting under way: two present, one late, one absent; a seconded motion open."""
    people = meeting.house.people
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=10), tick=False):
        absent = make_resident(meeting.house, move_in=D(2026, 10, 1), full_name="Away Person")
        for person, status in zip(
            [*people, absent], ["present", "present", "late", "absent"], strict=True
        ):
            services.attendance_mark(meeting=meeting, resident=person, status=status, by=None)
        motion = services.motion_propose(
            house=meeting.house,
            text="MARKER-MOTION buy a new couch",
            mover=people[0],
            seconder=people[1],
            by=None,
            meeting=meeting,
        )
        services.motion_open_vote(motion=motion, meeting=meeting, by=None)
    motion.people, motion.absent = people, absent
    return motion


def test_the_open_vote_is_told_to_those_present(voting):
    rows = _rows(notifications.MOTION_OPEN, about_id=str(voting.pk))
    assert {row.recipient for row in rows} == {person.user for person in voting.people}
    assert {row.subject for row in rows} == {"A motion is open for your vote"}
    assert {row.due_at for row in rows} == {SUNDAY_7PM + dt.timedelta(minutes=10)}
    assert not any("MARKER" in row.subject + row.text for row in Notification.objects.all())


def test_a_vote_cast_cancels_the_voters_notice(voting):
    voter = voting.people[0]
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=12), tick=False):
        services.vote_cast(motion=voting, resident=voter, choice="yes", by=voter.user)
    rows = _rows(notifications.MOTION_OPEN, about_id=str(voting.pk))
    assert rows.get(recipient=voter.user).status == "cancelled"
    assert set(rows.exclude(recipient=voter.user).values_list("status", flat=True)) == {"pending"}


def test_closing_the_vote_cancels_every_notice(voting):
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=20), tick=False):
        services.motion_close(motion=voting, by=None)
    rows = Notification.objects.filter(kind=notifications.MOTION_OPEN)
    assert rows.count() == 6
    assert set(rows.values_list("status", flat=True)) == {"cancelled"}


def _delivered(moment):
    """Run the dispatcher at ``moment``: the notices due go out, in-app ones reach the list."""
    with time_machine.travel(moment, tick=False):
        outbox.dispatch()


def test_a_closed_vote_is_no_longer_new_in_anyones_list(voting, client):
    _delivered(SUNDAY_7PM + dt.timedelta(minutes=11))
    first, second, late = voting.people
    assert [outbox.unread_count(person.user) for person in voting.people] == [1, 1, 1]
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=12), tick=False):
        services.vote_cast(motion=voting, resident=first, choice="yes", by=first.user)
    # the voter has nothing left to do; the others still have a vote to cast
    assert [outbox.unread_count(person.user) for person in voting.people] == [0, 1, 1]
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=13), tick=False):
        outbox.mark_read(user=late.user)
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=20), tick=False):
        services.motion_close(motion=voting, by=None)
    assert [outbox.unread_count(person.user) for person in voting.people] == [0, 0, 0]
    # still in their list, as something that was, and the email stays sent
    notice = outbox.inbox(second.user).get(kind=notifications.MOTION_OPEN)
    assert notice.read_at == SUNDAY_7PM + dt.timedelta(minutes=20)
    assert _rows(notifications.MOTION_OPEN, recipient=second.user).get().status == "sent"
    read_first = outbox.inbox(late.user).get(kind=notifications.MOTION_OPEN)
    assert read_first.read_at == SUNDAY_7PM + dt.timedelta(minutes=13)  # kept as it was
    client.force_login(second.user)
    page = client.get(reverse("notification_list")).content.decode()
    assert "A motion is open for your vote" in page
    assert "New:" not in page


def test_the_vote_notice_waits_through_quiet_hours(meeting):
    person = meeting.house.people[2]
    NotificationPreference.objects.create(
        user=person.user, quiet_from=dt.time(19, 0), quiet_until=dt.time(19, 45)
    )
    with time_machine.travel(SUNDAY_7PM + dt.timedelta(minutes=10), tick=False):
        for resident in meeting.house.people:
            services.attendance_mark(meeting=meeting, resident=resident, status="present", by=None)
        motion = services.motion_propose(
            house=meeting.house,
            text="Quiet hours",
            mover=meeting.house.people[0],
            seconder=meeting.house.people[1],
            by=None,
            meeting=meeting,
        )
        services.motion_open_vote(motion=motion, meeting=meeting, by=None)
    row = _rows(notifications.MOTION_OPEN, recipient=person.user).get()
    assert _local(row.send_after) == dt.datetime(2026, 12, 13, 19, 45, tzinfo=LA)


# Outside meetings short of the week


FRIDAY_10AM = dt.datetime(2026, 12, 11, 18, 0, tzinfo=dt.UTC)


def _stay(resident):
    return Stay.objects.select_related("house", "resident__user").get(resident=resident)


def _log(resident, day, name):
    return outside.outside_meeting_log(stay=_stay(resident), day=day, name=name, fellowship="aa")


@pytest.fixture
def week(house):
    """Monday 7 December: Person 0 has been to all three meetings, Person 1 to one, Person 2 to
    none."""
    people = house.people
    with time_machine.travel(THURSDAY_NOON, tick=False):
        for name in ("A", "B", "C"):
            _log(people[0], D(2026, 12, 8), name)
        _log(people[1], D(2026, 12, 8), "A")
    return house


def test_the_outside_reminder_waits_for_the_houses_weekday_and_hour(week):
    assert _run_task_at(THURSDAY_NOON + dt.timedelta(days=1, hours=-3)) == 0  # Thursday 21:00
    assert _run_task_at(FRIDAY_10AM - dt.timedelta(minutes=1)) == 0  # Friday 9:59
    _run_task_at(FRIDAY_10AM + dt.timedelta(minutes=3))
    rows = _rows(notifications.OUTSIDE_SHORT)
    assert {row.recipient for row in rows} == {week.people[1].user, week.people[2].user}
    assert {_local(row.due_at) for row in rows} == {dt.datetime(2026, 12, 11, 10, 0, tzinfo=LA)}
    assert {row.occurrence for row in rows} == {"2026-12-07"}
    assert rows.get(recipient=week.people[1].user).text.startswith("You have 1 of 3 this week")


def test_the_outside_reminder_is_written_once(week):
    assert _run_task_at(FRIDAY_10AM + dt.timedelta(minutes=3)) == 4
    assert _run_task_at(FRIDAY_10AM + dt.timedelta(hours=5)) == 0
    assert Notification.objects.filter(kind=notifications.OUTSIDE_SHORT).count() == 4


def test_the_house_chooses_the_weekday(week):
    HouseMeetingSettings.objects.filter(house=week).update(outside_reminder_weekday=3)
    assert _run_task_at(FRIDAY_10AM + dt.timedelta(minutes=3)) == 0
    assert _run_task_at(FRIDAY_10AM - dt.timedelta(days=1)) == 4  # Thursday 10:00


def test_logging_enough_cancels_the_outside_reminder(week):
    _run_task_at(FRIDAY_10AM + dt.timedelta(minutes=3))
    person = week.people[1]
    with time_machine.travel(FRIDAY_10AM + dt.timedelta(minutes=5), tick=False):
        _log(person, D(2026, 12, 9), "B")
        rows = _rows(notifications.OUTSIDE_SHORT, recipient=person.user)
        assert rows.get().status == "pending"  # two of three: still short
        _log(person, D(2026, 12, 10), "C")
    assert rows.get().status == "cancelled"
    assert _rows(notifications.OUTSIDE_SHORT, recipient=week.people[2].user).get().status == (
        "pending"
    )


def test_the_outside_reminder_waits_through_quiet_hours(week):
    person = week.people[2]
    NotificationPreference.objects.create(
        user=person.user, quiet_from=dt.time(22, 0), quiet_until=dt.time(11, 0)
    )
    _run_task_at(FRIDAY_10AM + dt.timedelta(minutes=3))
    row = _rows(notifications.OUTSIDE_SHORT, recipient=person.user).get()
    assert _local(row.send_after) == dt.datetime(2026, 12, 11, 11, 0, tzinfo=LA)
