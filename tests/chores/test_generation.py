"""Generating a house's next days of chores: idempotent, concurrent-safe, fair to the roster."""

import datetime as dt
import threading

import pytest
from django.db import connection

from chores.generation import assignments_generate, plan
from chores.models import Absence, Assignment, Chore, Exclusion
from chores.services import chore_settings
from chores.tasks import generate_assignments
from tests.factories import HouseFactory, make_resident

D = dt.date
START = D(2026, 12, 7)  # a Monday


def _house_with_chores(house, residents=4, chores=3):
    people = [make_resident(house, move_in=START - dt.timedelta(days=60)) for _ in range(residents)]
    for number in range(chores):
        Chore.objects.create(house=house, name=f"Chore {number}", points=number % 5 + 1)
    return people


def _rows(house):
    return sorted(
        Assignment.objects.filter(house=house).values_list("chore_id", "day", "resident_id")
    )


def test_it_fills_the_next_seven_days(harbor):
    _house_with_chores(harbor)
    assert assignments_generate(harbor, start=START) == 3 * 7
    days = set(Assignment.objects.values_list("day", flat=True))
    assert days == {START + dt.timedelta(days=n) for n in range(7)}
    assert not Assignment.objects.filter(resident__isnull=True).exists()


def test_running_it_twice_creates_nothing_twice(harbor):
    _house_with_chores(harbor)
    assignments_generate(harbor, start=START)
    first = _rows(harbor)
    assert assignments_generate(harbor, start=START) == 0
    assert _rows(harbor) == first


def test_the_next_day_keeps_what_was_given_and_adds_one_day(harbor):
    _house_with_chores(harbor)
    assignments_generate(harbor, start=START)
    first = _rows(harbor)
    assert assignments_generate(harbor, start=START + dt.timedelta(days=1)) == 3
    assert set(first) <= set(_rows(harbor))


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_create_the_same_rows_once():
    house = HouseFactory(slug="twin")
    _house_with_chores(house)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(5)
            results.append(assignments_generate(house, start=START))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert results == [21, 21]  # each found all 21 missing when it looked
    assert Assignment.objects.filter(house=house).count() == 21


def test_nobody_away_or_excluded_is_assigned(harbor):
    away, excluded, *_ = _house_with_chores(harbor)
    Absence.objects.create(resident=away, starts_on=START, ends_on=START + dt.timedelta(days=3))
    heavy = Chore.objects.get(name="Chore 2")
    Exclusion.objects.create(resident=excluded, chore=heavy, reason="back injury")
    assignments_generate(harbor, start=START)
    assert not Assignment.objects.filter(
        resident=away, day__lte=START + dt.timedelta(days=3)
    ).exists()
    assert not Assignment.objects.filter(resident=excluded, chore=heavy).exists()


def test_a_newcomer_settles_in_before_their_first_chore(harbor):
    _house_with_chores(harbor)
    newcomer = make_resident(harbor, move_in=START)
    assignments_generate(harbor, start=START)
    first = Assignment.objects.filter(resident=newcomer).order_by("day").first()
    assert first is not None and first.day >= START + dt.timedelta(days=3)  # three settling days


def test_a_pinned_assignment_is_kept(harbor):
    people = _house_with_chores(harbor)
    chore = Chore.objects.get(name="Chore 0")
    assignments_generate(harbor, start=START, days=1)
    Assignment.objects.filter(chore=chore, day=START).update(resident=people[3], pinned=True)
    assignments_generate(harbor, start=START)
    assert Assignment.objects.get(chore=chore, day=START).resident == people[3]


def test_due_times_are_on_the_house_clock(harbor):
    _house_with_chores(harbor, chores=1)
    Chore.objects.update(due_time=dt.time(9, 30))
    assignments_generate(harbor, start=START, days=1)
    assert Assignment.objects.get().due_at == dt.datetime(2026, 12, 7, 17, 30, tzinfo=dt.UTC)


def test_it_runs_the_same_number_of_queries_for_any_size(harbor, cedar, django_assert_num_queries):
    _house_with_chores(harbor, residents=3, chores=2)
    _house_with_chores(cedar, residents=12, chores=9)
    for house in (harbor, cedar):
        chore_settings(house)  # made once per house, the first time
        # chores, rows already there, settings, the window's rows, stays, absences,
        # exclusions, the insert
        with django_assert_num_queries(8):
            assignments_generate(house, start=START)


def test_the_preview_reads_only(harbor):
    _house_with_chores(harbor)
    assert len(plan(harbor, start=START, days=14)) == 3 * 14
    assert not Assignment.objects.exists()


def test_the_beat_task_fills_every_house_with_chores(harbor, cedar):
    _house_with_chores(harbor)
    assert generate_assignments() > 0
    assert not Assignment.objects.filter(house=cedar).exists()


def test_a_paused_chore_with_saved_rows_does_not_stop_the_plan(harbor):
    _house_with_chores(harbor)
    assignments_generate(harbor, start=START)
    Chore.objects.filter(name="Chore 0").update(active=False)
    assert len(plan(harbor, start=START, days=7)) == 2 * 7


def test_a_departing_residents_saved_chores_go_to_the_others(harbor, manager_harbor):
    from residents import services as resident_services

    people = _house_with_chores(harbor)
    assignments_generate(harbor, start=START)
    leaving = people[0]
    stay = leaving.stays.get()
    leave_on = START + dt.timedelta(days=2)
    resident_services.resident_discharge(
        stay=stay, move_out=leave_on, exit_reason="moved_on", by=manager_harbor
    )
    before_leaving = list(
        Assignment.objects.filter(resident=leaving, day__lt=leave_on).values_list("pk", flat=True)
    )
    assignments_generate(harbor, start=START)
    assert not Assignment.objects.filter(resident=leaving, day__gte=leave_on).exists()
    assert not Assignment.objects.filter(house=harbor, resident__isnull=True).exists()
    # What they had before leaving stays theirs.
    assert set(Assignment.objects.filter(resident=leaving).values_list("pk", flat=True)) == set(
        before_leaving
    )


def test_a_done_chore_is_never_moved(harbor, manager_harbor):
    from residents import services as resident_services

    people = _house_with_chores(harbor)
    assignments_generate(harbor, start=START)
    leaving = people[0]
    later = Assignment.objects.filter(resident=leaving, day__gte=START + dt.timedelta(days=2))
    done = later.first()
    Assignment.objects.filter(pk=done.pk).update(status="done")
    resident_services.resident_discharge(
        stay=leaving.stays.get(),
        move_out=START + dt.timedelta(days=2),
        exit_reason="moved_on",
        by=manager_harbor,
    )
    assignments_generate(harbor, start=START)
    done.refresh_from_db()
    assert done.resident == leaving
