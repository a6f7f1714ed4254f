"""The house at a glance: the roster, beds taken and open, arrivals and departures, milestones this
week and next; and the number of queries each page runs, whatever the number of residents."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from residents.models import HouseRules, Resident, RulesSignature, Stay
from residents.rules import rules_publish
from residents.selectors import milestones_to_celebrate, roster
from tests.factories import HouseFactory, make_resident

D = dt.date
# Wednesday 25 November 2026, noon in Los Angeles (UTC-8), 13:00 in Denver (UTC-7).
WEDNESDAY_NOON = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.UTC)
TODAY = D(2026, 11, 25)
SEPTEMBER_1 = D(2026, 9, 1)


@pytest.fixture
def wednesday():
    """Listed first among a test's fixtures, so that the houses and people are made on the day."""
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        yield


def _resident(house, name, *, sober=None, move_in=SEPTEMBER_1, move_out=None, **stay) -> Resident:
    resident = make_resident(
        house,
        move_in=move_in,
        full_name=name,
        email=f"{name.split()[0].lower()}.{house.slug}@example.test",
    )
    Resident.objects.filter(pk=resident.pk).update(sobriety_date=sober)
    resident.refresh_from_db()
    if move_out or stay:
        Stay.objects.filter(resident=resident).update(
            move_out=move_out, exit_reason="completed" if move_out else "", **stay
        )
    return resident


def _fill(house, count: int, *, signed: HouseRules | None = None) -> None:
    """``count`` people living in ``house``, each with a sobriety date, half of them signed."""
    for index in range(count):
        resident = make_resident(house, move_in=TODAY - dt.timedelta(days=index + 1))
        if signed is not None and index % 2:
            RulesSignature.objects.create(
                rules=signed, resident=resident, stay=resident.stays.first(), typed_name="x"
            )


# The roster


def test_the_roster_shows_each_residents_row(wednesday, harbor, manager_harbor):
    rules = rules_publish(house=harbor, text="Be kind.", by=manager_harbor)
    ana = _resident(harbor, "Ana Signed", sober=D(2026, 11, 1), move_in=D(2026, 11, 5))
    bo = _resident(harbor, "Bo Unsigned", sober=D(2025, 11, 26), move_in=D(2026, 6, 1))
    _resident(harbor, "Cy Unrecorded", sober=None, move_in=TODAY)
    RulesSignature.objects.create(
        rules=rules, resident=ana, stay=ana.stays.first(), typed_name="Ana Signed"
    )

    rows = {row.name: row for row in roster(harbor)}

    assert list(rows) == ["Ana Signed", "Bo Unsigned", "Cy Unrecorded"]
    assert (rows["Ana Signed"].days_sober, rows["Ana Signed"].days_in_house) == (24, 20)
    assert (rows["Ana Signed"].next_milestone.label, rows["Ana Signed"].next_milestone.date) == (
        "30 days",
        D(2026, 12, 1),
    )
    assert rows["Ana Signed"].signed_current_rules is True
    assert (rows["Bo Unsigned"].days_sober, rows["Bo Unsigned"].days_in_house) == (364, 177)
    assert rows["Bo Unsigned"].next_milestone.label == "1 year"
    assert rows["Bo Unsigned"].next_milestone.date == D(2026, 11, 26)
    assert rows["Bo Unsigned"].signed_current_rules is False
    assert rows["Cy Unrecorded"].days_sober is None
    assert rows["Cy Unrecorded"].next_milestone is None
    assert rows["Cy Unrecorded"].days_in_house == 0
    assert bo.pk == rows["Bo Unsigned"].resident.pk


def test_the_roster_says_nothing_of_rules_a_house_has_not_written(wednesday, harbor):
    _resident(harbor, "Ana Here", sober=D(2026, 11, 1))
    assert [row.signed_current_rules for row in roster(harbor)] == [None]


def test_the_roster_leaves_out_who_has_not_arrived_or_has_left(wednesday, harbor, cedar):
    _resident(harbor, "Ana Here", move_in=D(2026, 9, 1))
    _resident(harbor, "Bo Tomorrow", move_in=TODAY + dt.timedelta(days=1))
    _resident(harbor, "Cy Left Today", move_in=D(2026, 9, 1), move_out=TODAY)
    _resident(cedar, "Di Elsewhere")

    assert [row.name for row in roster(harbor)] == ["Ana Here"]


def test_the_roster_is_of_the_day_it_is_asked_about(wednesday, harbor):
    _resident(harbor, "Ana Here", move_in=D(2026, 9, 1), move_out=TODAY)
    _resident(harbor, "Bo Tomorrow", move_in=TODAY + dt.timedelta(days=1))

    assert [row.name for row in roster(harbor, today=TODAY - dt.timedelta(days=1))] == ["Ana Here"]
    assert [row.name for row in roster(harbor, today=TODAY + dt.timedelta(days=1))] == [
        "Bo Tomorrow"
    ]


