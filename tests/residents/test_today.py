"""``/today/``: days sober and the next milestone, counted in the house's own time zone (Harbor
House is in America/Los_Angeles), and the house rules waiting to be signed."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from residents.models import Resident
from residents.rules import rules_publish, rules_sign
from tests.factories import make_resident

D = dt.date


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def sober_resident(harbor):
    """Living at Harbor House since before any date these tests travel to."""
    resident = make_resident(
        harbor, move_in=D(2025, 12, 1), email="river@example.test", full_name="River Stone"
    )
    return resident


def _sober_since(resident, day: dt.date) -> None:
    Resident.objects.filter(pk=resident.pk).update(sobriety_date=day)


def _today_at(client, resident, moment: dt.datetime):
    with time_machine.travel(moment, tick=False):
        client.force_login(resident.user)
        response = client.get("/today/")
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("moment", "local_day", "days", "today_label", "next_label", "next_date"),
    [
        # 07:59 UTC on 1 December is 23:59 on 30 November in Los Angeles (UTC-8 in winter).
        (utc(2026, 12, 1, 7, 59), D(2026, 11, 30), 29, None, "30 days", D(2026, 12, 1)),
        (utc(2026, 12, 1, 8, 0), D(2026, 12, 1), 30, "30 days", "60 days", D(2026, 12, 31)),
    ],
)
def test_days_sober_turn_at_midnight_in_the_houses_zone(
    client, sober_resident, moment, local_day, days, today_label, next_label, next_date
):
    _sober_since(sober_resident, D(2026, 11, 1))

    response = _today_at(client, sober_resident, moment)

    assert response.context["house_today"] == local_day
    assert response.context["days_sober"] == days
    milestone_today = response.context["milestone_today"]
    assert (milestone_today.label if milestone_today else None) == today_label
    assert response.context["next_milestone"].label == next_label
    assert response.context["next_milestone"].date == next_date
    page = response.content.decode()
    assert f'<p class="big-number">{days}</p>' in page
    assert f"Next: {next_label} on {next_date:%A} {next_date.day} {next_date:%B}." in page


def test_a_milestone_that_falls_today_is_todays(client, sober_resident):
    _sober_since(sober_resident, D(2025, 12, 1))

    # Noon in Los Angeles on the first anniversary.
    response = _today_at(client, sober_resident, utc(2026, 12, 1, 20, 0))

    assert response.context["milestone_today"].label == "1 year"
    assert response.context["next_milestone"].label == "18 months"
    assert response.context["next_milestone"].date == D(2027, 6, 1)
    page = response.content.decode()
    assert "Today is your 1 year. Well done." in page
    assert "Next: 18 months on Tuesday 1 June." in page


def test_there_is_no_milestone_today_on_an_ordinary_day(client, sober_resident):
    _sober_since(sober_resident, D(2025, 12, 1))
    response = _today_at(client, sober_resident, utc(2026, 12, 2, 20, 0))
    assert response.context["milestone_today"] is None
    assert "Today is your" not in response.content.decode()


def test_a_resident_without_a_sobriety_date_is_told_so(client, sober_resident):
    _sober_since(sober_resident, None)
    response = _today_at(client, sober_resident, utc(2026, 12, 2, 20, 0))
    assert response.context["days_sober"] is None
    assert "Your sobriety date is not recorded yet." in response.content.decode()


def _counts_hour_by_hour(client, resident, start: dt.datetime, hours: int) -> dict:
    """Days sober on /today/ at each whole hour from ``start``."""
    counts = {}
    for hour in range(hours + 1):
        moment = start + dt.timedelta(hours=hour)
        counts[moment] = _today_at(client, resident, moment).context["days_sober"]
    return counts


def _changes(counts: dict) -> dict[dt.datetime, int]:
    """The moments at which the count changed, and by how much."""
    moments = sorted(counts)
    return {
        later: counts[later] - counts[earlier]
        for earlier, later in zip(moments, moments[1:], strict=False)
        if counts[later] != counts[earlier]
    }


def test_the_count_goes_up_by_one_at_each_local_midnight_when_clocks_fall_back(
    client, sober_resident
):
    """On 1 November 2026 Los Angeles moves from UTC-7 to UTC-8: that day lasts 25 hours."""
    _sober_since(sober_resident, D(2026, 10, 2))  # 30 days on 1 November

    counts = _counts_hour_by_hour(client, sober_resident, utc(2026, 10, 31, 5, 0), hours=52)

    assert _changes(counts) == {
        utc(2026, 10, 31, 7, 0): 1,  # midnight on the 31st, daylight time
        utc(2026, 11, 1, 7, 0): 1,  # midnight on the 1st, still daylight time: 24 hours later
        utc(2026, 11, 2, 8, 0): 1,  # midnight on the 2nd, standard time: 25 hours later
    }
    assert counts[utc(2026, 11, 1, 6, 0)] == 29
    assert counts[utc(2026, 11, 2, 7, 0)] == 30  # 24 hours after midnight, still the 1st


def test_the_milestone_falls_on_the_local_day_when_clocks_fall_back(client, sober_resident):
    _sober_since(sober_resident, D(2026, 10, 2))

    before = _today_at(client, sober_resident, utc(2026, 11, 1, 6, 59))
    on_the_day = _today_at(client, sober_resident, utc(2026, 11, 1, 7, 0))
    late_on_the_day = _today_at(client, sober_resident, utc(2026, 11, 2, 7, 59))

    assert before.context["milestone_today"] is None
    assert before.context["next_milestone"].date == D(2026, 11, 1)
    assert on_the_day.context["milestone_today"].label == "30 days"
    assert late_on_the_day.context["milestone_today"].label == "30 days"
    assert late_on_the_day.context["days_sober"] == 30


def test_the_count_goes_up_by_one_at_each_local_midnight_when_clocks_spring_forward(
    client, sober_resident
):
    """On 8 March 2026 Los Angeles moves from UTC-8 to UTC-7: that day lasts 23 hours."""
    _sober_since(sober_resident, D(2026, 1, 8))  # 60 days on 9 March

    counts = _counts_hour_by_hour(client, sober_resident, utc(2026, 3, 7, 6, 0), hours=50)

    assert _changes(counts) == {
        utc(2026, 3, 7, 8, 0): 1,  # midnight on the 7th, standard time
        utc(2026, 3, 8, 8, 0): 1,  # midnight on the 8th, still standard time: 24 hours later
        utc(2026, 3, 9, 7, 0): 1,  # midnight on the 9th, daylight time: 23 hours later
    }
    assert counts[utc(2026, 3, 9, 6, 0)] == 59
    assert counts[utc(2026, 3, 9, 7, 0)] == 60


def test_the_milestone_falls_on_the_local_day_when_clocks_spring_forward(client, sober_resident):
    _sober_since(sober_resident, D(2026, 1, 8))

    last_minute = _today_at(client, sober_resident, utc(2026, 3, 9, 6, 59))
    midnight = _today_at(client, sober_resident, utc(2026, 3, 9, 7, 0))

    assert (last_minute.context["house_today"], last_minute.context["days_sober"]) == (
        D(2026, 3, 8),
        59,
    )
    assert last_minute.context["next_milestone"].label == "60 days"
    assert midnight.context["milestone_today"].label == "60 days"
    assert midnight.context["next_milestone"].label == "90 days"


# House rules


def test_the_rules_card_appears_until_the_current_version_is_signed(
    client, harbor, manager_harbor, resident_harbor
):
    client.force_login(resident_harbor.user)
    assert client.get("/today/").context["rules_to_sign"] is None

    first = rules_publish(house=harbor, text="No alcohol or drugs.", by=manager_harbor)
    response = client.get("/today/")
    assert response.context["rules_to_sign"] == first
    assert "Version 1 of the house rules is waiting for you." in response.content.decode()

    rules_sign(rules=first, resident=resident_harbor, typed_name="Alex Harbor")
    response = client.get("/today/")
    assert response.context["rules_to_sign"] is None
    assert "House rules to sign" not in response.content.decode()

    second = rules_publish(
        house=harbor, text="No alcohol or drugs.\nQuiet at 10.", by=manager_harbor
    )
    response = client.get("/today/")
    assert response.context["rules_to_sign"] == second
    assert "Version 2 of the house rules is waiting for you." in response.content.decode()


def test_another_houses_rules_do_not_ask_for_a_signature(
    client, cedar, manager_cedar, resident_harbor
):
    rules_publish(house=cedar, text="Cedar's rules.", by=manager_cedar)
    client.force_login(resident_harbor.user)
    assert client.get("/today/").context["rules_to_sign"] is None


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_discharged_resident_is_told_their_stay_ended(client, harbor, manager_harbor):
    """Not a 404: the stay has ended, what they can still do, and whom to call."""
    resident = make_resident(harbor, move_in=D(2026, 1, 5), full_name="Dana Whitfield")
    resident.stays.update(move_out=D(2026, 3, 2), exit_reason="completed")
    Resident.objects.filter(pk=resident.pk).update(sponsor_name="Pat", sponsor_phone="+14155550100")
    client.force_login(resident.user)
    with time_machine.travel(utc(2026, 3, 10, 19), tick=False):
        assert client.get("/").url == "/today/"
        response = client.get("/today/")
    assert response.status_code == 200
    page = _text(response)
    assert "Your stay at Harbor House has ended" in page
    assert "You moved out on Monday 2 March 2026" in page
    assert 'href="/me/data/"' in page
    assert f'href="mailto:{manager_harbor.email}"' in page
    assert 'href="tel:+14155550100"' in page
    assert "(415) 555-0100" in page
    assert "Pat" in page


def test_someone_arriving_soon_is_told_when_their_stay_begins(client, harbor):
    resident = make_resident(harbor, move_in=D(2026, 3, 16))
    client.force_login(resident.user)
    with time_machine.travel(utc(2026, 3, 10, 19), tick=False):
        response = client.get("/today/")
    assert response.status_code == 200
    assert "Your stay begins on Monday 16 March 2026" in _text(response)


def test_someone_who_never_lived_in_a_house_has_no_today(client, manager_harbor):
    client.force_login(manager_harbor)
    assert client.get("/today/").status_code == 404
