"""A person's private calendar feed, ``/calendar/<token>.ics``: their house meetings and their own
chores in each house's time zone, as RFC 5545 that phone calendars subscribe to; the address is
made and replaced from ``/me/``."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from email.utils import parsedate_to_datetime

import pytest
import time_machine
import vobject
from django.utils import timezone
from django.utils.http import http_date
from icalendar import Calendar

from chores.models import Assignment, Chore
from chores.schedule import due_at
from chores.services import chore_check, chore_mark_done, swap_answer, swap_ask
from meetings.calendar import vtimezone
from meetings.models import CalendarFeed, Meeting
from meetings.services import meeting_cancel, meeting_edit
from residents.models import Membership, Stay
from soberhouse.models import AuditEvent
from tests import node
from tests.factories import HouseFactory, make_resident

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")


def _meeting(house, *, starts_at=None, days=3, **fields) -> Meeting:
    if starts_at is None:
        # iCalendar counts whole seconds; meetings start on the minute.
        starts_at = (timezone.now() + dt.timedelta(days=days)).replace(second=0, microsecond=0)
    return Meeting.objects.create(house=house, starts_at=starts_at, place="Living room", **fields)


def _chore(resident, house, *, days=0, name="Kitchen", status=Assignment.Status.TO_DO, **fields):
    chore = Chore.objects.create(house=house, name=name, **fields)
    day = house.today() + dt.timedelta(days=days)
    return Assignment.objects.create(
        chore=chore,
        house=house,
        day=day,
        due_at=due_at(day, chore.due_time, house.time_zone),
        resident=resident,
        points=chore.points,
        status=status,
    )


def _fetch(client, user):
    """The person's feed, fetched as a calendar app does: without signing in."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    client.logout()
    response = client.get(f"/calendar/{feed.token}.ics")
    assert response.status_code == 200, response.content[:300]
    return response


def _calendar(client, user) -> Calendar:
    return Calendar.from_ical(_fetch(client, user).content)


def _uids(calendar: Calendar) -> set[str]:
    return {str(event["UID"]) for event in calendar.walk("VEVENT")}


def _event(calendar: Calendar, uid: str):
    (event,) = [event for event in calendar.walk("VEVENT") if str(event["UID"]) == uid]
    return event


# The feed's contents


def test_a_resident_gets_their_house_meetings_and_only_their_own_chores(
    client, harbor, cedar, resident_harbor
):
    this_week = _meeting(harbor)
    last_month = _meeting(harbor, days=-29)
    too_old = _meeting(harbor, days=-31)
    too_far = _meeting(harbor, days=57)
    _meeting(cedar)
    today = _chore(resident_harbor, harbor, name="Kitchen")
    tomorrow = _chore(resident_harbor, harbor, days=1, name="Porch")
    last_week = _chore(resident_harbor, harbor, days=-7, name="Bins")
    _chore(resident_harbor, harbor, days=-8, name="Hall")
    _chore(make_resident(harbor), harbor, name="Bathroom")

    calendar = _calendar(client, resident_harbor.user)

    assert _uids(calendar) == {
        f"meeting-{this_week.pk}@soberhouse",
        f"meeting-{last_month.pk}@soberhouse",
        f"chore-{today.pk}@soberhouse",
        f"chore-{tomorrow.pk}@soberhouse",
        f"chore-{last_week.pk}@soberhouse",
    }
    assert f"meeting-{too_old.pk}@soberhouse" not in _uids(calendar)
    assert f"meeting-{too_far.pk}@soberhouse" not in _uids(calendar)


def test_a_manager_gets_the_meetings_of_every_house_they_manage(
    client, harbor, cedar, manager_harbor, resident_harbor
):
    third = HouseFactory(slug="third", time_zone="America/Denver")
    Membership.objects.create(house=third, user=manager_harbor)
    at_harbor, at_third = _meeting(harbor), _meeting(third, days=4)
    _meeting(cedar)
    _chore(resident_harbor, harbor)

    calendar = _calendar(client, manager_harbor)

    assert _uids(calendar) == {
        f"meeting-{at_harbor.pk}@soberhouse",
        f"meeting-{at_third.pk}@soberhouse",
    }
    assert {str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")} == {
        "America/Los_Angeles",
        "America/Denver",
    }


