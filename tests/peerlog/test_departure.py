"""Mentoring when someone leaves the house: pairings on either side end with the right reason,
a waiting request for a mentor is withdrawn, and the manager is told each in words."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from peerlog import services
from peerlog.models import MentorRequest, Pairing
from residents import services as resident_services
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
# Thursday 10 December 2026, noon in Los Angeles (UTC-8), where Harbor House is.
NOON = dt.datetime(2026, 12, 10, 20, 0, tzinfo=dt.UTC)


@pytest.fixture
def thursday():
    with time_machine.travel(NOON, tick=False):
        yield


def _person(house, name, *, days_sober=400):
    resident = make_resident(house, move_in=D(2026, 6, 1), full_name=name)
    resident.sobriety_date = D(2026, 12, 10) - dt.timedelta(days=days_sober)
    resident.save()
    return resident


TODAY = D(2026, 12, 10)


def _discharge(resident, by, on=TODAY):
    return resident_services.resident_discharge(
        stay=resident.stays.get(), move_out=on, exit_reason="completed", by=by
    )


def test_a_leaving_mentee_ends_their_pairing(thursday, harbor, manager_harbor):
    sam, dana = _person(harbor, "Sam"), _person(harbor, "Dana", days_sober=20)
    pairing = services.pairing_create(
        house=harbor, mentor=sam, mentee=dana, by=manager_harbor, starts_on=D(2026, 11, 1)
    )
    result = _discharge(dana, manager_harbor)
    pairing.refresh_from_db()
    assert (pairing.ends_on, pairing.end_reason) == (D(2026, 12, 10), "mentee_left")
    assert result.changes == ["Ended Sam's mentoring of Dana."]
    assert AuditEvent.objects.filter(action="peerlog.pairing_end", actor=manager_harbor).exists()


def test_a_leaving_mentor_ends_every_pairing_of_theirs(thursday, harbor, manager_harbor):
    sam = _person(harbor, "Sam")
    dana, lee = _person(harbor, "Dana", days_sober=20), _person(harbor, "Lee", days_sober=30)
    for mentee in (dana, lee):
        services.pairing_create(
            house=harbor, mentor=sam, mentee=mentee, by=manager_harbor, starts_on=D(2026, 11, 1)
        )
    result = _discharge(sam, manager_harbor)
    assert not Pairing.objects.filter(ends_on__isnull=True).exists()
    assert set(Pairing.objects.values_list("end_reason", flat=True)) == {"mentor_left"}
    assert result.changes == [
        "Ended Sam's mentoring of Dana; Dana can be paired with a new mentor.",
        "Ended Sam's mentoring of Lee; Lee can be paired with a new mentor.",
    ]
    # The mentees can be paired again at once.
    services.pairing_create(
        house=harbor, mentor=_person(harbor, "Robin"), mentee=dana, by=manager_harbor
    )


def test_a_pairing_of_other_people_is_left_alone(thursday, harbor, manager_harbor):
    sam, dana = _person(harbor, "Sam"), _person(harbor, "Dana", days_sober=20)
    services.pairing_create(house=harbor, mentor=sam, mentee=dana, by=manager_harbor)
    leaving = _person(harbor, "Lee")
    result = _discharge(leaving, manager_harbor)
    assert Pairing.objects.get().is_active
    assert result.changes == []


def test_a_move_out_ahead_ends_the_pairing_on_that_day(thursday, harbor, manager_harbor):
    sam, dana = _person(harbor, "Sam"), _person(harbor, "Dana", days_sober=20)
    pairing = services.pairing_create(house=harbor, mentor=sam, mentee=dana, by=manager_harbor)
    _discharge(dana, manager_harbor, on=D(2026, 12, 20))
    pairing.refresh_from_db()
    assert pairing.ends_on == D(2026, 12, 20)


def test_a_waiting_request_for_a_mentor_is_withdrawn(thursday, harbor, manager_harbor):
    dana = _person(harbor, "Dana", days_sober=20)
    asked = services.mentor_ask(resident=dana, house=harbor)
    result = _discharge(dana, manager_harbor)
    asked.refresh_from_db()
    assert asked.status == MentorRequest.Status.WITHDRAWN
    assert result.changes == ["Withdrew Dana's request for a mentor."]


def test_a_transfer_ends_the_pairing_in_the_old_house(thursday, harbor, cedar, staff):
    sam, dana = _person(harbor, "Sam"), _person(harbor, "Dana", days_sober=20)
    pairing = services.pairing_create(house=harbor, mentor=sam, mentee=dana, by=staff)
    result = resident_services.resident_transfer(
        stay=dana.stays.get(), to_house=cedar, on=D(2026, 12, 10), by=staff
    )
    pairing.refresh_from_db()
    assert pairing.end_reason == "mentee_left"
    assert "Ended Sam's mentoring of Dana." in result.changes
