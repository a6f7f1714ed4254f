"""A resident's chores when they leave, and the rotation around a stay's dates: nobody is planned
before moving in or past the (expected) move-out; a departure hands back chores ahead, withdraws
swap requests and frees the coordinator's seat, and says so."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chores import services
from chores.generation import assignments_generate, plan
from chores.models import Assignment, Chore, HouseChoreSettings, Swap
from residents import services as resident_services
from residents.departure import count
from residents.models import Stay
from soberhouse.models import AuditEvent
from tests.factories import make_assignment, make_resident

D = dt.date
MONDAY = D(2026, 12, 7)
# Monday 7 December 2026, 9 a.m. in Los Angeles (UTC-8), where Harbor House is.
MORNING = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def monday():
    with time_machine.travel(MORNING, tick=False):
        yield


def _house(house, names=("Avery", "Blake", "Casey")):
    people = [make_resident(house, move_in=D(2026, 9, 1), full_name=name) for name in names]
    Chore.objects.create(house=house, name="Kitchen", points=3)
    Chore.objects.create(house=house, name="Bins", points=1)
    return people


def _days_planned(house, resident, *, start=MONDAY, days=14):
    return {
        choice.day
        for choice in plan(house, start=start, days=days)
        if choice.person_id == resident.pk
    }


def test_the_rotation_plans_nobody_past_their_expected_move_out(harbor):
    avery, *_ = _house(harbor)
    Stay.objects.filter(resident=avery).update(expected_move_out=D(2026, 12, 11))
    planned = _days_planned(harbor, avery)
    assert planned  # they take chores up to then
    assert max(planned) < D(2026, 12, 11)


def test_an_expected_move_out_that_has_passed_stops_the_plan(harbor):
    avery, *_ = _house(harbor)
    Stay.objects.filter(resident=avery).update(expected_move_out=D(2026, 12, 1))
    assert _days_planned(harbor, avery) == set()


def test_a_move_out_before_the_expected_one_wins(harbor):
    avery, *_ = _house(harbor)
    Stay.objects.filter(resident=avery).update(
        expected_move_out=D(2026, 12, 18), move_out=D(2026, 12, 10), exit_reason="moved_on"
    )
    assert max(_days_planned(harbor, avery)) < D(2026, 12, 10)


def test_the_rotation_plans_nobody_before_they_move_in(harbor):
    _house(harbor)
    newcomer = make_resident(harbor, move_in=D(2026, 12, 12), full_name="Drew")
    HouseChoreSettings.objects.create(house=harbor, newcomer_days=0)
    planned = _days_planned(harbor, newcomer)
    assert planned
    assert min(planned) >= D(2026, 12, 12)


def test_generation_saves_no_chore_past_the_expected_move_out(harbor):
    avery, *_ = _house(harbor)
    Stay.objects.filter(resident=avery).update(expected_move_out=D(2026, 12, 10))
    assignments_generate(harbor, start=MONDAY, days=7)
    assert Assignment.objects.filter(resident=avery).exists()
    assert not Assignment.objects.filter(resident=avery, day__gte=D(2026, 12, 10)).exists()


def test_moving_the_expected_move_out_earlier_hands_on_saved_chores(harbor):
    avery, *_ = _house(harbor)
    assignments_generate(harbor, start=MONDAY, days=7)
    Stay.objects.filter(resident=avery).update(expected_move_out=D(2026, 12, 10))
    assignments_generate(harbor, start=MONDAY, days=7)
    assert not Assignment.objects.filter(resident=avery, day__gte=D(2026, 12, 10)).exists()
    assert not Assignment.objects.filter(house=harbor, resident__isnull=True).exists()


def _discharge(resident, manager, on):
    return resident_services.resident_discharge(
        stay=resident.stays.get(), move_out=on, exit_reason="moved_on", by=manager
    )


def test_a_discharge_hands_chores_ahead_back_to_the_rotation(monday, harbor, manager_harbor):
    avery, blake, casey = _house(harbor)
    assignments_generate(harbor, start=MONDAY, days=7)
    leave_on = D(2026, 12, 10)
    ahead = list(
        Assignment.objects.filter(resident=avery, day__gte=leave_on).values_list("pk", flat=True)
    )
    before = list(
        Assignment.objects.filter(resident=avery, day__lt=leave_on).values_list("pk", flat=True)
    )
    assert ahead

    result = _discharge(avery, manager_harbor, leave_on)

    assert not Assignment.objects.filter(resident=avery, day__gte=leave_on).exists()
    taken = Assignment.objects.filter(pk__in=ahead)
    assert set(taken.values_list("resident", flat=True)) <= {blake.pk, casey.pk}
    assert set(Assignment.objects.filter(resident=avery).values_list("pk", flat=True)) == set(
        before
    )
    [line] = [line for line in result.changes if "handed back" in line]
    assert line.startswith(f"{count(len(ahead), 'chore')} of Avery's from 10 Dec 2026 handed back")
    for person in (blake, casey):
        number = taken.filter(resident=person).count()
        if number:
            assert f"{person.name} takes {number}" in line
    event = AuditEvent.objects.get(action="chore.hand_back")
    assert event.actor == manager_harbor
    assert sorted(sum(event.changes["assignments"].values(), [])) == sorted(ahead)


def test_a_chore_done_ahead_stays_theirs(monday, harbor, manager_harbor):
    avery, *_ = _house(harbor)
    assignments_generate(harbor, start=MONDAY, days=7)
    done = Assignment.objects.filter(resident=avery, day__gte=D(2026, 12, 10)).first()
    Assignment.objects.filter(pk=done.pk).update(status="done")
    _discharge(avery, manager_harbor, D(2026, 12, 10))
    done.refresh_from_db()
    assert done.resident == avery


def test_a_chore_nobody_may_take_is_left_open_and_said_so(monday, harbor, manager_harbor):
    avery = make_resident(harbor, move_in=D(2026, 9, 1), full_name="Avery")
    chore = Chore.objects.create(house=harbor, name="Kitchen", points=3)
    row = make_assignment(chore, D(2026, 12, 9), avery)
    result = _discharge(avery, manager_harbor, D(2026, 12, 8))
    row.refresh_from_db()
    assert row.resident is None
    assert result.changes == [
        "One chore of Avery's from 8 Dec 2026 handed back to the rotation: "
        "nobody may take 1 (open on the chart)."
    ]


def test_a_move_out_recorded_late_leaves_the_days_since_with_nobody(monday, harbor, manager_harbor):
    avery, blake, _ = _house(harbor)
    chore = Chore.objects.get(name="Kitchen")
    missed = make_assignment(chore, D(2026, 12, 5), avery, status="missed")
    to_do = make_assignment(chore, D(2026, 12, 6), avery)
    done = make_assignment(chore, D(2026, 12, 4), avery, status="done")
    before = make_assignment(chore, D(2026, 12, 3), avery, status="missed")
    result = _discharge(avery, manager_harbor, D(2026, 12, 4))
    for row in (missed, to_do, done, before):
        row.refresh_from_db()
    assert (missed.resident, to_do.resident) == (None, None)
    # Done on their last morning, or missed while they lived here: the record stays true.
    assert (done.resident, before.resident) == (avery, avery)
    assert (
        "Two chores on days after the move-out and before today no longer count as Avery's "
        "(nobody is marked for them)."
    ) in result.changes


def test_a_discharge_withdraws_swap_requests_by_and_of_them(monday, harbor, manager_harbor):
    avery, blake, casey = _house(harbor)
    chore = Chore.objects.get(name="Kitchen")
    theirs = make_assignment(chore, D(2026, 12, 12), avery)
    blakes = make_assignment(chore, D(2026, 12, 13), blake)
    caseys = make_assignment(chore, D(2026, 12, 14), casey)
    asked_by = services.swap_ask(assignment=theirs, by=avery, of=blake)
    asked_of = services.swap_ask(assignment=blakes, by=blake, of=avery)
    others = services.swap_ask(assignment=caseys, by=casey, of=blake)

    result = _discharge(avery, manager_harbor, D(2026, 12, 10))

    for swap in (asked_by, asked_of, others):
        swap.refresh_from_db()
    assert (asked_by.status, asked_of.status) == (Swap.Status.WITHDRAWN, Swap.Status.WITHDRAWN)
    assert others.status == Swap.Status.ASKED
    assert result.changes[:2] == [
        "Withdrew Avery's request that Blake take Kitchen on 12 Dec 2026.",
        "Withdrew Blake's request that Avery take Kitchen on 13 Dec 2026; "
        "Blake can ask someone else.",
    ]
    assert AuditEvent.objects.filter(action="chore.swaps_withdraw").exists()


def test_a_leaving_coordinator_leaves_the_seat_free(monday, harbor, manager_harbor):
    avery, *_ = _house(harbor)
    services.coordinator_set(house=harbor, resident=avery, by=manager_harbor)
    result = _discharge(avery, manager_harbor, D(2026, 12, 10))
    assert HouseChoreSettings.objects.get(house=harbor).coordinator is None
    assert (
        "Avery is no longer the chore coordinator; the house can choose someone at its next "
        "meeting."
    ) in result.changes


def test_a_transfer_hands_back_the_old_houses_chores(monday, harbor, cedar, staff):
    avery, blake, casey = _house(harbor)
    assignments_generate(harbor, start=MONDAY, days=7)
    result = resident_services.resident_transfer(
        stay=avery.stays.get(), to_house=cedar, on=D(2026, 12, 9), by=staff
    )
    assert not Assignment.objects.filter(resident=avery, day__gte=D(2026, 12, 9)).exists()
    assert any("handed back to the rotation" in line for line in result.changes)


def test_todays_digest_of_chores_handed_back_is_withdrawn(monday, harbor, cedar, staff):
    from chores.notifications import digests_create
    from soberhouse.models import Notification

    avery, *_ = _house(harbor)
    services.chore_settings(harbor)  # the digest goes out at 7 a.m.; it is 9 a.m. now
    assignments_generate(harbor, start=MONDAY, days=7)
    assert Assignment.objects.filter(resident=avery, day=MONDAY).exists()
    digests_create()
    digest = Notification.objects.filter(recipient=avery.user, kind="chores.today")
    assert set(digest.values_list("status", flat=True)) == {Notification.Status.PENDING}

    # A discharge withdraws all that is pending for them; a transfer only what it hands back.
    resident_services.resident_transfer(stay=avery.stays.get(), to_house=cedar, on=MONDAY, by=staff)

    assert set(digest.values_list("status", flat=True)) == {Notification.Status.CANCELLED}