def test_staff_with_no_house_of_their_own_get_an_empty_valid_calendar(client, harbor, staff):
    _meeting(harbor)
    calendar = _calendar(client, staff)
    assert calendar.walk("VEVENT") == []
    calendar.validate()  # a VERSION, a PRODID and at least one component


def test_someone_who_moved_out_gets_an_empty_calendar(client, harbor, resident_harbor):
    _meeting(harbor)
    _chore(resident_harbor, harbor, days=-1)
    Stay.objects.filter(resident=resident_harbor).update(
        move_out=harbor.today(), exit_reason=Stay.ExitReason.MOVED_ON
    )
    calendar = _calendar(client, resident_harbor.user)
    assert calendar.walk("VEVENT") == []
    calendar.validate()


def test_a_meeting_is_an_hour_at_its_place_with_a_stable_uid(client, harbor, resident_harbor):
    meeting = _meeting(harbor, chair=resident_harbor)
    event = _event(_calendar(client, resident_harbor.user), f"meeting-{meeting.pk}@soberhouse")
    assert str(event["SUMMARY"]) == "House meeting, Harbor House"
    assert str(event["LOCATION"]) == "Living room"
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DURATION") == dt.timedelta(hours=1)
    assert event.decoded("DTSTART") == meeting.starts_at
    assert "You chair this meeting." in str(event["DESCRIPTION"])
    assert "DTSTAMP" in event


def test_a_cancelled_meeting_says_so_with_its_reason(client, harbor, resident_harbor):
    meeting = _meeting(harbor)
    meeting_cancel(meeting=meeting, reason="Thanksgiving dinner instead")
    event = _event(_calendar(client, resident_harbor.user), f"meeting-{meeting.pk}@soberhouse")
    assert event["STATUS"] == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: ")
    assert "Thanksgiving dinner instead" in str(event["DESCRIPTION"])
    # A higher SEQUENCE tells a calendar that already has the meeting to take the change.
    assert event["SEQUENCE"] > 0


def test_a_moved_meeting_takes_a_higher_sequence(client, harbor, resident_harbor):
    meeting = _meeting(harbor)
    first = _event(_calendar(client, resident_harbor.user), f"meeting-{meeting.pk}@soberhouse")
    meeting_edit(meeting=meeting, changes={"starts_at": meeting.starts_at + dt.timedelta(hours=1)})
    moved = _event(_calendar(client, resident_harbor.user), f"meeting-{meeting.pk}@soberhouse")
    assert moved["SEQUENCE"] > first["SEQUENCE"]
    assert moved.decoded("DTSTART") == meeting.starts_at


def test_a_chore_is_half_an_hour_at_its_due_time_with_its_checklist(
    client, harbor, resident_harbor
):
    open_one = _chore(
        resident_harbor, harbor, checklist="Wipe the counters\n\nSweep", area="Ground"
    )
    done = _chore(resident_harbor, harbor, name="Porch", status=Assignment.Status.DONE)
    calendar = _calendar(client, resident_harbor.user)

    event = _event(calendar, f"chore-{open_one.pk}@soberhouse")
    assert str(event["SUMMARY"]) == "Chore: Kitchen"
    assert event.decoded("DTSTART") == open_one.due_at
    assert event.decoded("DURATION") == dt.timedelta(minutes=30)
    description = str(event["DESCRIPTION"])
    assert "Wipe the counters" in description and "Sweep" in description
    assert "Ground" in description
    assert str(_event(calendar, f"chore-{done.pk}@soberhouse")["SUMMARY"]) == "Chore: Porch (done)"


