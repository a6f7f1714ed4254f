"""Two people acting on one chore at the same instant, in real PostgreSQL transactions: a tick,
an undo, a swap asked, answered or withdrawn, and a chore handed on by the manager. Whatever the
interleaving, each chore ends in one state someone chose, nobody acts on what the other just
changed, and nothing deadlocks (every write locks the assignment before its swaps)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chores import services
from chores.models import Assignment, Chore, Swap
from chores.schedule import due_at
from tests.factories import make_resident
from tests.races import at_once, while_holding

pytestmark = pytest.mark.django_db(transaction=True)
TRIES = 50


@pytest.fixture
def chore(harbor):
    return Chore.objects.create(house=harbor, name="Kitchen", points=3, due_time=dt.time(23, 59))


@pytest.fixture
def asker(harbor):
    return make_resident(harbor, full_name="Asker")


@pytest.fixture
def housemate(harbor):
    return make_resident(harbor, full_name="Housemate")


def _assignment(chore, resident, day=None) -> Assignment:
    day = day or chore.house.today()
    return Assignment.objects.create(
        chore=chore,
        house=chore.house,
        day=day,
        due_at=due_at(day, chore.due_time, chore.house.time_zone),
        resident=resident,
        points=chore.points,
    )


def _fresh(assignment: Assignment) -> Assignment:
    """The assignment as a page just read it: each side of a race holds its own copy."""
    return Assignment.objects.select_related("house", "chore").get(pk=assignment.pk)


def _unexpected(outcomes) -> list[BaseException]:
    return [
        outcome.error
        for outcome in outcomes
        if outcome.error is not None and not isinstance(outcome.error, ValidationError)
    ]


def test_a_tick_and_a_swap_accepted_at_once_settle_one_way(chore, asker, housemate):
    ticked = accepted = 0
    for index in range(TRIES):
        assignment = _assignment(chore, asker, day=chore.house.today() + dt.timedelta(days=index))
        swap = services.swap_ask(assignment=_fresh(assignment), by=asker, of=housemate)
        tick, answer = at_once(
            lambda assignment=assignment: services.chore_mark_done(
                assignment=_fresh(assignment), by=asker
            ),
            lambda swap=swap: services.swap_answer(
                swap=Swap.objects.get(pk=swap.pk), by=housemate, accept=True
            ),
        )
        assert _unexpected([tick, answer]) == []  # a deadlock is an OperationalError
        assignment.refresh_from_db()
        swap.refresh_from_db()
        if tick.error is None:
            ticked += 1
            assert answer.error is not None
            assert (assignment.status, assignment.resident, swap.status) == (
                "done",
                asker,
                "withdrawn",
            )
        else:
            accepted += 1
            assert answer.error is None
            assert (assignment.status, assignment.resident, swap.status) == (
                "to_do",
                housemate,
                "accepted",
            )
    assert ticked + accepted == TRIES


def test_a_swap_is_not_asked_of_a_chore_being_ticked(chore, asker, housemate):
    assignment = _assignment(chore, asker)
    ticked, asked = while_holding(
        lambda: services.chore_mark_done(assignment=_fresh(assignment), by=asker),
        lambda: services.swap_ask(assignment=_fresh(assignment), by=asker, of=housemate),
    )
    assert ticked.error is None
    assert isinstance(asked.error, ValidationError)
    # otherwise the housemate would be asked to take a chore that is done
    assert not Swap.objects.filter(status="asked").exists()


def test_two_swaps_asked_at_once_make_one_request_and_a_plain_answer(chore, asker, harbor):
    assignment = _assignment(chore, asker)
    first, second = make_resident(harbor), make_resident(harbor)
    one, other = while_holding(
        lambda: services.swap_ask(assignment=_fresh(assignment), by=asker, of=first),
        lambda: services.swap_ask(assignment=_fresh(assignment), by=asker, of=second),
    )
    assert one.error is None
    assert isinstance(other.error, ValidationError)  # not the database's IntegrityError
    assert "already asked" in str(other.error)
    assert Swap.objects.filter(status="asked").count() == 1


def test_a_tick_after_the_swap_was_accepted_is_the_new_holders_to_make(chore, asker, housemate):
    assignment = _assignment(chore, asker)
    swap = services.swap_ask(assignment=_fresh(assignment), by=asker, of=housemate)
    answered, ticked = while_holding(
        lambda: services.swap_answer(swap=swap, by=housemate, accept=True),
        lambda: services.chore_mark_done(assignment=_fresh(assignment), by=asker),
    )
    assert answered.error is None
    assert isinstance(ticked.error, ValidationError)
    assert "someone else" in str(ticked.error)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.resident) == ("to_do", housemate)


def test_a_chore_the_manager_hands_on_is_not_ticked_by_the_last_holder(
    chore, asker, housemate, manager_harbor
):
    assignment = _assignment(chore, asker)
    pinned, ticked = while_holding(
        lambda: services.assignment_pin(
            assignment=_fresh(assignment), resident=housemate, by=manager_harbor
        ),
        lambda: services.chore_mark_done(assignment=_fresh(assignment), by=asker),
    )
    assert pinned.error is None
    assert isinstance(ticked.error, ValidationError)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.resident) == ("to_do", housemate)
