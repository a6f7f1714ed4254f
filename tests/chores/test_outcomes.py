"""The outcome counts against a small fixture counted by hand."""

import datetime as dt

import pytest

from chores import outcomes
from chores.models import Assignment, Chore
from tests.factories import make_assignment, make_resident

WEEK = [dt.date(2026, 11, 2) + dt.timedelta(days=offset) for offset in range(7)]  # Mon–Sun


def _chore(house, name):
    return Chore.objects.create(house=house, name=name, points=2)


@pytest.fixture
def week(harbor, cedar, resident_harbor, resident_cedar):
    """Alex: 7 kitchens (4 on time, 1 late, 1 missed, 1 still to do; 2 of them redone).
    Sam: 3 bathrooms (1 checked, 1 missed, 1 waiting for a redo). Outside the week, nobody's,
    and another house's chores must not count."""
    alex, sam = resident_harbor, make_resident(harbor, full_name="Sam Harbor")
    kitchen, bathroom = _chore(harbor, "Kitchen"), _chore(harbor, "Bathroom")
    for day in WEEK[:4]:
        make_assignment(kitchen, day, alex, status="done")
    Assignment.objects.filter(chore=kitchen, day=WEEK[0]).update(redo_count=1, status="checked")
    make_assignment(kitchen, WEEK[4], alex, late=True, redo_count=2, status="done")
    make_assignment(kitchen, WEEK[5], alex, status="missed")
    make_assignment(kitchen, WEEK[6], alex, status="to_do")
    make_assignment(bathroom, WEEK[0], sam, status="checked")
    make_assignment(bathroom, WEEK[2], sam, status="missed")
    make_assignment(bathroom, WEEK[4], sam, status="redo", redo_count=1)
    make_assignment(bathroom, WEEK[5], None, status="missed")  # nobody could take it
    make_assignment(
        bathroom, WEEK[0] - dt.timedelta(days=1), sam, status="missed"
    )  # the week before
    make_assignment(
        bathroom, WEEK[6] + dt.timedelta(days=1), sam, status="missed"
    )  # the week after
    make_assignment(_chore(cedar, "Porch"), WEEK[3], resident_cedar, status="missed")
    return alex, sam


def test_each_resident_counted_by_hand(harbor, week, django_assert_num_queries):
    alex, sam = week
    with django_assert_num_queries(1):
        found = outcomes.by_resident([harbor.pk], WEEK[0], WEEK[-1])
    assert found == {
        (harbor.pk, alex.pk): outcomes.Outcomes(
            assigned=7, done_on_time=4, done_late=1, missed=1, still_open=1, redone=2
        ),
        (harbor.pk, sam.pk): outcomes.Outcomes(
            assigned=3, done_on_time=1, done_late=0, missed=1, still_open=1, redone=1
        ),
    }
    assert found[(harbor.pk, alex.pk)].completion_percent == 83.3  # 5 done of 6 settled
    assert found[(harbor.pk, sam.pk)].completion_percent == 50.0


def test_each_house_counted_with_zeros_for_none(harbor, cedar, week, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = outcomes.by_house([harbor.pk, cedar.pk, 999_999], WEEK[0], WEEK[-1])
    assert found[harbor.pk] == outcomes.Outcomes(
        assigned=10, done_on_time=5, done_late=1, missed=2, still_open=2, redone=3
    )
    assert found[cedar.pk].missed == 1
    assert found[999_999] == outcomes.Outcomes()
    assert found[999_999].completion_percent is None


def test_a_total_adds_up(harbor, week):
    by_resident = outcomes.by_resident([harbor.pk], WEEK[0], WEEK[-1])
    assert (
        outcomes.total(by_resident.values())
        == outcomes.by_house([harbor.pk], WEEK[0], WEEK[-1])[harbor.pk]
    )


def test_what_the_meeting_talks_through():
    assert not outcomes.Outcomes(assigned=3, done_on_time=3).needs_a_word
    assert outcomes.Outcomes(assigned=3, done_on_time=2, done_late=1).needs_a_word
    assert outcomes.Outcomes(assigned=3, done_on_time=3, redone=1).needs_a_word
