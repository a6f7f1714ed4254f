"""The house's meeting records: the decisions log, the officers, the meeting settings; and the
meeting panels' reads."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from meetings import selectors, services
from meetings.models import Attendance, HouseMeetingSettings, Meeting, Motion, Officer
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
THURSDAY_NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def thursday():
    with time_machine.travel(THURSDAY_NOON, tick=False):
        yield


def _decided(house, mover, text, status="passed", **fields):
    return Motion.objects.create(
        house=house, text=text, mover=mover, status=status, decided_at=timezone.now(), **fields
    )


def test_the_decisions_log_is_searchable(thursday, client, harbor, resident_harbor):
    _decided(harbor, resident_harbor, "Quiet hours start at 22:00 on weeknights")
    _decided(harbor, resident_harbor, "Guests leave by 21:00", status="failed")
    _decided(harbor, resident_harbor, "Quiet hours on weekends too", status="no_quorum")
    Motion.objects.create(
        house=harbor, text="Quiet hours: still on the table", mover=resident_harbor
    )
    client.force_login(resident_harbor.user)
    page = client.get("/houses/harbor/decisions/").context["page"]
    assert len(page.object_list) == 3
    found = client.get("/houses/harbor/decisions/", {"q": "quiet  WEEKNIGHTS"}).context["page"]
    assert [motion.text for motion in found.object_list] == [
        "Quiet hours start at 22:00 on weeknights"
    ]
    response = client.get("/houses/harbor/decisions/", {"q": "pets"})
    assert "No decision holds “pets”" in response.content.decode()


def test_the_decisions_log_runs_the_same_queries_for_3_and_30(
    thursday, client, harbor, resident_harbor, django_assert_num_queries
):
    client.force_login(resident_harbor.user)
    for count in (3, 30):
        Motion.objects.all().delete()
        for number in range(count):
            _decided(harbor, resident_harbor, f"Motion {number}", seconder=make_resident(harbor))
        # session, user, the house, the page's count and rows, the viewer's stay and houses,
        # the unread count (navigation)
        with django_assert_num_queries(8):
            client.get("/houses/harbor/decisions/")


def test_officers_now_and_before(thursday, client, harbor, manager_harbor, resident_harbor):
    other = make_resident(harbor, full_name="Former Chair")
    Officer.objects.create(
        house=harbor, office="chair", resident=other, starts_on=D(2026, 1, 1), ends_on=D(2026, 7, 1)
    )
    services.officer_elect(
        house=harbor, office="chair", resident=resident_harbor, starts_on=D(2026, 7, 1), by=None
    )
    client.force_login(resident_harbor.user)
    response = client.get("/houses/harbor/officers/")
    assert [term.resident for term in response.context["current"]] == [resident_harbor]
    assert [term.resident for term in response.context["history"]] == [other]
    assert "End the term today" not in response.content.decode()

    client.force_login(manager_harbor)
    term = Officer.objects.get(resident=resident_harbor)
    assert client.post(f"/houses/harbor/officers/{term.pk}/end/").status_code == 302
    term.refresh_from_db()
    assert term.ends_on == D(2026, 12, 10)
    assert AuditEvent.objects.filter(action="officer.end").exists()


def test_a_resident_cannot_end_a_term(thursday, client, harbor, resident_harbor):
    term = services.officer_elect(
        house=harbor, office="chair", resident=resident_harbor, starts_on=D(2026, 12, 1), by=None
    )
    client.force_login(resident_harbor.user)
    assert client.post(f"/houses/harbor/officers/{term.pk}/end/").status_code == 404
    term.refresh_from_db()
    assert term.ends_on == D(2027, 6, 1)


def test_the_settings_move_the_coming_meetings(thursday, client, harbor, manager_harbor):
    services.meetings_schedule(harbor)
    client.force_login(manager_harbor)
    response = client.post(
        "/houses/harbor/meetings/settings/",
        {
            "weekday": "2",
            "time": "18:30",
            "place": "The back garden",
            "quorum": "two_thirds",
            "passing": "majority",
            "outside_meetings_expected": "4",
            "outside_reminder_weekday": "3",
            "officer_term_months": "6",
        },
    )
    assert response.status_code == 302
    settings = HouseMeetingSettings.objects.get(house=harbor)
    assert (settings.weekday, settings.quorum) == (2, "two_thirds")
    assert settings.outside_reminder_weekday == 3
    meetings = list(Meeting.objects.filter(house=harbor))
    assert {meeting.local_start().strftime("%A %H:%M") for meeting in meetings} == {
        "Wednesday 18:30"
    }
    assert {meeting.place for meeting in meetings} == {"The back garden"}


def test_bad_settings_are_explained_and_kept(thursday, client, harbor, manager_harbor):
    client.force_login(manager_harbor)
    response = client.post(
        "/houses/harbor/meetings/settings/",
        {
            "weekday": "9",
            "time": "late",
            "place": "Kitchen",
            "quorum": "majority",
            "passing": "majority",
            "outside_meetings_expected": "-1",
            "outside_reminder_weekday": "7",
            "officer_term_months": "40",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {
        "weekday",
        "time",
        "outside_meetings_expected",
        "outside_reminder_weekday",
        "officer_term_months",
    }
    assert 'value="Kitchen"' in response.content.decode()
    assert not HouseMeetingSettings.objects.filter(house=harbor, place="Kitchen").exists()


def test_the_dashboard_panel_reads(thursday, harbor, resident_harbor):
    services.meetings_schedule(harbor)
    held = Meeting.objects.create(
        house=harbor,
        starts_at=THURSDAY_NOON - dt.timedelta(days=4),
        place="Lounge",
        status="held",
    )
    Attendance.objects.create(meeting=held, resident=resident_harbor, status="present")
    Attendance.objects.create(meeting=held, resident=make_resident(harbor), status="absent")
    Motion.objects.create(house=harbor, text="Open", mover=resident_harbor)
    panel = selectors.meetings_panel(harbor)
    assert panel.next_meeting.regular_on == D(2026, 12, 13)
    assert (panel.last_meeting, panel.last_present, panel.last_marked) == (held, 1, 2)
    assert panel.open_motions == 1


def test_today_shows_the_next_meeting_and_asks_for_a_vote(client, harbor, resident_harbor):
    with time_machine.travel(THURSDAY_NOON, tick=False):
        services.meetings_schedule(harbor)
    meeting = Meeting.objects.get(regular_on=D(2026, 12, 13))
    seconder = make_resident(harbor, move_in=D(2026, 10, 1))
    client.force_login(resident_harbor.user)
    with time_machine.travel(THURSDAY_NOON, tick=False):
        page = client.get("/today/").content.decode()
    assert "Sunday 13 December, 7:00 p.m." in page
    assert "Your vote, please" not in page
    with time_machine.travel(meeting.starts_at + dt.timedelta(minutes=10), tick=False):
        for person in (resident_harbor, seconder):
            services.attendance_mark(meeting=meeting, resident=person, status="present", by=None)
        motion = services.motion_propose(
            house=harbor,
            text="Movie night on Fridays",
            mover=seconder,
            seconder=resident_harbor,
            by=None,
        )
        services.motion_open_vote(motion=motion, meeting=meeting, by=None)
        client.force_login(resident_harbor.user)  # a new session: the last one is days old
        page = client.get("/today/").content.decode()
        assert "Your vote, please" in page and "Movie night on Fridays" in page
        meeting_page = client.get(f"/meetings/{meeting.pk}/").content.decode()
        assert "The count is shown when the vote closes." in meeting_page
        assert "so far" not in meeting_page  # a running count could sway the vote
        services.vote_cast(motion=motion, resident=resident_harbor, choice="yes", by=None)
        assert "Your vote, please" not in client.get("/today/").content.decode()


def test_the_dashboard_shows_the_meetings_panel(thursday, client, harbor, manager_harbor):
    services.meetings_schedule(harbor)
    make_resident(harbor, full_name="Robin Short")
    client.force_login(manager_harbor)
    page = client.get("/houses/harbor/").content.decode()
    assert "House meetings" in page
    assert "Robin Short (0 of 3)" in page
    assert "/houses/harbor/outside-meetings/" in page


def test_an_officer_who_moved_out_holds_no_office(thursday, harbor, resident_harbor):
    from meetings.officers import officer_of
    from residents.models import Stay

    services.officer_elect(
        house=harbor,
        office="secretary",
        resident=resident_harbor,
        starts_on=D(2026, 12, 1),
        by=None,
    )
    assert officer_of(harbor, "secretary") == resident_harbor
    Stay.objects.filter(resident=resident_harbor).update(
        move_out=D(2026, 12, 9), exit_reason="moved_on"
    )
    assert officer_of(harbor, "secretary") is None


def test_the_decisions_pages_keep_the_search(thursday, client, harbor, resident_harbor):
    for number in range(55):
        _decided(harbor, resident_harbor, f"Quiet hours, take {number}")
    client.force_login(resident_harbor.user)
    page = client.get("/houses/harbor/decisions/", {"q": "quiet hours"}).content.decode()
    assert 'href="?q=quiet+hours&amp;page=2"' in page
    assert "Page 1 of 2" in page
