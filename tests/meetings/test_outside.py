"""The outside meeting log: logging and its rules, weeks in the house's own zone, verifying (the
house's managers, staff and its secretary, never one's own), taking an entry back, the pages,
their query counts, and 404 for everyone else.

Harbor House is in America/Los_Angeles; Wednesday 9 December 2026 at noon there is the usual
"now" (the week runs Monday 7 to Sunday 13 December).
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings import outside
from meetings.models import HouseMeetingSettings, Motion, Officer, OutsideMeeting
from residents.models import Stay
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
MONDAY = D(2026, 12, 7)
WEDNESDAY = D(2026, 12, 9)
SUNDAY = D(2026, 12, 13)
WEDNESDAY_NOON = dt.datetime(2026, 12, 9, 20, 0, tzinfo=dt.UTC)  # 12:00 in Los Angeles


@pytest.fixture
def wednesday():
    """Listed first among a test's fixtures, so that the houses and people are made on the day."""
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        yield


def _stay(resident) -> Stay:
    return Stay.objects.current().select_related("house", "resident__user").get(resident=resident)


def _log(resident, day=None, name="Tuesday Night Big Book", fellowship="aa", **fields):
    stay = _stay(resident)
    return outside.outside_meeting_log(
        stay=stay, day=day or stay.house.today(), name=name, fellowship=fellowship, **fields
    )


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def _secretary(house, resident, today=WEDNESDAY) -> Officer:
    return Officer.objects.create(
        house=house,
        office=Motion.Office.SECRETARY,
        resident=resident,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=150),
    )


# Logging


def test_a_resident_logs_a_meeting_in_their_house(wednesday, harbor, resident_harbor):
    meeting = _log(
        resident_harbor,
        name="  Tuesday   Night Big Book ",
        fellowship="na",
        format="online",
        note=" Shared for the first time ",
    )
    meeting.refresh_from_db()
    assert (meeting.resident, meeting.house, meeting.day) == (resident_harbor, harbor, WEDNESDAY)
    assert (meeting.name, meeting.fellowship, meeting.format) == (
        "Tuesday Night Big Book",
        "na",
        "online",
    )
    assert meeting.note == "Shared for the first time"
    assert meeting.verified_at is None
    event = AuditEvent.objects.get(action="outside_meeting.logged")
    assert (event.actor, event.object_id) == (resident_harbor.user, str(meeting.pk))
    assert event.changes["day"] == "2026-12-09"


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (WEDNESDAY + dt.timedelta(days=1), "That day has not come yet."),
        (WEDNESDAY - dt.timedelta(days=15), "Meetings can be logged up to 14 days back."),
    ],
)
def test_the_day_is_not_ahead_nor_long_ago(wednesday, resident_harbor, day, message):
    with pytest.raises(ValidationError) as excinfo:
        _log(resident_harbor, day=day)
    assert _errors(excinfo) == {"day": [message + _rest(message)]}
    assert not OutsideMeeting.objects.exists()


def _rest(message: str) -> str:
    return {
        "That day has not come yet.": " Choose today or an earlier day.",
        "Meetings can be logged up to 14 days back.": " Choose a later day.",
    }[message]


def test_fourteen_days_back_is_still_fine(wednesday, resident_harbor):
    assert _log(resident_harbor, day=WEDNESDAY - dt.timedelta(days=14)).pk


def test_the_day_is_not_before_the_stay_began(wednesday, harbor):
    newcomer = make_resident(harbor, move_in=MONDAY)
    with pytest.raises(ValidationError) as excinfo:
        _log(newcomer, day=D(2026, 12, 6))
    assert _errors(excinfo) == {
        "day": ["That is before you moved in on Monday 7 December. Choose a day since then."]
    }
    assert _log(newcomer, day=MONDAY).pk


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "   "}, "name", outside.NAME_REQUIRED),
        ({"name": "x" * 101}, "name", "Keep the name to 100 characters (it has 101)."),
        ({"note": "y" * 281}, "note", "Keep the note to 280 characters (it has 281)."),
        ({"fellowship": "church"}, "fellowship", "Choose the fellowship."),
        ({"format": "phone"}, "format", "Choose in person or online."),
        ({"day": None}, "day", "Choose the day you went."),
    ],
)
def test_each_field_says_what_is_wrong(wednesday, resident_harbor, fields, field, message):
    stay = _stay(resident_harbor)
    values = {
        "day": WEDNESDAY,
        "name": "Big Book",
        "fellowship": "aa",
        "format": "in_person",
        "note": "",
        **fields,
    }
    with pytest.raises(ValidationError) as excinfo:
        outside.outside_meeting_log(stay=stay, **values)
    assert _errors(excinfo) == {field: [message]}


