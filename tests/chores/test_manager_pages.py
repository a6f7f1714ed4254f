"""The manager's chore pages: the catalogue and its settings, the rotation preview with pins, the
chore chart, and the chores panel of the house dashboard; who may open each one."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from chores import schedule
from chores.dashboard import chores_panel
from chores.generation import assignments_generate, plan
from chores.models import Absence, Assignment, Chore, Exclusion, HouseChoreSettings, Swap
from chores.rotation import Rule
from chores.services import chore_settings
from residents.models import Stay
from soberhouse.models import AuditEvent
from tests.factories import make_resident

D = dt.date
# Wednesday 9 December 2026, noon in Los Angeles (UTC-8), where Harbor House is.
WEDNESDAY_NOON = dt.datetime(2026, 12, 9, 20, 0, tzinfo=dt.UTC)
TODAY = D(2026, 12, 9)
MONDAY = D(2026, 12, 7)


@pytest.fixture
def wednesday():
    """Listed first among a test's fixtures, so that the houses and people are made on the day."""
    with time_machine.travel(WEDNESDAY_NOON, tick=False):
        yield


def _people(house, count: int, *, prefix: str = "Person") -> list:
    return [
        make_resident(
            house,
            move_in=TODAY - dt.timedelta(days=60),
            full_name=f"{prefix} {index:02d}",
            email=f"{prefix.lower()}{index}.{house.slug}@example.test",
        )
        for index in range(count)
    ]


def _chore(house, name="Kitchen floor", **fields) -> Chore:
    return Chore.objects.create(house=house, name=name, **fields)


def _assignment(chore, day, resident, status=Assignment.Status.TO_DO, **fields) -> Assignment:
    return Assignment.objects.create(
        chore=chore,
        house=chore.house,
        day=day,
        due_at=schedule.due_at(day, chore.due_time, chore.house.time_zone),
        resident=resident,
        points=chore.points,
        status=status,
        **fields,
    )


@pytest.fixture
def coordinator(resident_harbor, harbor):
    settings = chore_settings(harbor)
    settings.coordinator = resident_harbor
    settings.save()
    return resident_harbor.user


