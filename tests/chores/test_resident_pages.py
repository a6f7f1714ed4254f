"""A resident's chore pages: my chores, done and undo (with htmx and as plain forms), checks and
swaps, each with its access rules. Harbor House is in America/Los_Angeles."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from chores import services
from chores.models import Assignment, Chore, Swap
from chores.schedule import due_at
from residents.rules import rules_publish
from tests.factories import make_resident

HTMX = {"HTTP_HX_REQUEST": "true"}
# 10:00 in Los Angeles on Wednesday 14 October 2026 (UTC-7).
MORNING = dt.datetime(2026, 10, 14, 17, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _morning():
    with time_machine.travel(MORNING, tick=False):
        yield


def _assignment(
    house,
    resident,
    *,
    name="Kitchen",
    checker=Chore.Checker.NOBODY,
    day=None,
    due=dt.time(20, 0),
    checklist="",
    status=Assignment.Status.TO_DO,
):
    chore = Chore.objects.create(
        house=house, name=name, points=3, checker=checker, due_time=due, checklist=checklist
    )
    day = day or house.today()
    return Assignment.objects.create(
        chore=chore,
        house=house,
        day=day,
        due_at=due_at(day, due, house.time_zone),
        resident=resident,
        points=chore.points,
        status=status,
    )


def _page(client, user, url="/chores/"):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


# My chores


def test_it_shows_my_chores_with_the_checklist_and_due_time_in_the_houses_zone(
    client, harbor, resident_harbor
):
    _assignment(harbor, resident_harbor, checklist="Wipe the counters\n\n  Mop the floor ")
    page = _page(client, resident_harbor.user).content.decode()
    assert "Kitchen" in page
    assert "<li>Wipe the counters</li>" in page and "<li>Mop the floor</li>" in page
    # 20:00 on the house's clock, whatever the server's zone.
    assert "Due today at 8:00 p.m." in page


def test_nobody_elses_chores_are_in_the_way(client, harbor, cedar, resident_harbor, resident_cedar):
    _assignment(harbor, resident_harbor, name="Kitchen")
    _assignment(harbor, make_resident(harbor), name="Bathroom")
    _assignment(cedar, resident_cedar, name="Porch")
    page = _page(client, resident_harbor.user).content.decode()
    assert "Kitchen" in page
    assert "Bathroom" not in page and "Porch" not in page


def test_it_lists_overdue_redo_and_missed_chores_in_supportive_words(
    client, harbor, resident_harbor
):
    today = harbor.today()
    _assignment(harbor, resident_harbor, name="Yesterday's bins", day=today - dt.timedelta(1))
    redo = _assignment(harbor, resident_harbor, name="Stove", status=Assignment.Status.REDO)
    Assignment.objects.filter(pk=redo.pk).update(check_note="The stove top, please.")
    _assignment(
        harbor,
        resident_harbor,
        name="Porch",
        day=today - dt.timedelta(2),
        status=Assignment.Status.MISSED,
    )
    _assignment(harbor, resident_harbor, name="Tomorrow's laundry", day=today + dt.timedelta(1))

    response = _page(client, resident_harbor.user)

    to_do = [assignment.chore.name for assignment in response.context["mine"].to_do]
    assert to_do == ["Porch", "Yesterday's bins", "Stove"]
    page = response.content.decode()
    for words in ("Overdue", "Needs a redo", "The stove top, please.", "Missed"):
        assert words in page
    assert "Tomorrow" not in page
    assert "violation" not in page.lower()


def test_done_and_waiting_chores_have_their_own_lists(client, harbor, resident_harbor):
    plain = _assignment(harbor, resident_harbor, name="Bins")
    checked = _assignment(harbor, resident_harbor, name="Stove", checker=Chore.Checker.MANAGER)
    services.chore_mark_done(assignment=plain, by=resident_harbor)
    services.chore_mark_done(assignment=checked, by=resident_harbor)
    mine = _page(client, resident_harbor.user).context["mine"]
    assert (mine.to_do, mine.done, mine.waiting) == ([], [plain], [checked])


def test_it_requires_a_current_stay(client, harbor, resident_harbor, manager_harbor):
    client.force_login(manager_harbor)
    assert client.get("/chores/").status_code == 404


def _crowded_house(house, residents: int):
    """``residents`` people, each with a chore today, one done, and a swap between neighbours."""
    people = [make_resident(house) for _ in range(residents)]
    for index, person in enumerate(people):
        _assignment(house, person, name=f"Chore {index}")
        done = _assignment(house, person, name=f"Done {index}", checker=Chore.Checker.MANAGER)
        services.chore_mark_done(assignment=done, by=person)
        other = people[(index + 1) % residents]
        services.swap_ask(
            assignment=_assignment(house, person, name=f"Swap {index}"), by=person, of=other
        )
    return people


@pytest.mark.parametrize("residents", [5, 50])
def test_my_chores_runs_the_same_queries_whatever_the_house_size(
    client, django_assert_num_queries, harbor, residents
):
    me = _crowded_house(harbor, residents)[0]
    client.force_login(me.user)
    # session, user, the houses they manage (none; the two-factor check and the navigation
    # share it), their current stay, their assignments, their swap requests, the unread count
    # (navigation)
    with django_assert_num_queries(7):
        response = client.get("/chores/")
    assert response.status_code == 200
    mine = response.context["mine"]
    assert (len(mine.to_do), len(mine.waiting), len(mine.asked_of_me), len(mine.asked_by_me)) == (
        2,
        1,
        1,
        1,
    )


@pytest.mark.parametrize("residents", [5, 50])
def test_today_runs_the_same_queries_whatever_the_house_size(
    client, django_assert_num_queries, harbor, manager_harbor, residents
):
    me = _crowded_house(harbor, residents)[0]
    rules_publish(house=harbor, text="Be kind.", by=manager_harbor)
    client.force_login(me.user)
    # session, user, managed houses, current stay, the current house rules (with whether I
    # signed them), my open chores, my outside meetings this week (with the house's number), the
    # next house meeting, motions waiting for my vote, my pairings on either side (with their
    # last contact), the unread count (navigation)
    with django_assert_num_queries(11):
        response = client.get("/today/")
    page = response.content.decode()
    assert "House rules to sign" in page
    assert "Your chores today" in page
    assert "Chore 0" in page and "Chore 1" not in page


# Done and undo


def test_a_plain_form_ticks_done_and_comes_back_with_a_message(client, harbor, resident_harbor):
    assignment = _assignment(harbor, resident_harbor)
    client.force_login(resident_harbor.user)
    response = client.post(f"/chores/{assignment.pk}/done/", {"note": " Mopped too "}, follow=True)
    assert response.redirect_chain == [("/chores/", 302)]
    assert "“Kitchen” is done. Thank you." in response.content.decode()
    assignment.refresh_from_db()
    assert (assignment.status, assignment.note) == ("done", "Mopped too")
    assert response.context["mine"].done == [assignment]


def test_htmx_gets_the_fragment_moved_to_done_with_undo(client, harbor, resident_harbor):
    assignment = _assignment(harbor, resident_harbor)
    client.force_login(resident_harbor.user)
    response = client.post(f"/chores/{assignment.pk}/done/", **HTMX)
    assert response.status_code == 200
    assert [t.name for t in response.templates] == ["chores/_assignment.html"]
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#chores-done", "afterbegin")
    fragment = response.content.decode()
    # The old row leaves the to-do list; the new one lands in "done".
    assert f'<li id="assignment-{assignment.pk}" data-hx-swap-oob="delete"></li>' in fragment
    assert "Undo" in fragment and "Mark as done" not in fragment
    assert "<html" not in fragment
    assignment.refresh_from_db()
    assert assignment.status == "done"


def test_a_chore_with_a_checker_moves_to_waiting(client, harbor, resident_harbor):
    assignment = _assignment(harbor, resident_harbor, checker=Chore.Checker.MANAGER)
    client.force_login(resident_harbor.user)
    response = client.post(f"/chores/{assignment.pk}/done/", **HTMX)
    assert response["HX-Retarget"] == "#chores-waiting"
    assert "Waiting for a check" in response.content.decode()


def test_a_second_tap_with_htmx_says_why_in_place(client, harbor, resident_harbor):
    assignment = _assignment(harbor, resident_harbor)
    client.force_login(resident_harbor.user)
    client.post(f"/chores/{assignment.pk}/done/", **HTMX)
    response = client.post(f"/chores/{assignment.pk}/done/", **HTMX)
    assert response.status_code == 200
    assert "HX-Retarget" not in response
    assert "This chore is already done." in response.content.decode()


def test_undo_with_a_plain_form(client, harbor, resident_harbor):
    assignment = _assignment(harbor, resident_harbor)
    services.chore_mark_done(assignment=assignment, by=resident_harbor, note="Done")
    client.force_login(resident_harbor.user)
    response = client.post(f"/chores/{assignment.pk}/undo/", follow=True)
    assert response.redirect_chain == [("/chores/", 302)]
    assert "“Kitchen” is back on your list." in response.content.decode()
    assignment.refresh_from_db()
    assert (assignment.status, assignment.done_at, assignment.note) == ("to_do", None, "")


def test_undo_with_htmx_moves_it_back_to_the_list(client, harbor, resident_harbor):
    assignment = _assignment(harbor, resident_harbor)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    client.force_login(resident_harbor.user)
    response = client.post(f"/chores/{assignment.pk}/undo/", **HTMX)
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#chores-to-do", "afterbegin")
    assert "Mark as done" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "to_do"


def test_undo_is_offered_and_works_for_five_minutes_only(client, harbor, resident_harbor):
    assignment = _assignment(harbor, resident_harbor)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    client.force_login(resident_harbor.user)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=4), tick=False):
        assert "Undo" in client.get("/chores/").content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=6), tick=False):
        assert "Undo" not in client.get("/chores/").content.decode()
        response = client.post(f"/chores/{assignment.pk}/undo/", **HTMX)
        assert "A tick can be undone for 5 minutes only." in response.content.decode()
        response = client.post(f"/chores/{assignment.pk}/undo/", follow=True)
        assert "A tick can be undone for 5 minutes only." in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == "done"


@pytest.mark.parametrize("action", ["done", "undo"])
def test_a_resident_cannot_tick_anothers_chore(client, harbor, resident_harbor, action):
    housemate = make_resident(harbor)
    assignment = _assignment(harbor, housemate)
    if action == "undo":
        services.chore_mark_done(assignment=assignment, by=housemate)
    client.force_login(resident_harbor.user)
    assert client.post(f"/chores/{assignment.pk}/{action}/").status_code == 404
    assert client.post(f"/chores/{assignment.pk}/{action}/", **HTMX).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == ("to_do" if action == "done" else "done")


def test_cedar_gets_404_on_a_harbor_assignment(client, harbor, resident_harbor, resident_cedar):
    assignment = _assignment(harbor, resident_harbor)
    client.force_login(resident_cedar.user)
    for url in ("done", "undo", "swap", "check"):
        assert client.post(f"/chores/{assignment.pk}/{url}/").status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "to_do"


def test_done_rejects_get(client, harbor, resident_harbor):
    assignment = _assignment(harbor, resident_harbor)
    client.force_login(resident_harbor.user)
    assert client.get(f"/chores/{assignment.pk}/done/").status_code == 405


# Checks


def _done(house, resident, checker, name="Kitchen"):
    assignment = _assignment(house, resident, checker=checker, name=name)
    services.chore_mark_done(assignment=assignment, by=resident, note="Mopped too")
    return assignment


def _waiting_for(client, user) -> list[str]:
    client.force_login(user)
    response = client.get("/chores/checks/")
    assert response.status_code == 200
    return [assignment.chore.name for assignment, _ in response.context["rows"]]


def test_who_sees_what_is_waiting_for_a_check(
    client, harbor, cedar, resident_harbor, resident_cedar, manager_harbor, manager_cedar, staff
):
    coordinator, housemate = make_resident(harbor), make_resident(harbor)
    settings = services.chore_settings(harbor)
    settings.coordinator = coordinator
    settings.save()
    _done(harbor, resident_harbor, Chore.Checker.MANAGER, "By the manager")
    _done(harbor, resident_harbor, Chore.Checker.COORDINATOR, "By the coordinator")
    _done(harbor, resident_harbor, Chore.Checker.ANY_RESIDENT, "By anyone")
    _done(harbor, resident_harbor, Chore.Checker.NOBODY, "By nobody")
    _assignment(harbor, housemate, checker=Chore.Checker.ANY_RESIDENT, name="Not done yet")

    everything = ["By the manager", "By the coordinator", "By anyone"]
    assert _waiting_for(client, manager_harbor) == everything
    assert _waiting_for(client, staff) == everything
    assert _waiting_for(client, coordinator.user) == ["By the coordinator", "By anyone"]
    assert _waiting_for(client, housemate.user) == ["By anyone"]
    assert _waiting_for(client, resident_harbor.user) == []  # never their own
    assert _waiting_for(client, resident_cedar.user) == []
    assert _waiting_for(client, manager_cedar) == []


def test_a_manager_checks_a_chore(client, harbor, resident_harbor, manager_harbor):
    assignment = _done(harbor, resident_harbor, Chore.Checker.MANAGER)
    client.force_login(manager_harbor)
    page = client.get(f"/chores/{assignment.pk}/check/").content.decode()
    assert "Their note: Mopped too" in page
    response = client.post(f"/chores/{assignment.pk}/check/", {"decision": "approve"}, follow=True)
    assert response.redirect_chain == [("/chores/checks/", 302)]
    assert "“Kitchen” is checked. Thank you." in response.content.decode()
    assignment.refresh_from_db()
    assert (assignment.status, assignment.checked_by) == ("checked", manager_harbor)


def test_a_redo_needs_a_kind_note_beside_the_field(client, harbor, resident_harbor, manager_harbor):
    assignment = _done(harbor, resident_harbor, Chore.Checker.MANAGER)
    client.force_login(manager_harbor)
    response = client.post(f"/chores/{assignment.pk}/check/", {"decision": "redo", "note": " "})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<div class="field-error" id="check-{assignment.pk}-note_error">' in page
    assert "Say what needs doing again, kindly." in page
    assignment.refresh_from_db()
    assert assignment.status == "done"


def test_a_check_without_a_choice_keeps_the_note(client, harbor, resident_harbor, manager_harbor):
    assignment = _done(harbor, resident_harbor, Chore.Checker.MANAGER)
    client.force_login(manager_harbor)
    response = client.post(f"/chores/{assignment.pk}/check/", {"note": "The stove top, please."})
    page = response.content.decode()
    assert "Choose “Looks good” or “Needs a redo”." in page
    assert ">\nThe stove top, please.</textarea>" in page


def test_a_redo_goes_back_to_the_resident(client, harbor, resident_harbor):
    housemate = make_resident(harbor)
    assignment = _done(harbor, resident_harbor, Chore.Checker.ANY_RESIDENT)
    client.force_login(housemate.user)
    response = client.post(
        f"/chores/{assignment.pk}/check/", {"decision": "redo", "note": "The stove top, please."}
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.status, assignment.redo_count) == ("redo", 1)
    page = _page(client, resident_harbor.user).content.decode()
    assert "Needs a redo" in page and "The stove top, please." in page


@pytest.mark.parametrize(
    "checker", [Chore.Checker.MANAGER, Chore.Checker.COORDINATOR, Chore.Checker.NOBODY]
)
def test_a_resident_who_may_not_check_gets_404(client, harbor, resident_harbor, checker):
    assignment = _done(harbor, resident_harbor, checker)
    housemate = make_resident(harbor)
    client.force_login(housemate.user)
    assert client.get(f"/chores/{assignment.pk}/check/").status_code == 404
    response = client.post(f"/chores/{assignment.pk}/check/", {"decision": "approve"})
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "done"


def test_nobody_checks_their_own_or_another_houses_chore(
    client, harbor, resident_harbor, resident_cedar, manager_cedar
):
    assignment = _done(harbor, resident_harbor, Chore.Checker.ANY_RESIDENT)
    for user in (resident_harbor.user, resident_cedar.user, manager_cedar):
        client.force_login(user)
        response = client.post(f"/chores/{assignment.pk}/check/", {"decision": "approve"})
        assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "done"


@pytest.mark.parametrize("chores", [5, 50])
def test_checks_run_the_same_queries_whatever_the_number(
    client, django_assert_num_queries, harbor, manager_harbor, chores
):
    for index in range(chores):
        _done(harbor, make_resident(harbor), Chore.Checker.MANAGER, name=f"Chore {index}")
    client.force_login(manager_harbor)
    # session, user, managed houses, the two-factor record, current stay (none), the chores,
    # the unread count (navigation)
    with django_assert_num_queries(7):
        response = client.get("/chores/checks/")
    assert len(response.context["rows"]) == chores


# Swaps


def test_a_resident_asks_a_housemate_to_swap(client, harbor, resident_harbor, resident_cedar):
    housemate = make_resident(harbor, full_name="Robin Housemate")
    make_resident(harbor, move_in=harbor.today() + dt.timedelta(3), full_name="Not Yet")
    assignment = _assignment(harbor, resident_harbor)
    client.force_login(resident_harbor.user)

    response = client.get(f"/chores/{assignment.pk}/swap/")
    choices = list(response.context["form"].fields["asked_of"].queryset)
    assert choices == [housemate]  # not me, not cedar, not someone yet to move in

    response = client.post(
        f"/chores/{assignment.pk}/swap/", {"asked_of": housemate.pk, "message": "Dentist at 7"}
    )
    assert response.status_code == 302 and response["Location"] == "/chores/"
    swap = Swap.objects.get(assignment=assignment)
    assert (swap.asked_of, swap.message, swap.status) == (housemate, "Dentist at 7", "asked")
    page = _page(client, resident_harbor.user).content.decode()
    assert "You asked Robin Housemate to take this" in page


def test_asking_someone_outside_the_house_is_refused_and_keeps_the_message(
    client, harbor, resident_harbor, resident_cedar
):
    make_resident(harbor)
    assignment = _assignment(harbor, resident_harbor)
    client.force_login(resident_harbor.user)
    response = client.post(
        f"/chores/{assignment.pk}/swap/", {"asked_of": resident_cedar.pk, "message": "Please?"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["asked_of"]
    assert ">\nPlease?</textarea>" in response.content.decode()
    assert not Swap.objects.exists()


def test_only_my_own_open_chore_can_be_offered(client, harbor, resident_harbor):
    theirs = _assignment(harbor, make_resident(harbor), name="Theirs")
    done = _assignment(harbor, resident_harbor, status=Assignment.Status.DONE)
    client.force_login(resident_harbor.user)
    assert client.get(f"/chores/{theirs.pk}/swap/").status_code == 404
    assert client.get(f"/chores/{done.pk}/swap/").status_code == 404


def _asked(house, asker, of):
    assignment = _assignment(house, asker)
    return services.swap_ask(assignment=assignment, by=asker, of=of, message="Dentist at 7")


def test_the_asker_withdraws_from_the_chore_list(client, harbor, resident_harbor):
    housemate = make_resident(harbor, full_name="Robin Housemate")
    swap = _asked(harbor, resident_harbor, housemate)
    client.force_login(resident_harbor.user)
    page = _page(client, resident_harbor.user).content.decode()
    assert f'action="/chores/swaps/{swap.pk}/withdraw/"' in page
    response = client.post(f"/chores/swaps/{swap.pk}/withdraw/", follow=True)
    assert "stays yours" in response.content.decode()
    swap.refresh_from_db()
    assert swap.status == "withdrawn"
    response = client.post(f"/chores/swaps/{swap.pk}/withdraw/", follow=True)
    assert "already been answered or withdrawn" in response.content.decode()


def test_the_person_asked_accepts(client, harbor, resident_harbor):
    asker = make_resident(harbor, full_name="Robin Asker")
    swap = _asked(harbor, asker, resident_harbor)
    page = _page(client, resident_harbor.user).content.decode()
    assert "Robin Asker</strong> asks if you can take" in page
    response = client.post(f"/chores/swaps/{swap.pk}/", {"answer": "accept"})
    assert response.status_code == 302 and response["Location"] == "/chores/"
    swap.assignment.refresh_from_db()
    assert swap.assignment.resident == resident_harbor
    mine = client.get("/chores/").context["mine"]
    assert [assignment.pk for assignment in mine.to_do] == [swap.assignment.pk]


def test_the_person_asked_declines(client, harbor, resident_harbor):
    asker = make_resident(harbor)
    swap = _asked(harbor, asker, resident_harbor)
    client.force_login(resident_harbor.user)
    client.post(f"/chores/swaps/{swap.pk}/", {"answer": "decline"})
    swap.refresh_from_db()
    swap.assignment.refresh_from_db()
    assert (swap.status, swap.assignment.resident) == ("declined", asker)
    client.force_login(asker.user)
    assert "They could not this time" in client.get("/chores/").content.decode()


def test_only_the_person_asked_answers(client, harbor, resident_harbor, resident_cedar):
    asker, bystander = make_resident(harbor), make_resident(harbor)
    swap = _asked(harbor, asker, resident_harbor)
    for person in (asker, bystander, resident_cedar):
        client.force_login(person.user)
        assert client.get(f"/chores/swaps/{swap.pk}/").status_code == 404
        assert client.post(f"/chores/swaps/{swap.pk}/", {"answer": "accept"}).status_code == 404
    swap.refresh_from_db()
    assert swap.status == "asked"


def test_an_answer_to_a_chore_done_meanwhile_is_explained(client, harbor, resident_harbor):
    asker = make_resident(harbor)
    swap = _asked(harbor, asker, resident_harbor)
    services.chore_mark_done(assignment=swap.assignment, by=asker)
    client.force_login(resident_harbor.user)
    response = client.post(f"/chores/swaps/{swap.pk}/", {"answer": "accept"})
    assert response.status_code == 200
    # Doing it withdrew the request, which the person asked is told.
    assert "withdrew this request" in response.content.decode()
    assert "nothing for you to do" in response.content.decode()
    swap.refresh_from_db()
    assert swap.status == "withdrawn"