def test_it_keeps_wall_clock_time_in_the_house_zone_across_a_dst_change(
    client, harbor, cedar, resident_harbor
):
    """Daylight saving ends in Los Angeles on Sunday 1 November 2026: the meeting at 19:00 the
    Sunday before and the Sunday after is at 19:00 local both times (02:00 and 03:00 UTC)."""
    Stay.objects.filter(resident=resident_harbor).update(move_in=dt.date(2026, 1, 5))
    with time_machine.travel(dt.datetime(2026, 10, 20, 12, tzinfo=dt.UTC), tick=False):
        before = _meeting(harbor, starts_at=dt.datetime(2026, 10, 25, 19, tzinfo=LA))
        after = _meeting(harbor, starts_at=dt.datetime(2026, 11, 8, 19, tzinfo=LA))
        response = _fetch(client, resident_harbor.user)

    body = response.content.decode()
    assert "DTSTART;TZID=America/Los_Angeles:20261025T190000\r\n" in body
    assert "DTSTART;TZID=America/Los_Angeles:20261108T190000\r\n" in body
    calendar = Calendar.from_ical(response.content)
    for meeting in (before, after):
        start = _event(calendar, f"meeting-{meeting.pk}@soberhouse").decoded("DTSTART")
        assert (start.hour, start.minute) == (19, 0)
        assert start == meeting.starts_at
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "America/Los_Angeles"
    assert calendar.get_missing_tzids() == set()
    # The zone the calendar carries agrees with the tz database on both sides of the change.
    vtimezone = zone.to_tz(lookup_tzid=False)
    assert dt.datetime(2026, 10, 25, 19, tzinfo=vtimezone).utcoffset() == dt.timedelta(hours=-7)
    assert dt.datetime(2026, 11, 8, 19, tzinfo=vtimezone).utcoffset() == dt.timedelta(hours=-8)


def test_it_is_rfc5545_text(client, harbor, resident_harbor):
    _meeting(harbor, cancel_reason="x" * 200, status=Meeting.Status.CANCELLED)
    _chore(
        resident_harbor,
        harbor,
        checklist="\n".join(f"Step {n}: ünïcode, ok; yes" for n in range(9)),
    )
    body = _fetch(client, resident_harbor.user).content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75  # long lines are folded
    calendar = Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0"
    assert "PRODID" in calendar
    # How often to look again, for the standard (RFC 7986) and for Apple's and Outlook's apps.
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in body
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in body
    for event in calendar.walk("VEVENT"):
        assert {"UID", "DTSTAMP", "DTSTART", "DURATION", "SUMMARY"} <= set(event)


# The address


def test_it_answers_with_a_private_cacheable_calendar(client, resident_harbor):
    response = _fetch(client, resident_harbor.user)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, max-age=900"


def test_an_unknown_token_is_404(client, resident_harbor):
    CalendarFeed.objects.create(user=resident_harbor.user)
    assert client.get("/calendar/nothing-like-it.ics").status_code == 404


def test_the_feed_of_a_deactivated_account_is_404(client, resident_harbor):
    feed = CalendarFeed.objects.create(user=resident_harbor.user)
    resident_harbor.user.is_active = False
    resident_harbor.user.save()
    assert client.get(f"/calendar/{feed.token}.ics").status_code == 404