def _chore_post(**changes) -> dict:
    data = {
        "name": "Bathrooms",
        "checklist": "Sinks\nMirrors\nFloor",
        "area": "Upstairs",
        "points": "3",
        "schedule": "weekdays",
        "weekdays": ["0", "3"],
        "every_n_weeks": "2",
        "starts_on": "2026-01-05",
        "day_of_month": "1",
        "due_time": "19:30",
        "checker": "manager",
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Who may open each page


def _urls(house, chore, assignment):
    slug = house.slug
    return [
        ("get", f"/houses/{slug}/chores/"),
        ("get", f"/houses/{slug}/chores/new/"),
        ("get", f"/houses/{slug}/chores/{chore.pk}/"),
        ("get", f"/houses/{slug}/chores/rotation/"),
        ("get", f"/houses/{slug}/chores/history/"),
        ("post", f"/houses/{slug}/chores/rotation/"),
        ("post", f"/houses/{slug}/chores/assignments/{assignment.pk}/"),
    ]


def test_a_manager_of_another_house_gets_404_on_every_chore_page(
    wednesday, client, harbor, manager_cedar, resident_harbor
):
    chore = _chore(harbor)
    assignment = _assignment(chore, TODAY, resident_harbor)
    client.force_login(manager_cedar)
    for method, url in [*_urls(harbor, chore, assignment), ("get", "/houses/harbor/chores/chart/")]:
        assert getattr(client, method)(url).status_code == 404, url
    assert Assignment.objects.count() == 1


def test_a_harbor_assignment_is_not_reached_through_cedar(
    wednesday, client, harbor, cedar, manager_cedar, resident_harbor, resident_cedar
):
    assignment = _assignment(_chore(harbor), TODAY, resident_harbor)
    client.force_login(manager_cedar)
    response = client.post(
        f"/houses/cedar/chores/assignments/{assignment.pk}/", {"resident": resident_cedar.pk}
    )
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert (assignment.resident, assignment.pinned) == (resident_harbor, False)


def test_residents_get_404_on_the_catalogue_and_the_preview(
    wednesday, client, harbor, resident_harbor
):
    chore = _chore(harbor)
    assignment = _assignment(chore, TODAY, resident_harbor)
    client.force_login(resident_harbor.user)
    for method, url in _urls(harbor, chore, assignment):
        assert getattr(client, method)(url).status_code == 404, url
    assert not AuditEvent.objects.filter(action__startswith="chore.").exists()


def test_the_chore_coordinator_manages_the_chores_of_their_house_only(
    wednesday, client, harbor, cedar, coordinator, resident_harbor
):
    chore = _chore(harbor)
    assignment = _assignment(chore, TODAY, resident_harbor)
    other = _people(harbor, 1)[0]
    client.force_login(coordinator)
    for method, url in _urls(harbor, chore, assignment)[:5]:
        assert getattr(client, method)(url).status_code == 200, url
    response = client.post(
        f"/houses/harbor/chores/assignments/{assignment.pk}/", {"resident": other.pk}
    )
    assert response.status_code == 302
    assert client.get("/houses/harbor/").status_code == 404  # chores only, not the house
    assert client.get("/houses/cedar/chores/").status_code == 404


def test_the_coordinator_cannot_choose_the_next_coordinator(
    wednesday, client, harbor, coordinator, resident_harbor
):
    other = _people(harbor, 1)[0]
    client.force_login(coordinator)
    response = client.post(
        "/houses/harbor/chores/",
        {"grace_minutes": "60", "newcomer_days": "2", "digest_hour": "7", "coordinator": other.pk},
    )
    assert response.status_code == 302
    settings = HouseChoreSettings.objects.get(house=harbor)
    assert (settings.grace_minutes, settings.coordinator) == (60, resident_harbor)


def test_a_coordinator_who_moved_out_gets_404(wednesday, client, harbor, coordinator):
    Stay.objects.filter(resident__user=coordinator).update(move_out=TODAY, exit_reason="completed")
    client.force_login(coordinator)
    assert client.get("/houses/harbor/chores/").status_code == 404


def test_the_chart_is_for_the_houses_managers_and_residents(
    wednesday, client, harbor, manager_harbor, resident_harbor, resident_cedar, staff
):
    for user, status in [
        (resident_harbor.user, 200),
        (manager_harbor, 200),
        (staff, 200),
        (resident_cedar.user, 404),
    ]:
        client.force_login(user)
        assert client.get("/houses/harbor/chores/chart/").status_code == status


def test_the_pin_rejects_get(wednesday, client, harbor, manager_harbor, resident_harbor):
    assignment = _assignment(_chore(harbor), TODAY, resident_harbor)
    client.force_login(manager_harbor)
    assert client.get(f"/houses/harbor/chores/assignments/{assignment.pk}/").status_code == 405


# The catalogue


def test_the_catalogue_lists_each_chore_in_words(wednesday, client, harbor, manager_harbor):
    _chore(harbor, "Trash out", schedule="weekdays", weekdays=[0, 3], area="Kitchen", points=1)
    _chore(harbor, "Fridge clean", schedule="every_n_weeks", weekdays=[5], every_n_weeks=2)
    _chore(harbor, "Windows", schedule="monthly", day_of_month=31, active=False)
    client.force_login(manager_harbor)
    page = client.get("/houses/harbor/chores/").content.decode()
    assert "Monday, Thursday" in page
    assert "Every other Saturday, from 5 Jan 2026" in page
    assert "Day 31 of each month (or its last day)" in page
    assert "not in the rotation" in page


def test_a_new_chore_is_saved(wednesday, client, harbor, manager_harbor):
    client.force_login(manager_harbor)
    response = client.post("/houses/harbor/chores/new/", _chore_post())
    assert response.status_code == 302
    assert response["Location"] == "/houses/harbor/chores/"
    chore = Chore.objects.get(house=harbor)
    assert (chore.name, chore.weekdays, chore.points, chore.due_time) == (
        "Bathrooms",
        [0, 3],
        3,
        dt.time(19, 30),
    )
    assert chore.checklist_steps() == ["Sinks", "Mirrors", "Floor"]


def test_a_chore_is_edited(wednesday, client, harbor, manager_harbor):
    chore = _chore(harbor)
    client.force_login(manager_harbor)
    response = client.post(
        f"/houses/harbor/chores/{chore.pk}/",
        _chore_post(name="Kitchen floor", schedule="weekly", weekdays=["6"], active=None),
    )
    assert response.status_code == 302
    chore.refresh_from_db()
    assert (chore.schedule, chore.weekdays, chore.active) == ("weekly", [6], False)


def test_a_chore_of_another_house_is_404(wednesday, client, harbor, cedar, manager_harbor):
    theirs = _chore(cedar)
    client.force_login(manager_harbor)
    assert client.get(f"/houses/harbor/chores/{theirs.pk}/").status_code == 404
    assert client.post(f"/houses/harbor/chores/{theirs.pk}/", _chore_post()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Kitchen floor"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"weekdays": None}, "weekdays", "Tick at least one weekday"),
        ({"schedule": "weekly", "weekdays": ["1", "2"]}, "weekdays", "Tick the one weekday"),
        ({"points": "9"}, "points", "Effort points go from 1 (a few minutes) to 5"),
        ({"points": "0"}, "points", "Effort points go from 1 (a few minutes) to 5"),
        ({"schedule": "monthly", "day_of_month": "32"}, "day_of_month", "from 1 to 31"),
        ({"schedule": "monthly", "day_of_month": ""}, "day_of_month", "which day of the month"),
        (
            {"schedule": "every_n_weeks", "weekdays": ["2"], "every_n_weeks": "0"},
            "every_n_weeks",
            "1 to 52",
        ),
        (
            {"schedule": "every_n_weeks", "weekdays": ["2"], "starts_on": ""},
            "starts_on",
            "first week",
        ),
        ({"due_time": "tea time"}, "due_time", "hours and minutes"),
        ({"name": ""}, "name", "Give the chore a name"),
    ],
)
def test_bad_input_is_explained_beside_its_field_and_kept(
    wednesday, client, harbor, manager_harbor, changes, field, message
):
    client.force_login(manager_harbor)
    response = client.post("/houses/harbor/chores/new/", _chore_post(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in form.errors[field][0]
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert "Sinks\nMirrors\nFloor" in page  # what was typed is still there
    assert 'value="Upstairs"' in page
    assert not Chore.objects.exists()


def test_two_chores_of_one_house_cannot_share_a_name(wednesday, client, harbor, manager_harbor):
    _chore(harbor, "Bathrooms")
    client.force_login(manager_harbor)
    response = client.post("/houses/harbor/chores/new/", _chore_post(name="bathrooms "))
    assert "already has a chore called" in response.context["form"].errors["name"][0]
    assert Chore.objects.count() == 1


def test_the_settings_are_saved_and_audited(wednesday, client, harbor, manager_harbor):
    coordinator = _people(harbor, 2)[1]
    client.force_login(manager_harbor)
    response = client.post(
        "/houses/harbor/chores/",
        {
            "grace_minutes": "90",
            "newcomer_days": "5",
            "digest_hour": "7",
            "coordinator": coordinator.pk,
        },
    )
    assert response.status_code == 302
    settings = HouseChoreSettings.objects.get(house=harbor)
    assert (settings.grace_minutes, settings.newcomer_days) == (90, 5)
    assert settings.coordinator == coordinator
    event = AuditEvent.objects.get(action="chore.settings")
    assert event.changes["coordinator"] == coordinator.pk


def test_the_coordinator_is_someone_living_in_the_house(
    wednesday, client, harbor, manager_harbor, resident_cedar
):
    client.force_login(manager_harbor)
    response = client.post(
        "/houses/harbor/chores/",
        {
            "grace_minutes": "-5",
            "newcomer_days": "3",
            "digest_hour": "7",
            "coordinator": resident_cedar.pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["settings_form"].errors
    assert errors["coordinator"] == ["Choose someone living in the house now."]
    assert errors["grace_minutes"] == ["Minutes of grace cannot be below 0."]
    assert 'value="-5"' in response.content.decode()
    assert HouseChoreSettings.objects.get(house=harbor).coordinator is None


# The rotation preview


def test_the_preview_shows_two_weeks_and_writes_nothing(wednesday, client, harbor, manager_harbor):
    people = _people(harbor, 3)
    _chore(harbor, "Kitchen floor")
    _chore(harbor, "Trash out", schedule="weekdays", weekdays=[0, 3], points=1)
    client.force_login(manager_harbor)
    response = client.get("/houses/harbor/chores/rotation/")
    assert response.status_code == 200
    days = response.context["days"]
    assert [row.day for row in days] == [TODAY + dt.timedelta(days=n) for n in range(14)]
    planned = [cell for row in days for cell in row.cells if cell is not None]
    assert len(planned) == 14 + 4  # the kitchen every day; the trash on 2 Mondays, 2 Thursdays
    assert not any(cell.is_saved for cell in planned)
    page = response.content.decode()
    for person in people:
        assert person.name in page
    assert Assignment.objects.count() == 0
    assert not HouseChoreSettings.objects.filter(house=harbor, coordinator__isnull=False).exists()


def test_saving_creates_the_next_seven_days_once(wednesday, client, harbor, manager_harbor):
    _people(harbor, 3)
    _chore(harbor, "Kitchen floor")
    _chore(harbor, "Dishes", points=3)
    client.force_login(manager_harbor)
    response = client.post("/houses/harbor/chores/rotation/")
    assert response.status_code == 302
    assert Assignment.objects.filter(house=harbor).count() == 14
    first = sorted(Assignment.objects.values_list("chore_id", "day", "resident_id"))
    client.post("/houses/harbor/chores/rotation/")
    assert sorted(Assignment.objects.values_list("chore_id", "day", "resident_id")) == first

    days = client.get("/houses/harbor/chores/rotation/").context["days"]
    assert [row.saved for row in days] == [2] * 7 + [0] * 7
    assert {day for day in Assignment.objects.values_list("day", flat=True)} == {
        TODAY + dt.timedelta(days=n) for n in range(7)
    }


def test_a_saved_chore_whose_person_left_is_flagged(wednesday, client, harbor, manager_harbor):
    leaving, staying = _people(harbor, 2)
    chore = _chore(harbor)
    _assignment(chore, TODAY + dt.timedelta(days=2), leaving)
    Stay.objects.filter(resident=leaving).update(
        move_out=TODAY + dt.timedelta(days=1), exit_reason="completed"
    )
    client.force_login(manager_harbor)
    response = client.get("/houses/harbor/chores/rotation/")
    cell = response.context["days"][2].cells[0]
    assert cell.is_saved and cell.person == leaving and cell.rotation_differs
    assert f"The rotation would now choose {staying.name}" in response.content.decode()


# Pins


def test_a_pin_changes_hands_is_audited_and_kept_by_the_next_generation(
    wednesday, client, harbor, manager_harbor
):
    people = _people(harbor, 4)
    chore = _chore(harbor)
    assignments_generate(harbor, start=TODAY, days=3)
    assignment = Assignment.objects.get(chore=chore, day=TODAY + dt.timedelta(days=1))
    before = assignment.resident
    chosen = next(person for person in people if person != before)
    client.force_login(manager_harbor)
    response = client.post(
        f"/houses/harbor/chores/assignments/{assignment.pk}/", {"resident": chosen.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == "/houses/harbor/chores/rotation/"
    assignment.refresh_from_db()
    assert (assignment.resident, assignment.pinned) == (chosen, True)
    event = AuditEvent.objects.get(action="chore.pin")
    assert event.actor == manager_harbor
    assert event.object_id == str(assignment.pk)
    assert event.changes["resident"] == [before.pk, chosen.pk]

    assignments_generate(harbor, start=TODAY)
    assignment.refresh_from_db()
    assert (assignment.resident, assignment.pinned) == (chosen, True)
    kept = [p for p in plan(harbor, start=TODAY, days=7) if p.day == assignment.day]
    assert (kept[0].person_id, kept[0].rule) == (chosen.pk, Rule.PINNED)


@pytest.mark.parametrize("why", ["another house", "excluded", "away", "nobody"])
def test_a_pin_that_cannot_be_is_explained_beside_it(
    wednesday, client, harbor, manager_harbor, resident_harbor, resident_cedar, why
):
    chore = _chore(harbor)
    assignment = _assignment(chore, TODAY + dt.timedelta(days=1), resident_harbor)
    other = _people(harbor, 1)[0]
    data = {"resident": other.pk}
    if why == "another house":
        data = {"resident": resident_cedar.pk}
    elif why == "excluded":
        Exclusion.objects.create(resident=other, chore=chore, reason="a sore back")
    elif why == "away":
        Absence.objects.create(resident=other, starts_on=TODAY, ends_on=TODAY + dt.timedelta(3))
    else:
        data = {}
    client.force_login(manager_harbor)
    response = client.post(f"/houses/harbor/chores/assignments/{assignment.pk}/", data)
    assert response.status_code == 200
    assert response.context["pin_error_pk"] == assignment.pk
    expected = {
        "another house": "Choose someone living in the house now.",
        "excluded": "does not take this chore (a sore back)",
        "away": "is away that day",
        "nobody": "Choose who does this chore.",
    }[why]
    assert expected in response.context["pin_error"]
    assert f'id="pin-{assignment.pk}-error"' in response.content.decode()
    assignment.refresh_from_db()
    assert (assignment.resident, assignment.pinned) == (resident_harbor, False)
    assert not AuditEvent.objects.filter(action="chore.pin").exists()


def test_a_chore_done_already_is_not_pinned(wednesday, client, harbor, manager_harbor):
    doer, other = _people(harbor, 2)
    assignment = _assignment(_chore(harbor), TODAY, doer, status=Assignment.Status.DONE)
    client.force_login(manager_harbor)
    response = client.post(
        f"/houses/harbor/chores/assignments/{assignment.pk}/", {"resident": other.pk}
    )
    assert "done already" in response.context["pin_error"]
    assignment.refresh_from_db()
    assert assignment.resident == doer


# The chore chart


def test_the_chart_shows_the_week_by_resident_and_day(wednesday, client, harbor, manager_harbor):
    ana, bo = _people(harbor, 2)
    floor = _chore(harbor, "Kitchen floor", checker="manager")
    trash = _chore(harbor, "Trash out")
    _assignment(floor, MONDAY, ana, status=Assignment.Status.DONE)
    _assignment(trash, MONDAY, bo, status=Assignment.Status.MISSED)
    _assignment(trash, TODAY, ana, status=Assignment.Status.CHECKED)
    _assignment(floor, MONDAY + dt.timedelta(days=6), bo)
    _assignment(floor, MONDAY + dt.timedelta(days=7), bo)  # next week: not shown
    client.force_login(manager_harbor)
    response = client.get("/houses/harbor/chores/chart/?week=2026-12-10")  # a Thursday
    assert response.context["week"][0] == MONDAY
    rows = {row.name: row for row in response.context["rows"]}
    assert list(rows) == [ana.name, bo.name]
    assert [entry.words for entry in rows[ana.name].days[0]] == ["Waiting for a check"]
    assert [entry.words for entry in rows[ana.name].days[2]] == ["Checked"]
    assert [entry.words for entry in rows[bo.name].days[0]] == ["Missed"]
    assert [entry.words for entry in rows[bo.name].days[6]] == ["To do"]
    page = response.content.decode()
    assert "?week=2026-11-30" in page and "?week=2026-12-14" in page
    assert "css/chart.css" in page


def test_a_phone_reads_the_chart_a_day_at_a_time_today_first(
    wednesday, client, harbor, manager_harbor
):
    ana, bo = _people(harbor, 2)
    floor = _chore(harbor, "Kitchen floor")
    trash = _chore(harbor, "Trash out")
    _assignment(trash, TODAY, bo)
    _assignment(floor, TODAY, ana)
    _assignment(floor, MONDAY, bo, status=Assignment.Status.MISSED)
    _assignment(floor, MONDAY + dt.timedelta(days=6), ana)
    client.force_login(manager_harbor)
    response = client.get("/houses/harbor/chores/chart/")
    days = response.context["days"]
    # Today, the days after it, then the days of the week gone by.
    assert [day.day.weekday() for day in days] == [2, 3, 4, 5, 6, 0, 1]
    assert days[0].day == TODAY and days[0].is_today
    assert [
        (row.name, entry.assignment.chore.name, entry.words) for row, entry in days[0].entries
    ] == [
        (ana.name, "Kitchen floor", "To do"),
        (bo.name, "Trash out", "To do"),
    ]
    assert [(row.name, entry.words) for row, entry in days[-2].entries] == [(bo.name, "Missed")]
    page = response.content.decode()
    cards = page.index('class="day-cards"')
    assert page.index("Wednesday 9 December", cards) < page.index("Monday 7 December", cards)
    assert page.index('class="day-cards"') < page.index('class="table-scroll chart-week"')


def test_a_bad_week_falls_back_to_this_week(wednesday, client, harbor, resident_harbor):
    client.force_login(resident_harbor.user)
    response = client.get("/houses/harbor/chores/chart/?week=soon")
    assert response.context["week"][0] == MONDAY
    assert response.context["my_resident_id"] == resident_harbor.pk


def test_the_chart_runs_the_same_queries_for_5_and_for_50_residents(
    wednesday, client, harbor, cedar, manager_harbor, django_assert_num_queries
):
    chores = [_chore(harbor, f"Chore {n}", points=n + 1) for n in range(4)]
    client.force_login(manager_harbor)
    for count in (5, 50):
        people = _people(harbor, count - harbor.stays.count(), prefix=f"P{count}")
        _people(cedar, 2, prefix=f"C{count}")
        for day in range(7):
            for index, chore in enumerate(chores):
                Assignment.objects.filter(chore=chore, day=MONDAY + dt.timedelta(day)).delete()
                _assignment(chore, MONDAY + dt.timedelta(day), people[(day + index) % len(people)])
        # session, user, two-factor record, the house (if the user may see it), the week's
        # assignments with chores and people, the week's stays with their people, the viewer's
        # own stay and the houses they manage (navigation and the "Chores" link), the unread
        # count (navigation)
        with django_assert_num_queries(9):
            response = client.get("/houses/harbor/chores/chart/")
        assert len(response.context["rows"]) == count


# The dashboard panel


def _panel_fixture(harbor):
    ana, bo = _people(harbor, 2)
    checked = _chore(harbor, "Dishes", checker="manager", due_time=dt.time(9, 0))
    plain = _chore(harbor, "Trash out", due_time=dt.time(21, 0))
    return ana, bo, checked, plain


def test_the_panel_counts_today_and_this_week(wednesday, harbor):
    ana, bo, checked, plain = _panel_fixture(harbor)
    _assignment(checked, TODAY, ana, status=Assignment.Status.CHECKED)  # done today
    _assignment(plain, TODAY, bo, status=Assignment.Status.DONE)  # done today, no checker
    _assignment(checked, TODAY - dt.timedelta(1), bo, status=Assignment.Status.DONE)  # waiting
    overdue = _chore(harbor, "Porch", due_time=dt.time(8, 0))
    _assignment(overdue, TODAY, ana)  # due at 8:00, it is noon: overdue
    _assignment(_chore(harbor, "Yard", due_time=dt.time(22, 0)), TODAY, bo)  # later today
    _assignment(plain, MONDAY, ana, status=Assignment.Status.MISSED)  # this week
    _assignment(plain, MONDAY - dt.timedelta(1), ana, status=Assignment.Status.MISSED)  # last week
    _assignment(plain, TODAY + dt.timedelta(1), ana)  # tomorrow
    panel = chores_panel(harbor)
    assert panel.today == TODAY
    assert (panel.due_today, panel.done_today) == (4, 2)
    assert (panel.waiting_for_a_check, panel.overdue, panel.missed_this_week) == (1, 1, 1)


def test_the_panel_links_what_waits_for_a_check_to_the_checks(
    client, wednesday, harbor, manager_harbor
):
    ana, bo, checked, plain = _panel_fixture(harbor)
    client.force_login(manager_harbor)
    assert 'href="/chores/checks/"' not in client.get("/houses/harbor/").content.decode()
    _assignment(checked, TODAY - dt.timedelta(1), bo, status=Assignment.Status.DONE)
    page = client.get("/houses/harbor/").content.decode()
    assert '<a href="/chores/checks/">1<span class="visually-hidden"> waiting' in page


@pytest.mark.parametrize(
    ("utc", "today", "missed", "overdue"),
    [
        # 23:30 on Sunday 13 December in Los Angeles: still the week of Monday the 7th.
        (dt.datetime(2026, 12, 14, 7, 30, tzinfo=dt.UTC), D(2026, 12, 13), 2, 0),
        # 00:30 on Monday the 14th there: a new week, nothing missed in it yet.
        (dt.datetime(2026, 12, 14, 8, 30, tzinfo=dt.UTC), D(2026, 12, 14), 0, 1),
    ],
)
def test_the_panel_uses_the_houses_own_day_and_week(harbor, utc, today, missed, overdue):
    ana, bo, checked, plain = _panel_fixture(harbor)
    _assignment(plain, D(2026, 12, 7), ana, status=Assignment.Status.MISSED)
    _assignment(plain, D(2026, 12, 13), bo, status=Assignment.Status.MISSED)
    early = _chore(harbor, "Coffee", due_time=dt.time(0, 15))
    _assignment(early, D(2026, 12, 14), ana)  # due at 00:15 on Monday the 14th, house time
    with time_machine.travel(utc, tick=False):
        panel = chores_panel(harbor)
    assert (panel.today, panel.missed_this_week, panel.overdue) == (today, missed, overdue)
    assert panel.due_today == 1  # Sunday: the missed one; Monday: the coffee


def test_the_dashboard_shows_the_panel(wednesday, client, harbor, manager_harbor):
    ana, bo, checked, plain = _panel_fixture(harbor)
    _assignment(plain, MONDAY, ana, status=Assignment.Status.MISSED)
    client.force_login(manager_harbor)
    response = client.get("/houses/harbor/")
    assert response.context["chores"].missed_this_week == 1
    page = response.content.decode()
    assert "Missed this week" in page
    assert "/houses/harbor/chores/chart/" in page
    assert "/houses/harbor/chores/history/" in page


# The history


@pytest.fixture
def last_week(harbor):
    """Ana: a kitchen on time, one late, one missed; Bo: a bathroom redone, one swapped to him by
    Ana (accepted), and a swap he declined."""
    ana, bo = _people(harbor, 2)
    kitchen, bathroom = _chore(harbor, "Kitchen"), _chore(harbor, "Bathroom", checker="manager")
    _assignment(kitchen, MONDAY, ana, status=Assignment.Status.DONE)
    _assignment(kitchen, MONDAY + dt.timedelta(1), ana, status=Assignment.Status.DONE, late=True)
    _assignment(kitchen, MONDAY + dt.timedelta(2), ana, status=Assignment.Status.MISSED)
    _assignment(bathroom, MONDAY, bo, status=Assignment.Status.CHECKED, redo_count=1)
    taken = _assignment(bathroom, MONDAY + dt.timedelta(1), bo, pinned=True)
    Swap.objects.create(assignment=taken, asked_by=ana, asked_of=bo, status="accepted")
    kept = _assignment(kitchen, MONDAY - dt.timedelta(1), ana)
    Swap.objects.create(assignment=kept, asked_by=ana, asked_of=bo, status="declined")
    return ana, bo


def test_the_history_shows_outcomes_swaps_and_days(
    wednesday, client, harbor, manager_harbor, last_week
):
    ana, bo = last_week
    client.force_login(manager_harbor)
    response = client.get("/houses/harbor/chores/history/")
    history = response.context["history"]
    assert (history.start, history.end) == (TODAY - dt.timedelta(27), TODAY)
    counts = {person.name: value for person, value in history.outcomes}
    assert (counts[ana.name].done_on_time, counts[ana.name].done_late) == (1, 1)
    assert (counts[ana.name].missed, counts[ana.name].assigned) == (1, 4)
    assert (counts[bo.name].redone, counts[bo.name].still_open) == (1, 1)
    assert history.total.assigned == 6
    assert [swap.status for swap in history.swaps] == ["accepted", "declined"]
    page = response.content.decode()
    assert f'{ana.name} asked {bo.name} — <span class="swap-accepted">accepted' in page
    assert len(history.page.object_list) == 6


def test_the_history_of_one_resident_and_a_few_days(
    wednesday, client, harbor, manager_harbor, last_week
):
    ana, bo = last_week
    client.force_login(manager_harbor)
    response = client.get(
        "/houses/harbor/chores/history/",
        {"start": "2026-12-08", "end": "2026-12-09", "resident": bo.pk},
    )
    history = response.context["history"]
    assert [person for person, _ in history.outcomes] == [bo]
    assert [row.day for row, *_ in history.page.object_list] == [MONDAY + dt.timedelta(1)]
    assert len(history.swaps) == 1


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"start": "2026-12-09", "end": "2026-12-01"}, "must come before"),
        ({"start": "2026-01-01", "end": "2026-12-01"}, "at most 92 days"),
        ({"start": "soon"}, "Enter a valid date"),
        ({"resident": "999999"}, "Select a valid choice"),
    ],
)
def test_a_bad_history_filter_is_explained_and_shows_the_last_four_weeks(
    wednesday, client, harbor, manager_harbor, last_week, query, error
):
    client.force_login(manager_harbor)
    response = client.get("/houses/harbor/chores/history/", query)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert response.context["history"].start == TODAY - dt.timedelta(27)


def test_the_history_runs_the_same_queries_for_5_and_for_50_residents(
    wednesday, client, harbor, manager_harbor, django_assert_num_queries
):
    chores = [_chore(harbor, f"Chore {n}") for n in range(3)]
    client.force_login(manager_harbor)
    for count in (5, 50):
        people = _people(harbor, count - harbor.stays.count(), prefix=f"P{count}")
        Assignment.objects.all().delete()
        for day in range(28):
            for index, chore in enumerate(chores):
                row = _assignment(chore, TODAY - dt.timedelta(day), people[(day + index) % count])
                if day % 5 == 0:
                    Swap.objects.create(assignment=row, asked_by=people[0], asked_of=people[1])
        # session, user, two-factor record, the house, the form's residents, the outcomes,
        # their people, the swaps, the page's count and rows, the navigation's two, the unread
        # count (navigation)
        with django_assert_num_queries(13):
            response = client.get("/houses/harbor/chores/history/")
        had_chores = Assignment.objects.values("resident").distinct().count()
        assert len(response.context["history"].outcomes) == had_chores
