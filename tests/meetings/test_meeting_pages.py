"""The house meeting pages: who sees them, attendance one tap each, voting once, minutes that keep
what was typed, and pages whose queries do not grow with the house."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from meetings import services
from meetings.models import AgendaItem, Attendance, Meeting, Motion, Officer, Vote
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
# Sunday 13 December 2026, 19:00 in Los Angeles (UTC-8), where Harbor House is.
SUNDAY = D(2026, 12, 13)
SUNDAY_7PM = dt.datetime(2026, 12, 14, 3, 0, tzinfo=dt.UTC)
THURSDAY_NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)
DURING = SUNDAY_7PM + dt.timedelta(minutes=20)
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def meeting(harbor, resident_harbor):
    with time_machine.travel(THURSDAY_NOON, tick=False):
        services.meetings_schedule(harbor)
    return Meeting.objects.get(house=harbor, regular_on=SUNDAY)


@pytest.fixture
def during():
    with time_machine.travel(DURING, tick=False):
        yield


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


@pytest.fixture
def voting(meeting, during, resident_harbor):
    """Three residents beside resident_harbor: resident_harbor and two present, one absent; a
    seconded motion with its vote open."""
    people = _people(meeting.house, 3)
    for person, status in zip(
        [resident_harbor, *people], ["present", "present", "late", "absent"], strict=True
    ):
        services.attendance_mark(meeting=meeting, resident=person, status=status, by=None)
    motion = services.motion_propose(
        house=meeting.house,
        meeting=meeting,
        text="Buy a new vacuum",
        mover=people[0],
        seconder=people[1],
        by=None,
    )
    services.motion_open_vote(motion=motion, meeting=meeting, by=None)
    return motion, people


# Who sees what


def test_a_resident_sees_their_house_meeting(client, meeting, resident_harbor):
    client.force_login(resident_harbor.user)
    with time_machine.travel(THURSDAY_NOON, tick=False):
        response = client.get(f"/meetings/{meeting.pk}/")
        assert response.status_code == 200
        assert b"Add to the agenda" in response.content
        assert client.get("/meetings/").url == "/houses/harbor/meetings/"
        listed = client.get("/houses/harbor/meetings/")
    assert listed.status_code == 200
    assert f"/meetings/{meeting.pk}/".encode() in listed.content


def test_it_checks_the_house(client, voting, resident_cedar):
    motion, _ = voting
    meeting = motion.meeting
    client.force_login(resident_cedar.user)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 404
    assert client.get("/houses/harbor/meetings/").status_code == 404
    posts = [
        (f"/meetings/{meeting.pk}/minutes/", {"text": "Mine now", "version": 0}),
        (f"/meetings/{meeting.pk}/agenda/", {"text": "Hello"}),
        (f"/meetings/{meeting.pk}/attendance/", {"resident": 1, "status": "present"}),
        (f"/meetings/motions/{motion.pk}/vote/", {"choice": "yes"}),
        (f"/meetings/motions/{motion.pk}/close/", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    assert not Vote.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).minutes == ""


def test_a_resident_who_does_not_run_it_may_not_take_attendance(client, voting, resident_harbor):
    motion, people = voting
    client.force_login(resident_harbor.user)
    response = client.post(
        f"/meetings/{motion.meeting_id}/attendance/",
        {"resident": people[2].pk, "status": "present"},
    )
    assert response.status_code == 404
    assert Attendance.objects.get(resident=people[2]).status == "absent"
    assert client.post(f"/meetings/motions/{motion.pk}/close/").status_code == 404


def test_minutes_wait_until_the_meeting_is_held(client, meeting, during, resident_harbor):
    Meeting.objects.filter(pk=meeting.pk).update(minutes="We talked about the garden.")
    client.force_login(resident_harbor.user)
    assert b"We talked about the garden." not in client.get(f"/meetings/{meeting.pk}/").content
    services.meeting_close(meeting=meeting)
    assert b"We talked about the garden." in client.get(f"/meetings/{meeting.pk}/").content


# The agenda


def test_a_resident_adds_an_item(client, meeting, resident_harbor):
    client.force_login(resident_harbor.user)
    with time_machine.travel(THURSDAY_NOON, tick=False):
        response = client.post(f"/meetings/{meeting.pk}/agenda/", {"text": "  A garden rota "})
        assert response.status_code == 302
        assert AgendaItem.objects.get(meeting=meeting, kind="added").text == "A garden rota"
        empty = client.post(f"/meetings/{meeting.pk}/agenda/", {"text": ""})
    assert empty.status_code == 200
    assert b"Write what you would like the house to talk about." in empty.content


# Attendance


def test_the_secretary_marks_one_resident_with_one_tap(client, voting, resident_harbor):
    motion, people = voting
    meeting = motion.meeting
    Meeting.objects.filter(pk=meeting.pk).update(secretary=resident_harbor)
    client.force_login(resident_harbor.user)
    url = f"/meetings/{meeting.pk}/attendance/"
    response = client.post(url, {"resident": people[2].pk, "status": "late"}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().count('<li class="attendance-row"') == 1
    assert "Late" in response.content.decode()
    assert Attendance.objects.get(meeting=meeting, resident=people[2]).status == "late"
    plain = client.post(url, {"resident": people[2].pk, "status": "excused"})
    assert plain.status_code == 302
    assert Attendance.objects.get(meeting=meeting, resident=people[2]).status == "excused"
    assert AuditEvent.objects.filter(action="meeting.attendance").count() == 6


def test_the_elected_secretary_runs_the_meeting(client, voting, harbor):
    motion, people = voting
    Officer.objects.create(
        house=harbor,
        office="secretary",
        resident=people[2],
        starts_on=D(2026, 12, 1),
        ends_on=D(2027, 6, 1),
    )
    client.force_login(people[2].user)
    response = client.post(f"/meetings/motions/{motion.pk}/close/")
    assert response.status_code == 302
    motion.refresh_from_db()
    assert motion.status == "failed"  # nobody voted yes


# Votes


def test_a_resident_votes_once(client, voting, resident_harbor):
    motion, _ = voting
    client.force_login(resident_harbor.user)
    url = f"/meetings/motions/{motion.pk}/vote/"
    assert client.post(url, {"choice": "yes"}).status_code == 302
    page = client.get(f"/meetings/{motion.meeting_id}/").content.decode()
    assert "You voted yes" in page
    again = client.post(url, {"choice": "no"}, follow=True)
    assert "has voted on this motion already" in again.content.decode()
    assert list(Vote.objects.values_list("resident_id", "choice")) == [(resident_harbor.pk, "yes")]


def test_only_residents_present_vote(client, voting):
    motion, people = voting
    absent = people[2]
    client.force_login(absent.user)
    page = client.get(f"/meetings/{motion.meeting_id}/").content.decode()
    assert f"/meetings/motions/{motion.pk}/vote/" not in page
    response = client.post(f"/meetings/motions/{motion.pk}/vote/", {"choice": "yes"}, follow=True)
    assert "Only residents present at the meeting vote." in response.content.decode()
    assert not Vote.objects.exists()


def test_a_manager_records_a_vote_and_closes_it(client, voting, manager_harbor):
    motion, people = voting
    client.force_login(manager_harbor)
    for person in people[:2]:
        response = client.post(
            f"/meetings/motions/{motion.pk}/record/", {"resident": person.pk, "choice": "yes"}
        )
        assert response.status_code == 302
    closed = client.post(f"/meetings/motions/{motion.pk}/close/", follow=True)
    assert "The vote is closed: Passed." in closed.content.decode()
    motion.refresh_from_db()
    assert (motion.status, motion.yes, motion.present) == (Motion.Status.PASSED, 2, 3)


def test_a_manager_proposes_a_motion_and_bad_input_is_kept(client, meeting, during, manager_harbor):
    client.force_login(manager_harbor)
    response = client.post(f"/meetings/{meeting.pk}/motions/", {"text": "Pizza on Fridays"})
    assert response.status_code == 200
    assert "Choose who moves it." in response.content.decode()
    assert "Pizza on Fridays" in response.content.decode()
    assert not Motion.objects.exists()


# Minutes


def test_minutes_save_as_they_go(client, meeting, during, manager_harbor):
    client.force_login(manager_harbor)
    url = f"/meetings/{meeting.pk}/minutes/"
    response = client.post(url, {"text": "Opened at 7.", "version": 0}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Saved 7:20 p.m." in body
    assert 'name="version" value="1"' in body
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.minutes_version) == ("Opened at 7.", 1)


def test_a_minutes_conflict_keeps_the_text(client, meeting, during, manager_harbor):
    services.minutes_save(meeting=meeting, text="The chair's notes.", version=0, by=None)
    client.force_login(manager_harbor)
    url = f"/meetings/{meeting.pk}/minutes/"
    plain = client.post(url, {"text": "My own careful notes.", "version": 0})
    assert plain.status_code == 200
    page = plain.content.decode()
    assert "Someone else saved the minutes a moment ago." in page
    assert "My own careful notes.</textarea>" in page
    assert "The chair&#x27;s notes." in page
    htmx = client.post(url, {"text": "My own careful notes.", "version": 0}, **HTMX)
    assert "Someone else saved the minutes" in htmx.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "The chair's notes."


# Queries


@pytest.mark.parametrize("extra", [5, 50])
def test_the_pages_run_a_fixed_number_of_queries(
    client, meeting, during, manager_harbor, django_assert_num_queries, extra
):
    people = _people(meeting.house, extra)
    for person in people[: extra // 2]:
        services.attendance_mark(meeting=meeting, resident=person, status="present", by=None)
    motion = services.motion_propose(
        house=meeting.house,
        meeting=meeting,
        text="Movie night",
        mover=people[0],
        seconder=people[1],
        by=None,
    )
    services.motion_open_vote(motion=motion, meeting=meeting, by=None)
    for person in people[: extra // 2]:
        services.vote_cast(motion=motion, resident=person, choice="yes", by=None)
    for week in range(1, extra // 2):
        Meeting.objects.create(
            house=meeting.house,
            starts_at=SUNDAY_7PM - dt.timedelta(weeks=week),
            place="The garden",
            status=Meeting.Status.HELD,
        )
    client.force_login(manager_harbor)
    # Session, user, houses managed (the menu), two-factor, the meeting, may_run (manages it?),
    # the current stay (the menu, and "me"), agenda, residents on the day, attendance, motions,
    # votes, the unread count (navigation).
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
    # Session, user, houses managed (the menu), two-factor, the house, the next four, the past
    # ones counted, the past ones of the page, the stay (the menu), the unread count
    # (navigation).
    with django_assert_num_queries(LIST_QUERIES):
        assert client.get("/houses/harbor/meetings/").status_code == 200


PAGE_QUERIES = 13
LIST_QUERIES = 10


# Moving, cancelling, closing


def test_a_manager_moves_the_meeting(client, meeting, manager_harbor, resident_harbor):
    client.force_login(manager_harbor)
    with time_machine.travel(THURSDAY_NOON, tick=False):
        bad = client.post(
            f"/meetings/{meeting.pk}/edit/", {"day": "someday", "time": "19:30", "place": "Porch"}
        )
        assert bad.status_code == 200
        assert "Enter a valid date." in bad.content.decode()
        assert 'value="Porch"' in bad.content.decode()  # nothing typed is lost
        response = client.post(
            f"/meetings/{meeting.pk}/edit/",
            {
                "day": "2026-12-13",
                "time": "19:30",
                "place": "The porch",
                "chair": resident_harbor.pk,
            },
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == SUNDAY_7PM + dt.timedelta(minutes=30)
    assert (meeting.place, meeting.chair) == ("The porch", resident_harbor)
    assert AuditEvent.objects.filter(action="meeting.edit").count() == 1


def test_a_manager_cancels_the_meeting_and_says_why(client, meeting, manager_harbor):
    client.force_login(manager_harbor)
    with time_machine.travel(THURSDAY_NOON, tick=False):
        empty = client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": ""})
        assert "Say why, so that everyone knows." in empty.content.decode()
        response = client.post(f"/meetings/{meeting.pk}/cancel/", {"reason": "Holiday trip"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "Holiday trip")


def test_the_chair_closes_the_meeting_once_started(client, meeting, resident_harbor):
    Meeting.objects.filter(pk=meeting.pk).update(chair=resident_harbor)
    client.force_login(resident_harbor.user)
    with time_machine.travel(THURSDAY_NOON, tick=False):
        early = client.post(f"/meetings/{meeting.pk}/close/", follow=True)
    assert "The meeting has not started yet." in early.content.decode()
    with time_machine.travel(DURING, tick=False):
        assert client.post(f"/meetings/{meeting.pk}/close/").status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert AuditEvent.objects.filter(action="meeting.held").count() == 1