def test_the_longest_name_and_note_fit(wednesday, resident_harbor):
    meeting = _log(resident_harbor, name="x" * 100, note="y" * 280)
    assert (len(meeting.name), len(meeting.note)) == (100, 280)


def test_the_same_meeting_on_the_same_day_is_logged_once(wednesday, resident_harbor):
    _log(resident_harbor, name="Big Book")
    with pytest.raises(ValidationError) as excinfo:
        _log(resident_harbor, name="big book")
    assert _errors(excinfo) == {
        "name": ["“big book” on Wednesday 9 December is in your log already."]
    }
    _log(resident_harbor, name="Big Book", day=WEDNESDAY - dt.timedelta(days=1))
    _log(resident_harbor, name="Big Book", fellowship="na")
    assert OutsideMeeting.objects.count() == 3
    assert AuditEvent.objects.filter(action="outside_meeting.logged").count() == 3


def test_nobody_logs_after_moving_out(wednesday, harbor, resident_harbor):
    stay = _stay(resident_harbor)
    Stay.objects.filter(pk=stay.pk).update(move_out=WEDNESDAY, exit_reason="moved_on")
    stay.refresh_from_db()
    with pytest.raises(ValidationError, match="while you live in the house"):
        outside.outside_meeting_log(
            stay=stay, day=MONDAY, name="Big Book", fellowship="aa", format="in_person"
        )


# Weeks in the house's own zone


def test_the_week_turns_at_midnight_on_sunday_in_the_houses_zone(harbor, resident_harbor):
    # Sunday 13 December, 23:30 in Los Angeles, is Monday 07:30 in UTC.
    sunday_late = dt.datetime(2026, 12, 14, 7, 30, tzinfo=dt.UTC)
    monday_early = dt.datetime(2026, 12, 14, 8, 30, tzinfo=dt.UTC)  # Monday 00:30 there
    with time_machine.travel(sunday_late, tick=False):
        meeting = _log(resident_harbor)
        assert meeting.day == SUNDAY
        stay = _stay(resident_harbor)
        assert outside.my_week_count(stay).progress == "1 of 3 this week"
        assert outside.my_meetings(stay).count == 1
        assert outside.house_week(harbor).rows[0].count == 1
        assert outside.short_this_week(harbor)[0].to_go == 2
    with time_machine.travel(monday_early, tick=False):
        stay = _stay(resident_harbor)
        assert outside.my_week_count(stay).progress == "0 of 3 this week"
        mine = outside.my_meetings(stay)
        assert (mine.monday, mine.count) == (D(2026, 12, 14), 0)
        assert mine.earlier_weeks[0] == (MONDAY, [meeting])
        week = outside.house_week(harbor)
        assert (week.monday, week.rows[0].count) == (D(2026, 12, 14), 0)
        # Last week's entries stay in the log.
        with pytest.raises(ValidationError, match="Entries of earlier weeks stay in the log."):
            outside.outside_meeting_delete(meeting=meeting, by=resident_harbor)


def test_a_part_week_asks_a_fair_share(wednesday, harbor):
    thursday_newcomer = make_resident(harbor, move_in=D(2026, 12, 10))  # 4 days of 7
    old_timer = make_resident(harbor, move_in=D(2026, 1, 5))
    stay = Stay.objects.get(resident=thursday_newcomer)
    assert outside.expected_in_week(3, stay, MONDAY) == 2  # 3 × 4/7, rounded up
    assert outside.expected_in_week(3, stay, MONDAY + dt.timedelta(weeks=1)) == 3
    assert outside.expected_in_week(3, stay, MONDAY - dt.timedelta(weeks=1)) == 0
    assert outside.expected_in_week(3, Stay.objects.get(resident=old_timer), MONDAY) == 3


