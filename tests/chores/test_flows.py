"""Done, undo, check, redo, missed and swaps: the rules of each, at the service level."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from chores import services
from chores.models import Assignment, Chore, Swap
from chores.schedule import due_at
from soberhouse.models import AuditEvent
from tests.factories import make_resident


def _assignment(house, resident, *, checker=Chore.Checker.NOBODY, day=None, due=dt.time(20, 0)):
    chore = Chore.objects.create(
        house=house, name="Kitchen", points=3, checker=checker, due_time=due
    )
    day = day or house.today()
    return Assignment.objects.create(
        chore=chore,
        house=house,
        day=day,
        due_at=due_at(day, due, house.time_zone),
        resident=resident,
        points=chore.points,
    )


def test_a_resident_ticks_their_chore_done_with_a_note(resident_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor)
    services.chore_mark_done(assignment=assignment, by=resident_harbor, note=" Mopped too ")
    assignment.refresh_from_db()
    assert (assignment.status, assignment.note) == ("done", "Mopped too")
    assert assignment.done_at is not None


def test_nobody_ticks_another_persons_chore(resident_harbor, harbor):
    other = make_resident(harbor)
    assignment = _assignment(harbor, resident_harbor)
    with pytest.raises(ValidationError):
        services.chore_mark_done(assignment=assignment, by=other)
    assignment.refresh_from_db()
    assert assignment.status == "to_do"


def test_a_second_tap_changes_nothing(resident_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    with pytest.raises(ValidationError, match="already done"):
        services.chore_mark_done(assignment=assignment, by=resident_harbor)


def test_undo_works_for_five_minutes(resident_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor)
    now = timezone.now()
    services.chore_mark_done(assignment=assignment, by=resident_harbor, at=now)
    with pytest.raises(ValidationError, match="5 minutes"):
        services.chore_undo(
            assignment=assignment, by=resident_harbor, at=now + dt.timedelta(minutes=5, seconds=1)
        )
    services.chore_undo(assignment=assignment, by=resident_harbor, at=now + dt.timedelta(minutes=4))
    assignment.refresh_from_db()
    assert (assignment.status, assignment.done_at) == ("to_do", None)


def test_a_check_marks_it_checked_and_is_audited(resident_harbor, manager_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor, checker=Chore.Checker.MANAGER)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assert services.can_check(manager_harbor, assignment, is_manager=True)
    services.chore_check(assignment=assignment, by=manager_harbor, approved=True)
    assignment.refresh_from_db()
    assert (assignment.status, assignment.checked_by) == ("checked", manager_harbor)
    assert AuditEvent.objects.filter(action="chore.checked", object_id=assignment.pk).exists()


def test_a_redo_goes_back_to_the_resident_with_a_note(resident_harbor, manager_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor, checker=Chore.Checker.MANAGER)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    with pytest.raises(ValidationError):
        services.chore_check(assignment=assignment, by=manager_harbor, approved=False, note=" ")
    services.chore_check(
        assignment=assignment, by=manager_harbor, approved=False, note="The stove top, please."
    )
    assignment.refresh_from_db()
    assert (assignment.status, assignment.redo_count) == ("redo", 1)
    assert assignment.check_note == "The stove top, please."
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assignment.refresh_from_db()
    assert assignment.status == "done"


def test_nobody_checks_their_own_chore(resident_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor, checker=Chore.Checker.ANY_RESIDENT)
    other = make_resident(harbor)
    assert not services.can_check(resident_harbor.user, assignment, is_manager=False)
    assert services.can_check(other.user, assignment, is_manager=False)


def test_the_chore_coordinator_checks_like_a_manager(resident_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor, checker=Chore.Checker.COORDINATOR)
    coordinator = make_resident(harbor)
    bystander = make_resident(harbor)
    settings = services.chore_settings(harbor)
    settings.coordinator = coordinator
    settings.save()
    assert services.can_check(coordinator.user, assignment, is_manager=False)
    assert not services.can_check(bystander.user, assignment, is_manager=False)


def test_an_open_chore_is_missed_after_its_grace_period(resident_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor)
    services.chore_settings(harbor)  # default grace: 120 minutes
    with time_machine.travel(assignment.due_at + dt.timedelta(minutes=119)):
        assert services.chores_mark_missed() == 0
    with time_machine.travel(assignment.due_at + dt.timedelta(minutes=121)):
        assert services.chores_mark_missed() == 1
        assert services.chores_mark_missed() == 0  # twice changes nothing
    assignment.refresh_from_db()
    assert assignment.status == "missed"
    assert assignment.missed_at == assignment.due_at + dt.timedelta(minutes=121)


def test_a_done_chore_is_never_missed(resident_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor)
    services.chore_settings(harbor)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    with time_machine.travel(assignment.due_at + dt.timedelta(days=1)):
        assert services.chores_mark_missed() == 0


def test_a_missed_chore_can_still_be_done_late(resident_harbor, harbor):
    assignment = _assignment(harbor, resident_harbor)
    Assignment.objects.filter(pk=assignment.pk).update(status="missed")
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assignment.refresh_from_db()
    assert assignment.status == "done"
    assert assignment.late


class TestLateness:
    """Whether a chore was done on time is fixed by its first tick: within the grace period it
    is on time, after it (or once missed) late; a redo keeps it, an undo forgets it."""

    @pytest.mark.parametrize(("minutes", "late"), [(-60, False), (119, False), (121, True)])
    def test_the_first_tick_decides(self, resident_harbor, harbor, minutes, late):
        assignment = _assignment(harbor, resident_harbor)
        at = assignment.due_at + dt.timedelta(minutes=minutes)
        services.chore_mark_done(assignment=assignment, by=resident_harbor, at=at)
        assignment.refresh_from_db()
        assert assignment.late is late

    def test_missed_then_done_keeps_the_moment_it_was_missed(self, resident_harbor, harbor):
        assignment = _assignment(harbor, resident_harbor)
        services.chore_settings(harbor)
        missed_at = assignment.due_at + dt.timedelta(hours=3)
        with time_machine.travel(missed_at):
            services.chores_mark_missed()
        with time_machine.travel(missed_at + dt.timedelta(hours=1)):
            services.chore_mark_done(assignment=assignment, by=resident_harbor)
            services.chore_undo(assignment=assignment, by=resident_harbor)
        with time_machine.travel(missed_at + dt.timedelta(hours=2)):
            services.chores_mark_missed()
        assignment.refresh_from_db()
        assert (assignment.status, assignment.missed_at) == ("missed", missed_at)

    def test_an_undo_forgets_the_lateness(self, resident_harbor, harbor):
        assignment = _assignment(harbor, resident_harbor)
        late = assignment.due_at + dt.timedelta(hours=3)
        services.chore_mark_done(assignment=assignment, by=resident_harbor, at=late)
        services.chore_undo(assignment=assignment, by=resident_harbor, at=late)
        assignment.refresh_from_db()
        assert (assignment.status, assignment.late) == ("to_do", False)

    def test_a_redo_keeps_the_first_ticks_lateness(self, resident_harbor, manager_harbor, harbor):
        assignment = _assignment(harbor, resident_harbor, checker=Chore.Checker.MANAGER)
        on_time = assignment.due_at - dt.timedelta(hours=1)
        services.chore_mark_done(assignment=assignment, by=resident_harbor, at=on_time)
        services.chore_check(
            assignment=assignment, by=manager_harbor, approved=False, note="Corners"
        )
        redone = assignment.due_at + dt.timedelta(days=1)
        services.chore_mark_done(assignment=assignment, by=resident_harbor, at=redone)
        assignment.refresh_from_db()
        assert (assignment.status, assignment.redo_count, assignment.late) == ("done", 1, False)


class TestSwaps:
    def test_accepted_swap_moves_the_chore(self, resident_harbor, harbor):
        other = make_resident(harbor)
        assignment = _assignment(harbor, resident_harbor)
        swap = services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
        services.swap_answer(swap=swap, by=other, accept=True)
        assignment.refresh_from_db()
        assert (assignment.resident, assignment.pinned) == (other, True)
        assert swap.status == Swap.Status.ACCEPTED

    def test_declined_swap_leaves_it(self, resident_harbor, harbor):
        other = make_resident(harbor)
        assignment = _assignment(harbor, resident_harbor)
        swap = services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
        services.swap_answer(swap=swap, by=other, accept=False)
        assignment.refresh_from_db()
        assert assignment.resident == resident_harbor

    def test_only_the_person_asked_answers(self, resident_harbor, harbor):
        other, third = make_resident(harbor), make_resident(harbor)
        swap = services.swap_ask(
            assignment=_assignment(harbor, resident_harbor), by=resident_harbor, of=other
        )
        with pytest.raises(ValidationError):
            services.swap_answer(swap=swap, by=third, accept=True)

    def test_one_open_request_per_chore(self, resident_harbor, harbor):
        other, third = make_resident(harbor), make_resident(harbor)
        assignment = _assignment(harbor, resident_harbor)
        services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
        with pytest.raises(ValidationError, match="already asked"):
            services.swap_ask(assignment=assignment, by=resident_harbor, of=third)

    def test_a_chore_done_meanwhile_is_not_swapped(self, resident_harbor, harbor):
        other = make_resident(harbor)
        assignment = _assignment(harbor, resident_harbor)
        swap = services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
        services.chore_mark_done(assignment=assignment, by=resident_harbor)
        # Doing it withdrew the request: there is nothing left to answer.
        with pytest.raises(ValidationError, match="answered or withdrawn"):
            services.swap_answer(swap=swap, by=other, accept=True)
        assignment.refresh_from_db()
        assert assignment.resident == resident_harbor


def test_a_resident_of_another_house_never_checks(resident_harbor, resident_cedar, harbor):
    assignment = _assignment(harbor, resident_harbor, checker=Chore.Checker.ANY_RESIDENT)
    assert not services.can_check(resident_cedar.user, assignment, is_manager=False)


def test_a_swap_is_asked_of_a_housemate_only(resident_harbor, resident_cedar, harbor):
    assignment = _assignment(harbor, resident_harbor)
    with pytest.raises(ValidationError, match="living in the house"):
        services.swap_ask(assignment=assignment, by=resident_harbor, of=resident_cedar)