def test_the_dashboard_shows_the_roster(wednesday, client, harbor, manager_harbor):
    rules = rules_publish(house=harbor, text="Be kind.", by=manager_harbor)
    ana = _resident(harbor, "Ana Signed", sober=D(2026, 11, 1), bed="Room 1")
    _resident(harbor, "Bo Unsigned", sober=D(2025, 11, 26))
    RulesSignature.objects.create(
        rules=rules, resident=ana, stay=ana.stays.first(), typed_name="Ana Signed"
    )
    client.force_login(manager_harbor)

    response = client.get("/houses/harbor/")

    page = response.content.decode()
    assert [row.name for row in response.context["rows"]] == ["Ana Signed", "Bo Unsigned"]
    assert "2 of 8 beds taken · 6 open" in page
    assert "30 days on 1 Dec" in page
    assert "1 year on 26 Nov" in page
    assert "<strong>Not yet</strong>" in page
    assert "Not signed yet: Bo Unsigned." in page


# The same number of queries for a few residents as for many


def test_the_dashboard_runs_the_same_queries_for_5_and_for_50_residents(
    wednesday, client, harbor, cedar, manager_harbor, django_assert_num_queries
):
    rules = rules_publish(house=harbor, text="Be kind.", by=manager_harbor)
    client.force_login(manager_harbor)
    for count in (5, 50):
        _fill(harbor, count - harbor.stays.count(), signed=rules)
        _fill(cedar, 2)
        # session, user, managed houses (the manager check), two-factor record, the house, its
        # current rules, the roster's stays with their people, the roster's signatures,
        # arrivals, departures, the chores panel's counts (one aggregate), the meetings panel
        # (next, last with attendance, open motions), the outside meetings' week (settings,
        # stays, entries), the mentoring panel (active pairs with their contact, ended pairs,
        # residents without a mentor, requests waiting), the viewer's own stay (navigation),
        # the unread count (navigation), the house's failed notifications
        with django_assert_num_queries(24):
            response = client.get("/houses/harbor/")
        assert len(response.context["rows"]) == count