# The selectors


def test_my_meetings_fill_the_form_and_offer_recent_ones_again(wednesday, resident_harbor):
    _log(resident_harbor, name="Big Book", day=MONDAY - dt.timedelta(days=5))
    _log(resident_harbor, name="big book", day=MONDAY - dt.timedelta(days=3))
    _log(resident_harbor, name="Refuge Sit", fellowship="refuge", day=MONDAY, format="online")
    _log(resident_harbor, name="Sunrise Group", day=WEDNESDAY)
    HouseMeetingSettings.objects.create(
        house=_stay(resident_harbor).house, outside_meetings_expected=4
    )

    mine = outside.my_meetings(_stay(resident_harbor))

    assert mine.progress == "2 of 4 this week"
    assert mine.last.name == "Sunrise Group"
    # One per meeting, newest first; not the one logged today already.
    assert [(m.name, m.fellowship) for m in mine.recent] == [
        ("Refuge Sit", "refuge"),
        ("big book", "aa"),
    ]
    assert [m.name for m in mine.this_week] == ["Sunrise Group", "Refuge Sit"]
    assert all(m.may_delete for m in mine.this_week)
    assert [monday for monday, _ in mine.earlier_weeks] == [
        MONDAY - dt.timedelta(weeks=1),
        MONDAY - dt.timedelta(weeks=2),
        MONDAY - dt.timedelta(weeks=3),
    ]
    assert [m.name for m in mine.earlier_weeks[0][1]] == ["big book", "Big Book"]


def test_the_house_week_counts_and_finds_who_is_short(wednesday, harbor, cedar):
    ana = make_resident(harbor, full_name="Ana Reyes")
    bo = make_resident(harbor, full_name="Bo Lind")
    gone = make_resident(harbor, full_name="Cy Gone")
    Stay.objects.filter(resident=gone).update(move_out=MONDAY, exit_reason="moved_on")
    elsewhere = make_resident(cedar, full_name="Di Cedar")
    for day in (MONDAY, MONDAY + dt.timedelta(days=1), WEDNESDAY):
        _log(ana, day=day)
    _log(bo, day=MONDAY)
    _log(elsewhere, day=MONDAY)
    manager = make_resident(cedar).user
    OutsideMeeting.objects.filter(resident=ana, day=MONDAY).update(
        verified_by=manager, verified_at=WEDNESDAY_NOON
    )

    week = outside.house_week(harbor)

    assert [(row.resident, row.count, row.expected, row.verified) for row in week.rows] == [
        (ana, 3, 3, 1),
        (bo, 1, 3, 0),
    ]
    assert [row.resident for row in week.short] == [bo]
    assert [(row.resident, row.to_go) for row in outside.short_this_week(harbor)] == [(bo, 2)]
    # A week gone by lists everyone who lived there in it.
    earlier = outside.house_week(harbor, monday=MONDAY - dt.timedelta(weeks=1))
    assert [row.resident for row in earlier.rows] == [ana, bo, gone]


def test_the_today_count_needs_no_settings_row(wednesday, harbor, resident_harbor):
    _log(resident_harbor)
    assert not HouseMeetingSettings.objects.exists()
    assert outside.my_week_count(_stay(resident_harbor)) == outside.WeekCount(1, 3)
    HouseMeetingSettings.objects.create(house=harbor, outside_meetings_expected=5)
    assert outside.my_week_count(_stay(resident_harbor)).progress == "1 of 5 this week"


# Verifying


