"""House offices when the officer leaves: the term ends on the move-out (a term not begun is
removed), an election on the table naming them is withdrawn, and the manager is told."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chores.models import HouseChoreSettings
from meetings import services
from meetings.models import Motion, Officer
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


MOVE_OUT = D(2026, 12, 12)


def _discharge(resident, by, on=MOVE_OUT):
    return resident_services.resident_discharge(
        stay=resident.stays.get(), move_out=on, exit_reason="completed", by=by
    )


def test_a_leaving_officer_s_term_ends_on_the_move_out(thursday, harbor, manager_harbor):
    sam = make_resident(harbor, move_in=D(2026, 6, 1), full_name="Sam")
    term = services.officer_elect(
        house=harbor, office="secretary", resident=sam, starts_on=D(2026, 11, 1), by=manager_harbor
    )
    until = term.ends_on
    result = _discharge(sam, manager_harbor)
    term.refresh_from_db()
    assert term.ends_on == D(2026, 12, 12)
    assert result.changes == [
        f"Ended Sam's term as secretary on 12 Dec 2026 (it was to run to {until:%-d %b %Y}); "
        "the house can elect someone new."
    ]
    assert AuditEvent.objects.filter(action="officer.end", actor=manager_harbor).exists()


def test_a_term_not_begun_is_removed(thursday, harbor, manager_harbor):
    sam = make_resident(harbor, move_in=D(2026, 6, 1), full_name="Sam")
    services.officer_elect(
        house=harbor, office="chair", resident=sam, starts_on=D(2026, 12, 20), by=manager_harbor
    )
    result = _discharge(sam, manager_harbor)
    assert not Officer.objects.exists()
    assert result.changes == ["Removed Sam's term as chair, which was to begin on 20 Dec 2026."]


def test_a_term_that_ended_before_is_kept_as_it_was(thursday, harbor, manager_harbor):
    sam = make_resident(harbor, move_in=D(2026, 6, 1), full_name="Sam")
    Officer.objects.create(
        house=harbor, office="chair", resident=sam, starts_on=D(2026, 7, 1), ends_on=D(2026, 9, 1)
    )
    result = _discharge(sam, manager_harbor)
    assert Officer.objects.get().ends_on == D(2026, 9, 1)
    assert result.changes == []


def test_a_leaving_chore_coordinator_hands_over_once(thursday, harbor, manager_harbor):
    sam = make_resident(harbor, move_in=D(2026, 6, 1), full_name="Sam")
    services.officer_elect(
        house=harbor,
        office="chore_coordinator",
        resident=sam,
        starts_on=D(2026, 11, 1),
        by=manager_harbor,
    )
    result = _discharge(sam, manager_harbor)
    assert HouseChoreSettings.objects.get(house=harbor).coordinator is None
    [line] = result.changes
    assert line.startswith("Ended Sam's term as chore coordinator on 12 Dec 2026")


def test_an_election_on_the_table_naming_them_is_withdrawn(thursday, harbor, manager_harbor):
    sam = make_resident(harbor, move_in=D(2026, 6, 1), full_name="Sam")
    mover = make_resident(harbor, move_in=D(2026, 6, 1), full_name="Dana")
    motion = services.motion_propose(
        house=harbor,
        text="Sam for treasurer",
        mover=mover,
        seconder=None,
        by=manager_harbor,
        office="treasurer",
        nominee=sam,
    )
    result = _discharge(sam, manager_harbor)
    motion.refresh_from_db()
    assert motion.status == Motion.Status.WITHDRAWN
    assert result.changes == ["Withdrew the motion to elect Sam as treasurer."]