def test_the_staff_overview_runs_the_same_queries_for_5_and_for_50_residents(
    wednesday, client, harbor, cedar, staff, django_assert_num_queries
):
    HouseFactory(slug="empty", name="Empty House", beds=4)
    client.force_login(staff)
    for count in (5, 50):
        _fill(harbor, count // 2 - harbor.stays.count())
        _fill(cedar, count - count // 2 - cedar.stays.count())
        # session, user, two-factor record, the viewer's own stay and the houses they manage
        # (navigation), every house with its beds taken counted in one subquery, the unread
        # count (navigation)
        with django_assert_num_queries(7):
            response = client.get("/houses/")
        assert sum(house.taken for house in response.context["houses"]) == count


# Beds taken and open


def test_the_staff_overview_counts_beds_taken_today_in_each_house(wednesday, client, staff):
    harbor = HouseFactory(slug="harbor", time_zone="America/Los_Angeles", beds=8)
    cedar = HouseFactory(slug="cedar", time_zone="America/Denver", beds=4)
    for name in ("Ana", "Bo", "Cy"):
        _resident(harbor, f"{name} Here")
    _resident(harbor, "Di Tomorrow", move_in=TODAY + dt.timedelta(days=1))
    _resident(harbor, "Ed Left Today", move_out=TODAY)
    _resident(harbor, "Fay Moved In Today", move_in=TODAY)
    _resident(cedar, "Gus Here")
    _resident(cedar, "Hal Leaves Tomorrow", move_out=TODAY + dt.timedelta(days=1))
    client.force_login(staff)

    houses = {house.slug: house for house in client.get("/houses/").context["houses"]}

    assert (houses["harbor"].taken, houses["harbor"].open_beds) == (4, 4)
    assert (houses["cedar"].taken, houses["cedar"].open_beds) == (2, 2)


def test_beds_are_counted_on_each_houses_own_date(client, staff):
    """At 05:30 UTC on 26 November it is already the 26th in UTC, still the 25th in Los Angeles
    (21:30) and in Denver (22:30): who moves in on the 26th is not here yet, who moves out on
    the 26th still is."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 5, 30, tzinfo=dt.UTC), tick=False):
        harbor = HouseFactory(slug="harbor", time_zone="America/Los_Angeles", beds=8)
        cedar = HouseFactory(slug="cedar", time_zone="America/Denver", beds=4)
        _resident(harbor, "Ana Arrives On The 26th", move_in=D(2026, 11, 26))
        _resident(harbor, "Bo Leaves On The 26th", move_out=D(2026, 11, 26))
        _resident(harbor, "Cy Leaves On The 26th", move_out=D(2026, 11, 26))
        _resident(cedar, "Di Leaves On The 26th", move_out=D(2026, 11, 26))
        client.force_login(staff)

        houses = {house.slug: house for house in client.get("/houses/").context["houses"]}
        on_the_roster = [row.name for row in roster(harbor)]

    assert on_the_roster == ["Bo Leaves On The 26th", "Cy Leaves On The 26th"]
    assert (houses["harbor"].taken, houses["harbor"].open_beds) == (2, 6)
    assert (houses["cedar"].taken, houses["cedar"].open_beds) == (1, 3)


def test_a_manager_sees_only_their_houses_in_the_overview(client, manager_harbor, harbor, cedar):
    client.force_login(manager_harbor)
    assert [house.slug for house in client.get("/houses/").context["houses"]] == ["harbor"]


# Arriving and leaving soon


def test_arrivals_and_departures_within_14_days(wednesday, client, harbor, manager_harbor):
    soon = TODAY + dt.timedelta(days=14)
    later = TODAY + dt.timedelta(days=15)
    _resident(harbor, "Ana Arrives Tomorrow", move_in=TODAY + dt.timedelta(days=1))
    _resident(harbor, "Bo Arrives In 14", move_in=soon)
    _resident(harbor, "Cy Arrives In 15", move_in=later)
    _resident(harbor, "Di Expected Out In 3", expected_move_out=TODAY + dt.timedelta(days=3))
    _resident(harbor, "Ed Expected Out In 15", expected_move_out=later)
    _resident(harbor, "Fay Leaves In 5", move_out=TODAY + dt.timedelta(days=5))
    # Planned for the 28th, then the move-out was settled for after the horizon.
    _resident(
        harbor,
        "Gus Stays Longer",
        move_out=later,
        expected_move_out=TODAY + dt.timedelta(days=3),
    )
    _resident(harbor, "Hal Left Today", move_out=TODAY)
    client.force_login(manager_harbor)

    response = client.get("/houses/harbor/")

    assert [stay.resident.name for stay in response.context["arriving"]] == [
        "Ana Arrives Tomorrow",
        "Bo Arrives In 14",
    ]
    assert [stay.resident.name for stay in response.context["leaving"]] == [
        "Di Expected Out In 3",
        "Fay Leaves In 5",
    ]
    page = response.content.decode()
    assert "Arrives Thu 26 Nov: Ana Arrives Tomorrow" in page
    assert "Leaves Sat 28 Nov (expected): Di Expected Out In 3" in page
    assert "Leaves Mon 30 Nov: Fay Leaves In 5" in page


# Milestones this week and next


def test_milestones_this_week_and_next(wednesday, client, harbor, manager_harbor):
    # This week runs Monday 23 November to Sunday 29th; next week to Sunday 6 December.
    _resident(harbor, "Ana Thirty Last Sunday", sober=D(2026, 10, 23))  # 30 days on 22 Nov
    _resident(harbor, "Bo Thirty On Monday", sober=D(2026, 10, 24))  # 30 days on 23 Nov
    _resident(harbor, "Cy One Year Today", sober=D(2025, 11, 25))
    _resident(harbor, "Di Ninety On The 6th", sober=D(2026, 9, 7))  # 90 days on 6 Dec
    _resident(harbor, "Ed Ninety On The 7th", sober=D(2026, 9, 8))  # 90 days on 7 Dec
    _resident(harbor, "Fay Private", sober=D(2026, 10, 28))  # 30 days on Friday
    Resident.objects.filter(legal_name="Fay Private").update(share_milestones=False)
    client.force_login(manager_harbor)

    response = client.get("/houses/harbor/")

    soon = [
        (item.resident.name, item.milestone.label, item.milestone.date)
        for item in response.context["milestones_soon"]
    ]
    assert soon == [
        ("Bo Thirty On Monday", "30 days", D(2026, 11, 23)),
        ("Cy One Year Today", "1 year", D(2026, 11, 25)),
        ("Fay Private", "30 days", D(2026, 11, 27)),
        ("Di Ninety On The 6th", "90 days", D(2026, 12, 6)),
    ]
    page = response.content.decode()
    assert 'Fri 27 Nov: Fay Private, 30 days <span class="help">(kept private' in page


def test_milestones_soon_leave_out_people_who_have_left(wednesday, client, harbor, manager_harbor):
    _resident(harbor, "Ana Left", sober=D(2025, 11, 25), move_out=TODAY)
    client.force_login(manager_harbor)
    assert client.get("/houses/harbor/").context["milestones_soon"] == []


def test_housemates_see_only_the_milestones_people_chose_to_share(harbor):
    start = harbor.today()
    month_ago, yesterday = start - dt.timedelta(days=29), start - dt.timedelta(days=1)
    shared = _resident(harbor, "Ana Shares", sober=month_ago, move_in=yesterday)
    private = _resident(harbor, "Bo Private", sober=month_ago, move_in=yesterday)
    private.share_milestones = False
    private.save()
    found = milestones_to_celebrate(harbor, start, start + dt.timedelta(days=7))
    assert [(item.resident.pk, item.milestone.key) for item in found] == [(shared.pk, "30d")]