def test_it_makes_an_address_and_audits_it(client, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.post("/me/calendar/", follow=True)
    assert response.redirect_chain == [("/me/#calendar", 302)]
    feed = CalendarFeed.objects.get(user=resident_harbor.user)
    body = response.content.decode()
    assert f"http://testserver/calendar/{feed.token}.ics" in body
    event = AuditEvent.objects.get(action="calendar.created")
    assert event.actor == resident_harbor.user
    assert (event.object_type, event.object_id) == ("meetings.calendarfeed", str(feed.pk))
    assert feed.token not in str(event.changes)

    # Asking again keeps the address.
    client.post("/me/calendar/")
    assert CalendarFeed.objects.get(user=resident_harbor.user).token == feed.token
    assert AuditEvent.objects.filter(action="calendar.created").count() == 1


def test_a_new_address_stops_the_old_one(client, resident_harbor):
    old = CalendarFeed.objects.create(user=resident_harbor.user).token
    client.force_login(resident_harbor.user)
    response = client.post("/me/calendar/", {"action": "revoke"})
    assert response.status_code == 302
    new = CalendarFeed.objects.get(user=resident_harbor.user).token
    assert new != old
    event = AuditEvent.objects.get(action="calendar.revoked")
    assert event.actor == resident_harbor.user
    assert old not in str(event.changes) and new not in str(event.changes)

    client.logout()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_making_an_address_requires_login_and_post(client, resident_harbor):
    assert client.post("/me/calendar/")["Location"].startswith("/accounts/login/")
    client.force_login(resident_harbor.user)
    assert client.get("/me/calendar/").status_code == 405
    assert not CalendarFeed.objects.exists()


# The panel on /me/


def test_me_offers_to_make_an_address_without_making_one(client, resident_harbor):
    client.force_login(resident_harbor.user)
    body = client.get("/me/").content.decode()
    assert "Make my calendar address" in body
    assert not CalendarFeed.objects.exists()


@pytest.mark.parametrize("persona", ["resident_harbor", "manager_harbor", "staff"])
def test_me_shows_the_address_and_how_to_subscribe(client, everyone, persona):
    user = everyone[persona]
    feed = CalendarFeed.objects.create(user=user)
    client.force_login(user)
    body = client.get("/me/").content.decode()
    assert f'value="http://testserver/calendar/{feed.token}.ics"' in body
    assert f"webcal://testserver/calendar/{feed.token}.ics" in body
    assert "anyone who has this address" in body
    assert "Add Subscribed Calendar" in body and "From URL" in body
    assert 'name="action" value="revoke"' in body


# Query count


@pytest.mark.parametrize("count", [2, 20])
def test_a_resident_feed_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, harbor, resident_harbor, count
):
    for n in range(count):
        _meeting(harbor, days=n % 50 - 20)
        _chore(resident_harbor, harbor, days=n % 7, name=f"Chore {n}")
    feed = CalendarFeed.objects.create(user=resident_harbor.user)
    # The feed and its person; their current stay; the meetings; their chores; and the first
    # time, or after a change, the feed's new digest and date.
    with django_assert_num_queries(5):
        response = client.get(f"/calendar/{feed.token}.ics")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 2 * count
    with django_assert_num_queries(4):
        assert client.get(f"/calendar/{feed.token}.ics").content == response.content


@pytest.mark.parametrize("count", [2, 20])
def test_a_manager_feed_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, harbor, cedar, manager_harbor, count
):
    Membership.objects.create(house=cedar, user=manager_harbor)
    for n in range(count):
        _meeting(harbor if n % 2 else cedar, days=n % 50 - 20)
    feed = CalendarFeed.objects.create(user=manager_harbor)
    # The feed and its person; their current stay (none); the meetings; the new digest.
    with django_assert_num_queries(4):
        response = client.get(f"/calendar/{feed.token}.ics")
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == count
    with django_assert_num_queries(3):
        client.get(f"/calendar/{feed.token}.ics")


# Other programs read the zones as the tz database does


def _starts_by_ical_js(body: bytes) -> dict[str, dt.datetime]:
    starts = node.run("calendar_starts.mjs", body, package="ical.js")
    return {
        uid: dt.datetime.fromisoformat(start.replace("Z", "+00:00"))
        for uid, start in starts.items()
    }


def _starts_by_vobject(body: bytes) -> dict[str, dt.datetime]:
    calendar = vobject.readOne(body.decode())
    return {event.uid.value: event.dtstart.value for event in calendar.vevent_list}