def test_a_manager_verifies_and_takes_it_back(wednesday, harbor, resident_harbor, manager_harbor):
    meeting = _log(resident_harbor)

    assert outside.outside_meeting_verify(meeting=meeting, by=manager_harbor) is True
    assert (meeting.verified_by, meeting.verified_at) == (manager_harbor, WEDNESDAY_NOON)
    assert outside.outside_meeting_verify(meeting=meeting, by=manager_harbor) is False

    assert outside.outside_meeting_verify(meeting=meeting, by=manager_harbor, verified=False)
    meeting.refresh_from_db()
    assert (meeting.verified_by, meeting.verified_at) == (None, None)
    actions = list(
        AuditEvent.objects.exclude(action="outside_meeting.logged")
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions == [
        ("outside_meeting.verified", manager_harbor.pk),
        ("outside_meeting.unverified", manager_harbor.pk),
    ]


def test_staff_and_the_secretary_verify(wednesday, harbor, resident_harbor, staff):
    secretary = make_resident(harbor)
    _secretary(harbor, secretary)
    first, second = _log(resident_harbor), _log(resident_harbor, name="Other")
    assert outside.outside_meeting_verify(meeting=first, by=staff)
    assert outside.outside_meeting_verify(meeting=second, by=secretary.user)
    assert second.verified_by == secretary.user


@pytest.mark.parametrize("who", ["manager_cedar", "housemate", "old_secretary", "cedar_secretary"])
def test_nobody_else_verifies(wednesday, request, harbor, cedar, resident_harbor, who):
    housemate = make_resident(harbor)
    old = make_resident(harbor)
    Officer.objects.create(
        house=harbor,
        office=Motion.Office.SECRETARY,
        resident=old,
        starts_on=D(2026, 1, 1),
        ends_on=D(2026, 6, 1),
    )
    cedar_secretary = make_resident(cedar)
    _secretary(cedar, cedar_secretary)
    user = {
        "manager_cedar": lambda: request.getfixturevalue("manager_cedar"),
        "housemate": lambda: housemate.user,
        "old_secretary": lambda: old.user,
        "cedar_secretary": lambda: cedar_secretary.user,
    }[who]()
    meeting = _log(resident_harbor)
    with pytest.raises(ValidationError, match="managers and its secretary"):
        outside.outside_meeting_verify(meeting=meeting, by=user)
    meeting.refresh_from_db()
    assert meeting.verified_at is None
    assert not AuditEvent.objects.filter(action="outside_meeting.verified").exists()


def test_the_secretary_never_verifies_their_own(wednesday, harbor, resident_harbor):
    _secretary(harbor, resident_harbor)
    meeting = _log(resident_harbor)
    with pytest.raises(ValidationError, match="Someone else verifies your own meetings."):
        outside.outside_meeting_verify(meeting=meeting, by=resident_harbor.user)
    meeting.refresh_from_db()
    assert meeting.verified_at is None


# Taking an entry back


def test_a_resident_takes_back_their_own_entry_this_week(wednesday, resident_harbor):
    meeting = _log(resident_harbor, day=MONDAY)
    pk = meeting.pk
    outside.outside_meeting_delete(meeting=meeting, by=resident_harbor)
    assert not OutsideMeeting.objects.exists()
    event = AuditEvent.objects.get(action="outside_meeting.deleted")
    assert (event.actor, event.object_id, event.changes["day"]) == (
        resident_harbor.user,
        str(pk),
        "2026-12-07",
    )


def test_nobody_takes_back_someone_elses(wednesday, harbor, resident_harbor):
    meeting = _log(resident_harbor)
    with pytest.raises(ValidationError, match="your own entries only"):
        outside.outside_meeting_delete(meeting=meeting, by=make_resident(harbor))
    assert OutsideMeeting.objects.count() == 1


def test_a_verified_entry_stays(wednesday, resident_harbor, manager_harbor):
    meeting = _log(resident_harbor)
    outside.outside_meeting_verify(meeting=meeting, by=manager_harbor)
    with pytest.raises(ValidationError, match="has been verified"):
        outside.outside_meeting_delete(meeting=meeting, by=resident_harbor)
    assert OutsideMeeting.objects.count() == 1
    assert not AuditEvent.objects.filter(action="outside_meeting.deleted").exists()


def test_last_weeks_entry_stays(wednesday, resident_harbor):
    meeting = _log(resident_harbor, day=MONDAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="earlier weeks"):
        outside.outside_meeting_delete(meeting=meeting, by=resident_harbor)


# The resident's page


def test_the_page_shows_the_week_and_fills_the_form_from_the_last_one(
    wednesday, client, resident_harbor
):
    _log(
        resident_harbor,
        name="Tuesday Night Big Book",
        fellowship="ca",
        day=MONDAY - dt.timedelta(3),
    )
    client.force_login(resident_harbor.user)
    response = client.get("/meetings/outside/")
    page = response.content.decode()
    assert "0 of 3 this week" in page
    form = response.context["form"]
    assert (form["name"].value(), form["fellowship"].value(), form["day"].value()) == (
        "Tuesday Night Big Book",
        "ca",
        WEDNESDAY,
    )
    assert 'value="2026-12-09"' in page and 'max="2026-12-09"' in page
    assert "Log again today" in page


def test_a_plain_form_logs_and_says_how_far_along(wednesday, client, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.post(
        "/meetings/outside/",
        {"fellowship": "smart", "format": "online", "day": "2026-12-09", "name": "SMART online"},
        follow=True,
    )
    assert response.redirect_chain == [("/meetings/outside/", 302)]
    page = response.content.decode()
    assert "“SMART online” is logged: 1 of 3 this week." in page
    assert OutsideMeeting.objects.get().fellowship == "smart"


def test_bad_input_is_explained_next_to_the_field_and_kept(wednesday, client, resident_harbor):
    client.force_login(resident_harbor.user)
    note = "Bring a friend next time " * 12
    response = client.post(
        "/meetings/outside/",
        {"fellowship": "aa", "format": "in_person", "day": "2026-12-10", "name": "", "note": note},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"name": [outside.NAME_REQUIRED]}
    response = client.post(
        "/meetings/outside/",
        {
            "fellowship": "aa",
            "format": "in_person",
            "day": "2026-12-10",
            "name": "Big",
            "note": note,
        },
    )
    form = response.context["form"]
    assert form.errors == {
        "day": ["That day has not come yet. Choose today or an earlier day."],
        "note": [f"Keep the note to 280 characters (it has {len(note.strip())})."],
    }
    page = response.content.decode()
    assert "That day has not come yet." in page
    assert note.strip() in page  # nothing typed is lost
    assert not OutsideMeeting.objects.exists()


def test_a_resident_takes_back_an_entry_from_the_page(wednesday, client, harbor, resident_harbor):
    mine = _log(resident_harbor)
    theirs = _log(make_resident(harbor))
    client.force_login(resident_harbor.user)
    assert client.post(f"/meetings/outside/{theirs.pk}/delete/").status_code == 404
    response = client.post(f"/meetings/outside/{mine.pk}/delete/", follow=True)
    assert "is out of your log" in response.content.decode()
    assert list(OutsideMeeting.objects.all()) == [theirs]


def test_today_shows_the_count(wednesday, client, resident_harbor):
    _log(resident_harbor)
    client.force_login(resident_harbor.user)
    page = client.get("/today/").content.decode()
    assert "Outside meetings: 1 of 3 this week" in page
    assert "2 to go by Sunday." in page
    assert 'href="/meetings/outside/"' in page


def _crowded(house, residents: int):
    """``residents`` people each with meetings this week and last, some verified."""
    people = [make_resident(house) for _ in range(residents)]
    verifier = make_resident(house).user
    for index, person in enumerate(people):
        for offset in range(index % 4):
            _log(person, day=MONDAY + dt.timedelta(days=offset), name=f"Group {offset}")
        _log(person, day=MONDAY - dt.timedelta(days=2), name="Weekend")
    OutsideMeeting.objects.filter(name="Group 0").update(
        verified_by=verifier, verified_at=WEDNESDAY_NOON
    )
    return people


@pytest.mark.parametrize("residents", [5, 50])
def test_my_page_runs_the_same_queries_whatever_the_house_size(
    wednesday, client, django_assert_num_queries, harbor, residents
):
    me = _crowded(harbor, residents)[3]
    HouseMeetingSettings.objects.create(house=harbor)
    client.force_login(me.user)
    # session, user, managed houses (none), current stay, the house's settings, my entries
    # of the weeks shown with who verified them, my recent distinct meetings, whether I am the
    # secretary, the unread count (navigation)
    with django_assert_num_queries(9):
        response = client.get("/meetings/outside/")
    assert response.context["mine"].progress == "3 of 3 this week"


@pytest.mark.parametrize("residents", [5, 50])
def test_the_house_week_runs_the_same_queries_whatever_the_house_size(
    wednesday, client, django_assert_num_queries, harbor, manager_harbor, residents
):
    _crowded(harbor, residents)
    HouseMeetingSettings.objects.create(house=harbor)
    client.force_login(manager_harbor)
    # session, user, two-factor record, the house (if visible), the houses the user manages
    # (access and navigation), their stay (none), the house's settings, the stays of the week
    # with their people, the week's entries with who verified them, the unread count
    # (navigation)
    with django_assert_num_queries(10):
        response = client.get("/houses/harbor/outside-meetings/")
    week = response.context["week"]
    assert len(week.rows) == residents + 1  # and the housemate who verified


# The house's week


def test_the_house_week_shows_who_has_meetings_to_go(wednesday, client, harbor, manager_harbor):
    ana = make_resident(harbor, full_name="Ana Reyes")
    bo = make_resident(harbor, full_name="Bo Lind")
    for day in (MONDAY, MONDAY + dt.timedelta(days=1), WEDNESDAY):
        _log(ana, day=day, name=f"Meeting {day:%a}")
    _log(bo, day=MONDAY, name="Big Book")
    client.force_login(manager_harbor)
    response = client.get("/houses/harbor/outside-meetings/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 of 2 people have meetings still to go by Sunday." in page
    assert f'<li class="card outside-person outside-short" id="resident-{bo.pk}">' in page
    assert f'<li class="card outside-person" id="resident-{ana.pk}">' in page
    assert "2 to go by Sunday" in page
    assert page.count(">Verify <span") == 4


@pytest.mark.parametrize(
    ("asked", "monday"),
    [
        ("", MONDAY),
        ("?week=soon", MONDAY),
        ("?week=2027-01-05", MONDAY),  # not ahead of this week
        ("?week=1999-01-01", MONDAY),
        ("?week=2026-12-03", D(2026, 11, 30)),
    ],
)
def test_weeks_are_chosen_by_any_day_in_them(wednesday, client, manager_harbor, asked, monday):
    client.force_login(manager_harbor)
    response = client.get(f"/houses/harbor/outside-meetings/{asked}")
    assert response.context["week"].monday == monday


def test_a_week_gone_by_speaks_of_that_week(wednesday, client, harbor, manager_harbor):
    _log(make_resident(harbor), day=MONDAY - dt.timedelta(days=1))
    client.force_login(manager_harbor)
    page = client.get("/houses/harbor/outside-meetings/?week=2026-11-30").content.decode()
    assert "went to fewer meetings than expected that week" in page
    assert "2 fewer than expected" in page
    assert "?week=2026-12-07" in page and "?week=2026-11-23" in page


def test_the_secretary_sees_the_house_week_and_verifies(wednesday, client, harbor, resident_harbor):
    secretary = make_resident(harbor, full_name="Sam Secretary")
    _secretary(harbor, secretary)
    theirs, own = _log(resident_harbor), _log(secretary)
    client.force_login(secretary.user)
    page = client.get("/houses/harbor/outside-meetings/").content.decode()
    assert f'action="/meetings/outside/{theirs.pk}/verify/"' in page
    assert f'action="/meetings/outside/{own.pk}/verify/"' not in page
    assert client.get("/meetings/outside/").context["is_secretary"] is True

    response = client.post(f"/meetings/outside/{theirs.pk}/verify/", {"verified": "1"})
    assert response["Location"] == (
        f"/houses/harbor/outside-meetings/?week=2026-12-07#resident-{resident_harbor.pk}"
    )
    theirs.refresh_from_db()
    assert theirs.verified_by == secretary.user

    response = client.post(f"/meetings/outside/{own.pk}/verify/", follow=True)
    assert "Someone else verifies your own meetings." in response.content.decode()
    own.refresh_from_db()
    assert own.verified_at is None


def test_the_verify_button_toggles(wednesday, client, resident_harbor, manager_harbor):
    meeting = _log(resident_harbor)
    client.force_login(manager_harbor)
    client.post(f"/meetings/outside/{meeting.pk}/verify/")
    meeting.refresh_from_db()
    assert meeting.verified_by == manager_harbor
    response = client.post(f"/meetings/outside/{meeting.pk}/verify/", follow=True)
    assert "is no longer marked verified" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.verified_at is None
    # A second tap on the same button changes nothing.
    client.post(f"/meetings/outside/{meeting.pk}/verify/", {"verified": "0"})
    assert AuditEvent.objects.filter(action__startswith="outside_meeting.").count() == 3


def test_everybody_else_gets_404(wednesday, client, harbor, cedar, resident_harbor, manager_cedar):
    meeting = _log(resident_harbor)
    housemate = make_resident(harbor)
    cedar_secretary = make_resident(cedar)
    _secretary(cedar, cedar_secretary)
    former = make_resident(harbor)
    _secretary(harbor, former)
    Stay.objects.filter(resident=former).update(move_out=WEDNESDAY, exit_reason="moved_on")
    for user in (
        manager_cedar,
        housemate.user,
        resident_harbor.user,
        cedar_secretary.user,
        former.user,
    ):
        client.force_login(user)
        assert client.get("/houses/harbor/outside-meetings/").status_code == 404, user
        assert client.post(f"/meetings/outside/{meeting.pk}/verify/").status_code == 404, user
    client.force_login(housemate.user)
    assert client.post(f"/meetings/outside/{meeting.pk}/delete/").status_code == 404
    meeting.refresh_from_db()
    assert meeting.verified_at is None


# The demo


@pytest.mark.parametrize("seed", ["harbor", "cedar"])
@pytest.mark.parametrize("today", [MONDAY, WEDNESDAY, SUNDAY])
def test_the_demo_makes_a_lived_in_log(harbor, manager_harbor, today, seed):
    import random

    from meetings.demo_outside import demo_outside_meetings

    with time_machine.travel(dt.datetime.combine(today, dt.time(20), tzinfo=dt.UTC), tick=False):
        people = [make_resident(harbor) for _ in range(6)]
        newcomer = make_resident(harbor, move_in=MONDAY)

        made = demo_outside_meetings(harbor, today, random.Random(seed))

        assert len(made) == OutsideMeeting.objects.count() > 30
        assert {m.resident for m in made} == {*people, newcomer}
        assert all(MONDAY - dt.timedelta(weeks=2) <= m.day <= today for m in made)
        assert all(m.day >= MONDAY for m in made if m.resident == newcomer)
        pairs = [(m.resident_id, m.day, m.name.casefold(), m.fellowship) for m in made]
        assert len(pairs) == len(set(pairs))  # the same meeting once a day
        assert len(outside.short_this_week(harbor)) == 1
        past = [m for m in made if m.day < MONDAY]
        assert 0.4 < sum(m.verified_at is not None for m in past) / len(past) < 0.9
        assert {m.verified_by for m in made if m.verified_by} == {manager_harbor}
        last_week = outside.house_week(harbor, monday=MONDAY - dt.timedelta(weeks=1))
        assert not last_week.short
        assert demo_outside_meetings(harbor, today, random.Random(seed)) == []


def test_the_database_refuses_the_same_meeting_twice_in_a_day(harbor, resident_harbor):
    fields = {
        "resident": resident_harbor,
        "house": harbor,
        "day": harbor.today(),
        "fellowship": "na",
    }
    OutsideMeeting.objects.create(name="Tuesday Night NA", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutsideMeeting.objects.create(name="tuesday night na", **fields)
    OutsideMeeting.objects.create(name="Tuesday Night NA", **{**fields, "fellowship": "aa"})
