"""A departure ends or hands over everything the person holds in the house, and the manager sees
every change: each app registers a handler (residents imports none of them), the handlers run in
the discharge's transaction, and the page after the form lists what they did."""

from __future__ import annotations

import datetime as dt
import html

import pytest
import time_machine
from django.core.exceptions import ValidationError

from chores import services as chore_services
from chores.generation import assignments_generate
from chores.models import Assignment, Chore, Swap
from meetings import services as meeting_services
from meetings.models import Officer
from peerlog import services as peerlog_services
from peerlog.models import Pairing
from residents import departure, services
from residents.models import Stay
from soberhouse.models import AuditEvent
from tests.factories import make_assignment, make_resident

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


def test_every_app_registers_a_departure_handler():
    assert {"chores", "meetings", "peerlog"} <= set(departure._HANDLERS)


def test_a_discharge_shows_the_manager_everything_it_changed(
    thursday, client, harbor, manager_harbor
):
    sam = _person(harbor, "Sam Rivera")
    dana = _person(harbor, "Dana Whitfield", days_sober=30)
    lee = _person(harbor, "Lee Park", days_sober=20)
    robin = _person(harbor, "Robin Hale")
    peerlog_services.pairing_create(
        house=harbor, mentor=sam, mentee=dana, by=manager_harbor, starts_on=D(2026, 11, 1)
    )
    peerlog_services.pairing_create(
        house=harbor, mentor=robin, mentee=sam, by=manager_harbor, starts_on=D(2026, 7, 1)
    )
    meeting_services.officer_elect(
        house=harbor, office="secretary", resident=sam, starts_on=D(2026, 11, 1), by=manager_harbor
    )
    Chore.objects.create(house=harbor, name="Kitchen", points=3)
    assignments_generate(harbor, start=D(2026, 12, 10), days=7)
    bins = Chore.objects.create(house=harbor, name="Bins", points=1, active=False)
    asked = chore_services.swap_ask(
        assignment=make_assignment(bins, D(2026, 12, 15), lee), by=lee, of=sam
    )
    ahead = Assignment.objects.filter(resident=sam, day__gte=D(2026, 12, 11)).count()
    assert ahead

    client.force_login(manager_harbor)
    response = client.post(
        f"/residents/{sam.pk}/discharge/",
        {"move_out": "2026-12-11", "exit_reason": "completed", "exit_notes": ""},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"/residents/{sam.pk}/"
    shown = [html.unescape(str(message)) for message in response.context["messages"]]
    handed = departure.count(ahead, "chore")
    assert shown[0] == "Sam Rivera's stay at Harbor House has ended."
    assert shown[1].startswith("Ended Sam Rivera's term as secretary on 11 Dec 2026")
    assert shown[2] == (
        "Withdrew Lee Park's request that Sam Rivera take Bins on 15 Dec 2026; "
        "Lee Park can ask someone else."
    )
    assert shown[3].startswith(f"{handed} of Sam Rivera's from 11 Dec 2026 handed back")
    assert shown[4:] == [
        "Ended Robin Hale's mentoring of Sam Rivera.",
        "Ended Sam Rivera's mentoring of Dana Whitfield; Dana Whitfield can be paired with a "
        "new mentor.",
    ]
    page = html.unescape(response.content.decode())
    for line in shown:
        assert line in page

    assert not Pairing.objects.filter(ends_on__isnull=True).exists()
    assert Officer.objects.get(resident=sam).ends_on == D(2026, 12, 11)
    assert not Assignment.objects.filter(resident=sam, day__gte=D(2026, 12, 11)).exists()
    asked.refresh_from_db()
    assert asked.status == Swap.Status.WITHDRAWN
    event = AuditEvent.objects.get(action="resident.discharge")
    assert event.changes["handed_over"] == shown[1:]


def test_a_discharge_with_nothing_to_hand_over_says_so(client, harbor, manager_harbor):
    sam = _person(harbor, "Sam Rivera")
    client.force_login(manager_harbor)
    response = client.post(
        f"/residents/{sam.pk}/discharge/",
        {"move_out": harbor.today().isoformat(), "exit_reason": "completed"},
        follow=True,
    )
    shown = [html.unescape(str(message)) for message in response.context["messages"]]
    assert shown[1:] == ["They held nothing else in the house that needed handing over."]


def test_a_transfer_shows_what_it_handed_over(thursday, client, harbor, cedar, staff):
    sam, dana = _person(harbor, "Sam Rivera"), _person(harbor, "Dana Whitfield", days_sober=30)
    peerlog_services.pairing_create(house=harbor, mentor=sam, mentee=dana, by=staff)
    client.force_login(staff)
    response = client.post(
        f"/residents/{dana.pk}/transfer/",
        {"to_house": cedar.pk, "on": "2026-12-10", "bed": ""},
        follow=True,
    )
    shown = [html.unescape(str(message)) for message in response.context["messages"]]
    assert "Ended Sam Rivera's mentoring of Dana Whitfield." in shown


def test_a_handler_that_fails_undoes_the_whole_departure(harbor, manager_harbor):
    sam = _person(harbor, "Sam Rivera")

    def refuse(leaving):
        raise ValidationError("Not today.")

    departure.handler_register(name="refuses", handle=refuse)
    try:
        with pytest.raises(ValidationError):
            services.resident_discharge(
                stay=sam.stays.get(),
                move_out=harbor.today(),
                exit_reason="other",
                by=manager_harbor,
            )
    finally:
        del departure._HANDLERS["refuses"]
    assert Stay.objects.get(resident=sam).move_out is None
    assert not AuditEvent.objects.filter(action="resident.discharge").exists()


def test_a_line_ending_with_an_initial_ends_with_one_full_stop(harbor, manager_harbor):
    mentor, mentee = _person(harbor, "Morgan Lee"), _person(harbor, "S.J.")
    peerlog_services.pairing_create(
        house=harbor, mentor=mentor, mentee=mentee, by=manager_harbor, starts_on=D(2026, 12, 1)
    )
    with time_machine.travel(NOON, tick=False):
        result = services.resident_discharge(
            stay=mentee.stays.get(), move_out=harbor.today(), exit_reason="other", by=manager_harbor
        )
    assert "Ended Morgan Lee's mentoring of S.J." in result.changes