def _starts_by_icalendar(body: bytes) -> dict[str, dt.datetime]:
    """icalendar reads TZIDs it knows from the tz database; this reads the feed's own VTIMEZONE
    as the other two do."""
    calendar = Calendar.from_ical(body)
    zones = {
        str(zone["TZID"]): zone.to_tz(lookup_tzid=False) for zone in calendar.walk("VTIMEZONE")
    }
    starts = {}
    for event in calendar.walk("VEVENT"):
        wall_clock = event.decoded("DTSTART").replace(tzinfo=None)
        tzid = event["DTSTART"].params["TZID"]
        starts[str(event["UID"])] = wall_clock.replace(tzinfo=zones[tzid])
    return starts


@pytest.mark.parametrize(
    ("now", "la_days", "sydney_days"),
    [
        # The feed reaches back into 2026, so its zones start in 2025 and the 2027 changes are
        # later dates of their observances.
        (
            dt.datetime(2027, 1, 25, 12, tzinfo=dt.UTC),
            [(2026, 12, 30), (2027, 3, 21)],
            [(2026, 12, 30)],
        ),
        (
            dt.datetime(2027, 2, 20, 12, tzinfo=dt.UTC),
            [(2027, 3, 7), (2027, 3, 21)],
            [(2027, 3, 28), (2027, 4, 11)],
        ),
    ],
)
def test_three_parsers_read_meetings_after_the_next_change_of_clocks_at_their_true_instant(
    client, harbor, manager_harbor, now, la_days, sydney_days
):
    """Los Angeles puts its clocks forward on 14 March 2027 and Sydney puts them back on 4 April
    2027: a meeting at 19:00 on either side of each is at 19:00 local for icalendar, vobject and
    ical.js alike, and at the instant the data holds."""
    sydney = HouseFactory(slug="bondi", name="Bondi House", time_zone="Australia/Sydney")
    Membership.objects.create(house=sydney, user=manager_harbor)
    with time_machine.travel(now, tick=False):
        meetings = [
            _meeting(house, starts_at=dt.datetime(*day, 19, tzinfo=zone))
            for house, zone, days in ((harbor, LA, la_days), (sydney, SYDNEY, sydney_days))
            for day in days
        ]
        body = _fetch(client, manager_harbor).content

    truth = {f"meeting-{meeting.pk}@soberhouse": meeting.starts_at for meeting in meetings}
    assert dt.datetime(2027, 3, 22, 2, tzinfo=dt.UTC) in truth.values()  # 19:00 PDT
    for parse in (_starts_by_icalendar, _starts_by_vobject, _starts_by_ical_js):
        assert parse(body) == truth, parse.__name__


def test_each_change_of_clocks_is_on_its_own_line_at_the_time_it_happens(client, harbor):
    body = vtimezone("America/Los_Angeles", dt.date(2026, 1, 1), dt.date(2029, 1, 1)).to_ical()
    lines = body.decode().split("\r\n")
    rdates = [line for line in lines if line.startswith("RDATE")]
    assert rdates and all("," not in line for line in rdates)
    # Clocks go forward from 02:00 standard time and back from 02:00 daylight time.
    assert "RDATE:20270314T020000" in lines
    assert "RDATE:20271107T020000" in lines


@pytest.mark.parametrize(
    "tzid",
    [
        "America/Los_Angeles",
        "Australia/Sydney",
        "Australia/Lord_Howe",  # half an hour of daylight time
        "Pacific/Chatham",  # +12:45
        "Europe/London",
        "America/Santiago",
        "Asia/Tokyo",  # no changes at all
    ],
)
def test_the_zone_it_writes_agrees_with_the_tz_database_every_hour(tzid):
    zone = zoneinfo.ZoneInfo(tzid)
    written = Calendar.from_ical(
        vtimezone(tzid, dt.date(2026, 1, 1), dt.date(2029, 1, 1)).to_ical()
    ).to_tz(lookup_tzid=False)
    moment = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
    while moment < dt.datetime(2028, 12, 31, tzinfo=dt.UTC):
        wall_clock = moment.astimezone(zone).replace(tzinfo=None)
        local = moment.astimezone(zone)
        if local.fold == 0 and local.replace(fold=1).utcoffset() == local.utcoffset():
            # Outside the repeated hour a wall-clock time names one instant.
            assert wall_clock.replace(tzinfo=written).utcoffset() == local.utcoffset(), moment
        moment += dt.timedelta(minutes=30)


