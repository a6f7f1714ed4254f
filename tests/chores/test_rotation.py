"""The chore rotation, one rule at a time, on small houses worked out by hand."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from chores.rotation import Assignment, Occurrence, Past, Person, Pin, Rule, Span, assign

MONDAY = dt.date(2026, 1, 5)


def day(offset: int) -> dt.date:
    return MONDAY + dt.timedelta(days=offset)


def settled(*ids: int) -> list[Person]:
    """Residents who moved in long ago and may take any chore."""
    return [Person.resident(person_id, move_in=day(-100)) for person_id in ids]


def holders(result: list[Assignment]) -> list[int | None]:
    return [a.person_id for a in result]


# Least-loaded first


def test_it_goes_to_whoever_has_fewest_points():
    history = [Past(9, day(-3), 1, 5), Past(8, day(-2), 2, 2), Past(7, day(-1), 3, 3)]
    [chore] = assign([Occurrence(1, day(0), 2)], settled(1, 2, 3), history)
    assert (chore.person_id, chore.rule) == (2, Rule.FEWEST_POINTS)
    assert chore.reason == "Fewest effort points (2)."


def test_points_given_out_earlier_the_same_day_count():
    chores = [Occurrence(1, day(0), 5), Occurrence(2, day(0), 3), Occurrence(3, day(0), 1)]
    assert holders(assign(chores, settled(1, 2, 3))) == [1, 2, 3]


def test_heavier_chores_are_given_out_first():
    light, heavy = Occurrence(1, day(0), 1), Occurrence(2, day(0), 5)
    result = assign([light, heavy], settled(1, 2))
    assert [(a.chore_id, a.person_id) for a in result] == [(2, 1), (1, 2)]


def test_days_are_given_out_in_order():
    # Given in reverse order: Monday's chore is still decided first, so Tuesday's sees it.
    result = assign([Occurrence(2, day(1), 3), Occurrence(1, day(0), 3)], settled(1, 2))
    assert [(a.day, a.person_id) for a in result] == [(day(0), 1), (day(1), 2)]


def test_points_from_before_the_window_are_forgotten():
    history = [Past(9, day(-29), 1, 5), Past(8, day(-28), 2, 1)]
    chore = Occurrence(1, day(0), 2)
    assert holders(assign([chore], settled(1, 2), history)) == [1]
    assert holders(assign([chore], settled(1, 2), history, window_days=29)) == [2]


def test_the_window_stays_put_during_a_run_and_moves_on_with_the_next():
    history = [Past(9, day(-28), 1, 5)]
    result = assign([Occurrence(1, day(0), 1), Occurrence(2, day(40), 1)], settled(1, 2), history)
    # On day 40 person 1's five points from day -28 still count: a window that slid along
    # with the days would have forgotten them and given person 1 this chore.
    assert holders(result) == [2, 2]
    # A run that starts a day later no longer sees them.
    assert holders(assign([Occurrence(1, day(1), 1)], settled(1, 2), history)) == [1]


# Ties


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        # Person 3 did it most recently, then 1; person 2 longest ago.
        ((1, 2, 3), 2),
        # Someone who never did it goes before anyone who did.
        ((1, 2, 3, 4), 4),
    ],
)
def test_a_tie_goes_to_whoever_did_the_chore_longest_ago(people, expected):
    # All outside the window, so nobody has any points: only the dates tell them apart.
    history = [Past(1, day(-35), 1, 2), Past(1, day(-45), 2, 2), Past(1, day(-30), 3, 2)]
    [chore] = assign([Occurrence(1, day(0), 2)], settled(*people), history)
    assert chore.person_id == expected


def test_a_tie_on_everything_goes_to_the_lowest_id_whatever_the_order_given():
    [chore] = assign([Occurrence(1, day(0), 2)], settled(3, 1, 2))
    assert chore.person_id == 1
    assert chore.reason == "Fewest effort points (0), tied; next in the house's order."


def test_the_reason_says_what_broke_a_tie():
    # Person 9, who has left, had the last turn; nobody has points inside the window.
    history = [Past(1, day(-40), 2, 2), Past(1, day(-30), 9, 2)]
    [chore] = assign([Occurrence(1, day(0), 2)], settled(1, 2), history)
    assert chore.person_id == 1
    assert chore.reason == "Fewest effort points (0), tied; never did this chore."
    history = [Past(1, day(-40), 2, 2), Past(1, day(-35), 1, 2), Past(1, day(-30), 9, 2)]
    [chore] = assign([Occurrence(1, day(0), 2)], settled(1, 2), history)
    assert chore.person_id == 2
    assert chore.reason == "Fewest effort points (0), tied; did this chore longest ago."


# Not twice in a row


def test_nobody_gets_a_chore_twice_in_a_row():
    # Person 1 has fewer points but did this chore yesterday.
    history = [Past(1, day(-1), 1, 1), Past(2, day(-1), 2, 5)]
    [chore] = assign([Occurrence(1, day(0), 1)], settled(1, 2), history)
    assert (chore.person_id, chore.rule) == (2, Rule.NOT_TWICE)
    assert chore.reason.startswith("Whoever had fewer points has the turn before or after")


def test_twice_in_a_row_when_nobody_else_may_take_it():
    people = [
        Person.resident(1, move_in=day(-100)),
        Person.resident(2, move_in=day(-100), away=[(day(0), day(0))]),
    ]
    [chore] = assign([Occurrence(1, day(0), 1)], people, [Past(1, day(-1), 1, 1)])
    assert (chore.person_id, chore.rule) == (1, Rule.ONLY_ONE)


def test_a_turn_already_decided_after_this_one_counts_too():
    # Person 1 already has Wednesday's turn (a pin, or kept from before), so not Tuesday's.
    history = [Past(2, day(-1), 2, 3), Past(1, day(2), 1, 1)]
    [chore] = assign([Occurrence(1, day(1), 1)], settled(1, 2), history)
    assert (chore.person_id, chore.rule) == (2, Rule.NOT_TWICE)

    pins = [Pin(1, day(2), 1)]
    chores = [Occurrence(1, day(1), 1), Occurrence(1, day(2), 1)]
    result = assign(chores, settled(1, 2), [Past(2, day(-1), 2, 3)], pins)
    assert holders(result) == [2, 1]


def test_a_turn_still_to_decide_in_between_does_not_block():
    history = [Past(1, day(2), 1, 1)]
    chores = [Occurrence(1, day(0), 1), Occurrence(1, day(1), 1)]
    assert holders(assign(chores, settled(1, 2), history)) == [1, 2]


def test_keeping_people_level_and_never_twice_in_a_row_can_conflict():
    """Why the spread can pass one chore's points: two residents, X daily, Y on days 0 and 2,
    Z on day 1, all worth 5. No split at all keeps both rules and the spread."""
    chores = [
        Occurrence(1, day(0), 5),
        Occurrence(2, day(0), 5),
        Occurrence(1, day(1), 5),
        Occurrence(3, day(1), 5),
        Occurrence(1, day(2), 5),
        Occurrence(2, day(2), 5),
    ]

    def keeps_both(split: tuple[int, ...]) -> bool:
        last: dict[int, int] = {}
        points = {1: 0, 2: 0}
        for index, (chore, person) in enumerate(zip(chores, split, strict=True)):
            if last.get(chore.chore_id) == person:
                return False
            last[chore.chore_id] = person
            points[person] += chore.points
            end_of_day = index % 2 == 1
            if end_of_day and abs(points[1] - points[2]) > 5:
                return False
        return True

    assert not any(keeps_both(split) for split in itertools.product((1, 2), repeat=6))

    result = assign(chores, settled(1, 2))
    assert holders(result) == [1, 2, 2, 1, 1, 1]
    assert result[-1].rule == Rule.NOT_TWICE


# Who may take chores


@pytest.mark.parametrize(
    ("first", "free"),
    [
        (Person.resident(1, move_in=day(-100), away=[(day(-1), day(1))]), False),
        (Person.resident(1, move_in=day(-100), away=[(day(-3), day(-1))]), True),
        (Person.resident(1, move_in=day(1)), False),
        (Person.resident(1, move_in=day(0)), True),
        (Person.resident(1, move_in=day(-100), move_out=day(0)), False),
        (Person.resident(1, move_in=day(-100), move_out=day(1)), True),
        (Person.resident(1, move_in=day(-2), first_days=3), False),
        (Person.resident(1, move_in=day(-2), first_days=2), True),
        (Person.resident(1, move_in=day(-100), excluded_chores=[1]), False),
        (Person.resident(1, move_in=day(-100), excluded_chores=[2]), True),
    ],
    ids=[
        "away",
        "back from being away",
        "not moved in yet",
        "moving in today",
        "moved out",
        "moving out tomorrow",
        "settling in",
        "first days over",
        "excluded from it",
        "excluded from another chore",
    ],
)
def test_only_people_free_to_take_the_chore_are_given_it(first, free):
    # Person 1 would win any tie; give person 2 a head start of points to be sure.
    people = [first, Person.resident(2, move_in=day(-100))]
    [chore] = assign([Occurrence(1, day(0), 1)], people, [Past(9, day(-1), 2, 1)])
    assert chore.person_id == (1 if free else 2)


def test_nobody_may_take_it():
    people = [
        Person.resident(1, move_in=day(-100), away=[(day(0), day(3))]),
        Person.resident(2, move_in=day(-1), first_days=3),
        Person.resident(3, move_in=day(-100), excluded_chores=[1]),
        Person.resident(4, move_in=day(-100), move_out=day(-5)),
    ]
    [chore] = assign([Occurrence(1, day(0), 1)], people)
    assert (chore.person_id, chore.rule) == (None, Rule.NOBODY)
    assert chore.reason == (
        "Nobody may take it that day: 1 away, 1 settling in, 1 excluded from this chore."
    )
    [chore] = assign([Occurrence(1, day(0), 1)], people[3:])
    assert chore.reason == "Nobody lives in the house that day."


def test_a_person_can_have_two_stays():
    readmitted = Person(1, stays=(Span(day(-100), day(-11)), Span(day(5))))
    free = [readmitted.is_free(day(offset)) for offset in (-11, -10, 0, 4, 5, 50)]
    assert free == [True, False, False, False, True, True]


# Pins


def test_a_pin_is_kept_and_counted():
    chores = [Occurrence(1, day(0), 5), Occurrence(2, day(0), 1)]
    result = assign(chores, settled(1, 2), pins=[Pin(2, day(0), 1)])
    # Person 1's pinned point counts, so the five-pointer goes to person 2.
    assert [(a.chore_id, a.person_id, a.rule) for a in result] == [
        (1, 2, Rule.FEWEST_POINTS),
        (2, 1, Rule.PINNED),
    ]


def test_a_pin_may_give_someone_a_chore_twice_in_a_row():
    history = [Past(1, day(-1), 1, 1)]
    [chore] = assign([Occurrence(1, day(0), 1)], settled(1, 2), history, [Pin(1, day(0), 1)])
    assert (chore.person_id, chore.rule) == (1, Rule.PINNED)


@pytest.mark.parametrize(
    ("pinned", "why"),
    [
        (Person.resident(1, move_in=day(-100), away=[(day(0), day(0))]), "away"),
        (Person.resident(1, move_in=day(-100), excluded_chores=[1]), "excluded from this chore"),
        (Person.resident(1, move_in=day(-100), move_out=day(0)), "not living in the house"),
    ],
)
def test_a_pin_to_someone_who_cannot_take_it_is_not_kept(pinned, why):
    people = [pinned, Person.resident(2, move_in=day(-100))]
    [chore] = assign([Occurrence(1, day(0), 1)], people, pins=[Pin(1, day(0), 1)])
    assert (chore.person_id, chore.rule) == (2, Rule.FEWEST_POINTS)
    assert (
        chore.reason
        == f"The pin to resident 1 could not be kept ({why}). Fewest effort points (0)."
    )


def test_a_pin_to_someone_not_in_the_list_is_not_kept():
    [chore] = assign([Occurrence(1, day(0), 1)], settled(2), pins=[Pin(1, day(0), 7)])
    assert chore.person_id == 2
    assert chore.reason.startswith("The pin to resident 7 could not be kept (not living")


# Newcomers and returners


def test_a_newcomer_starts_from_the_average_not_from_zero():
    people = [*settled(1, 2), Person.resident(3, move_in=day(0))]
    history = [Past(9, day(-2), 1, 12), Past(9, day(-1), 2, 12)]
    chores = [Occurrence(chore_id, day(0), 2) for chore_id in (1, 2, 3, 4)]
    # From zero the newcomer would take all four; from the others' 12 they take one.
    assert holders(assign(chores, people, history)) == [1, 2, 3, 1]


def test_the_average_is_of_those_already_taking_chores():
    people = [
        *settled(1, 2),
        Person.resident(3, move_in=day(-100), away=[(day(-10), day(-1))]),
        Person.resident(4, move_in=day(0)),
    ]
    history = [Past(9, day(-2), 1, 10), Past(9, day(-1), 2, 14)]
    chores = [Occurrence(chore_id, day(0), 1) for chore_id in (1, 2, 3, 4, 5, 6)]
    result = assign(chores, people, history)
    # 3 and 4 both join today: each starts at 12, the average of 1 and 2 (not of each other).
    assert result[0].reason == "Fewest effort points (10)."
    assert holders(result) == [1, 1, 1, 3, 4, 1]


def test_someone_back_from_being_away_starts_from_the_average():
    people = [*settled(1, 2), Person.resident(3, move_in=day(-100), away=[(day(-10), day(-1))])]
    history = [Past(9, day(-5), 1, 10), Past(9, day(-4), 2, 10)]
    chores = [Occurrence(chore_id, day(0), 2) for chore_id in (1, 2, 3)]
    assert holders(assign(chores, people, history)) == [1, 2, 3]


def test_someone_ahead_of_the_average_keeps_their_own_count():
    people = [*settled(1, 2), Person.resident(3, move_in=day(-100), away=[(day(-3), day(-1))])]
    history = [Past(9, day(-20), 3, 20), Past(9, day(-2), 1, 10), Past(9, day(-1), 2, 10)]
    chores = [Occurrence(chore_id, day(0), 5) for chore_id in (1, 2, 3)]
    assert holders(assign(chores, people, history)) == [1, 2, 1]


def test_first_days_over_is_a_start_too():
    people = [*settled(1, 2), Person.resident(3, move_in=day(-3), first_days=3)]
    history = [Past(9, day(-2), 1, 8), Past(9, day(-1), 2, 8)]
    [first, second] = assign([Occurrence(1, day(0), 5), Occurrence(2, day(0), 5)], people, history)
    assert (first.person_id, second.person_id) == (1, 2)


# Changing plans


def test_a_departing_residents_chores_go_to_the_others():
    people = settled(1, 2, 3, 4)
    chores = [
        Occurrence(chore_id, day(offset), points)
        for offset in range(14)
        for chore_id, points in ((1, 3), (2, 1))
    ]
    plan = assign(chores, people)
    assert 2 in {a.person_id for a in plan if a.day >= day(5)}

    # Person 2 leaves on day 5: re-assign just their chores from then on.
    people[1] = Person.resident(2, move_in=day(-100), move_out=day(5))
    theirs = [a for a in plan if a.person_id == 2 and a.day >= day(5)]
    kept = [a for a in plan if a not in theirs]
    redone = assign(
        [Occurrence(a.chore_id, a.day, a.points) for a in theirs],
        people,
        [Past(a.chore_id, a.day, a.person_id, a.points) for a in kept if a.person_id is not None],
    )

    assert [(a.chore_id, a.day) for a in redone] == [(a.chore_id, a.day) for a in theirs]
    assert all(a.person_id in {1, 3, 4} for a in redone)
    merged = sorted([*kept, *redone], key=lambda a: (a.chore_id, a.day))
    for before, after in itertools.pairwise(merged):
        if before.chore_id == after.chore_id:
            assert before.person_id != after.person_id, (before, after)


# Contracts


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"occurrences": [Occurrence(1, day(0), 1), Occurrence(1, day(0), 2)]},
            "is given twice",
        ),
        ({"people": [*settled(1), *settled(1)]}, "is given twice"),
        ({"pins": [Pin(1, day(1), 1)]}, "names no occurrence"),
        ({"pins": [Pin(1, day(0), 1), Pin(1, day(0), 2)]}, "two pins"),
        ({"history": [Past(1, day(0), 1, 1)]}, "history already holds chore 1"),
        ({"window_days": -1}, "cannot be negative"),
    ],
)
def test_it_refuses_what_makes_no_sense(kwargs, message):
    arguments = {"occurrences": [Occurrence(1, day(0), 1)], "people": settled(1, 2)} | kwargs
    with pytest.raises(ValueError, match=message):
        assign(**arguments)


def test_nothing_to_assign():
    assert assign([], settled(1)) == []