# Asking again: ETag, Last-Modified and 304


def test_asking_again_with_the_etag_or_the_date_is_not_modified(client, harbor, resident_harbor):
    meeting = _meeting(harbor)
    first = _fetch(client, resident_harbor.user)
    feed = CalendarFeed.objects.get(user=resident_harbor.user)
    url = f"/calendar/{feed.token}.ics"
    assert first["ETag"].startswith('"') and first["Last-Modified"]
    assert first["Last-Modified"] == http_date(feed.changed_at.timestamp())

    for headers in (
        {"If-None-Match": first["ETag"]},
        {"If-Modified-Since": first["Last-Modified"]},
    ):
        again = client.get(url, headers=headers)
        assert again.status_code == 304, headers
        assert again.content == b""
        assert again["ETag"] == first["ETag"]
    # Nothing changed: the same text, to the byte (DTSTAMP is when the feed last changed).
    assert client.get(url).content == first.content

    meeting_edit(meeting=meeting, changes={"place": "Back garden"})
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Back garden" in changed.content.decode()
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 200
    assert client.get(url, headers={"If-None-Match": changed["ETag"]}).status_code == 304


def test_a_change_to_a_chore_changes_the_etag(client, harbor, resident_harbor):
    assignment = _chore(resident_harbor, harbor)
    first = _fetch(client, resident_harbor.user)
    chore_mark_done(assignment=assignment, by=resident_harbor)
    again = client.get(first.request["PATH_INFO"], headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "Chore: Kitchen (done)" in again.content.decode()


def test_the_last_modified_date_always_moves_forward(client, harbor, resident_harbor):
    """Two changes within one second still give two dates, so "modified since" never misses
    the second."""
    start = dt.datetime(2026, 12, 1, 12, 0, 0, 200_000, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        meeting = _meeting(harbor)
        first = _fetch(client, resident_harbor.user)
        meeting_edit(meeting=meeting, changes={"place": "Back garden"})
        traveller.move_to(start + dt.timedelta(milliseconds=500))
        second = _fetch(client, resident_harbor.user)
        since_first = {"If-Modified-Since": first["Last-Modified"]}
        assert client.get(second.request["PATH_INFO"], headers=since_first).status_code == 200
    assert parsedate_to_datetime(second["Last-Modified"]) > parsedate_to_datetime(
        first["Last-Modified"]
    )


# A chore's SEQUENCE comes from what happened to it


def _sequence(client, user, assignment) -> int:
    return _event(_calendar(client, user), f"chore-{assignment.pk}@soberhouse")["SEQUENCE"]


def test_a_chore_takes_a_higher_sequence_at_each_change(client, harbor, manager_harbor):
    asker, taker = make_resident(harbor), make_resident(harbor)
    assignment = _chore(asker, harbor)
    seen = [_sequence(client, asker.user, assignment)]

    swap_answer(swap=swap_ask(assignment=assignment, by=asker, of=taker), by=taker, accept=True)
    seen.append(_sequence(client, taker.user, assignment))
    assignment.refresh_from_db()
    chore_mark_done(assignment=assignment, by=taker)
    seen.append(_sequence(client, taker.user, assignment))
    assignment.refresh_from_db()
    chore_check(assignment=assignment, by=manager_harbor, approved=False, note="The floor too")
    seen.append(_sequence(client, taker.user, assignment))
    assignment.refresh_from_db()
    chore_mark_done(assignment=assignment, by=taker)
    seen.append(_sequence(client, taker.user, assignment))
    assignment.refresh_from_db()
    chore_check(assignment=assignment, by=manager_harbor, approved=True)
    seen.append(_sequence(client, taker.user, assignment))

    assert seen == sorted(set(seen)), seen  # strictly rising
