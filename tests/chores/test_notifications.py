"""The chore notifications: each made at the right moment in the house's own zone, once however
often its cause is seen, withdrawn when its cause goes away, held through quiet hours, and never
carrying a note's words."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from chores import services, tasks
from chores.models import Chore, HouseChoreSettings
from soberhouse import outbox
from soberhouse.models import Notification, NotificationPreference
from tests.factories import make_assignment, make_manager, make_resident

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
DAY = dt.date(2026, 12, 10)  # a Thursday, standard time in Los Angeles
SECRET = "SECRET-NOTE"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LA)


def _chore(house, name, *, due=dt.time(20, 0), checker=Chore.Checker.NOBODY):
    return Chore.objects.create(house=house, name=name, due_time=due, checker=checker)


def _rows(kind, user=None):
    rows = Notification.objects.filter(kind=kind)
    return rows.filter(recipient=user) if user is not None else rows


def _statuses(kind, user=None):
    return sorted(_rows(kind, user).values_list("status", flat=True))


@pytest.fixture
def kitchen(harbor):
    HouseChoreSettings.objects.get_or_create(house=harbor)
    return _chore(harbor, "Kitchen counters", due=dt.time(20, 0))


@pytest.fixture
def trash(harbor):
    return _chore(harbor, "Trash out", due=dt.time(19, 30))


# The morning digest


def test_the_digest_waits_for_the_house_hour_in_its_own_zone(harbor, resident_harbor, kitchen):
    make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 6, 59), tick=False):
        assert tasks.notify_due() == 0
    with time_machine.travel(_at(DAY, 7, 0), tick=False):
        assert tasks.notify_due() == 2  # email and in-app
    row = _rows("chores.today", resident_harbor.user).first()
    assert row.subject == "You have 1 chore today"
    assert row.text == "Kitchen counters by 8 p.m."
    assert (row.occurrence, row.url, row.house_id) == ("2026-12-10", "/chores/", harbor.pk)
    assert row.due_at == row.send_after == _at(DAY, 7, 0)


def test_the_digest_counts_the_chores_of_the_house_day(harbor, resident_harbor, kitchen, trash):
    make_assignment(kitchen, DAY, resident_harbor)
    make_assignment(trash, DAY, resident_harbor)
    # The next day's chore is not today's, though it is already that day in UTC.
    make_assignment(kitchen, DAY + dt.timedelta(days=1), resident_harbor)
    with time_machine.travel(_at(DAY, 18, 0), tick=False):  # 02:00 UTC on the 11th
        tasks.notify_due()
    row = _rows("chores.today", resident_harbor.user).get(channel="in_app")
    assert row.subject == "You have 2 chores today"
    assert row.text == "Trash out by 7:30 p.m.\nKitchen counters by 8 p.m."
    assert row.occurrence == "2026-12-10"


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [
        (dt.date(2026, 3, 8), 14),  # springs forward at 02:00: 07:00 PDT is 14:00 UTC
        (dt.date(2026, 11, 1), 15),  # falls back at 02:00: 07:00 PST is 15:00 UTC
    ],
)
def test_the_digest_keeps_its_local_hour_on_a_dst_day(harbor, kitchen, day, utc_hour):
    resident = make_resident(harbor, move_in=dt.date(2026, 1, 5))
    make_assignment(kitchen, day, resident)
    seven = dt.datetime(day.year, day.month, day.day, utc_hour, tzinfo=dt.UTC)
    with time_machine.travel(seven - dt.timedelta(minutes=1), tick=False):
        assert tasks.notify_due() == 0
    with time_machine.travel(seven, tick=False):
        assert tasks.notify_due() == 2
    row = _rows("chores.today").first()
    assert row.due_at == seven
    assert row.due_at.astimezone(LA).hour == 7


def test_the_house_sets_the_digest_hour(harbor, resident_harbor, kitchen):
    HouseChoreSettings.objects.filter(house=harbor).update(digest_hour=9)
    make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 8, 59), tick=False):
        assert tasks.notify_due() == 0
    with time_machine.travel(_at(DAY, 9, 0), tick=False):
        assert tasks.notify_due() == 2


def test_the_digest_is_made_once_when_the_task_runs_twice(harbor, resident_harbor, kitchen):
    make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 7, 0), tick=False):
        tasks.notify_due()
        tasks.notify_due()
    with time_machine.travel(_at(DAY, 7, 5), tick=False):
        tasks.notify_due()
    assert _rows("chores.today").count() == 2


def test_only_residents_with_open_chores_today_get_a_digest(harbor, resident_harbor, kitchen):
    idle = make_resident(harbor)
    done = make_assignment(kitchen, DAY, idle, status="done")
    assert done.status == "done"
    make_assignment(_chore(harbor, "Porch"), DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 7, 0), tick=False):
        tasks.notify_due()
    assert set(_rows("chores.today").values_list("recipient", flat=True)) == {
        resident_harbor.user_id
    }


def test_the_digest_is_cancelled_when_the_day_is_done_before_it_goes(
    harbor, resident_harbor, kitchen, trash
):
    NotificationPreference.objects.create(
        user=resident_harbor.user, quiet_from=dt.time(22, 0), quiet_until=dt.time(8, 0)
    )
    first = make_assignment(kitchen, DAY, resident_harbor)
    second = make_assignment(trash, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 7, 0), tick=False):
        tasks.notify_due()
        services.chore_mark_done(assignment=first, by=resident_harbor)
        assert _statuses("chores.today") == ["pending", "pending"]  # the trash is still to do
        services.chore_mark_done(assignment=second, by=resident_harbor)
    assert _statuses("chores.today") == ["cancelled", "cancelled"]


def test_the_digest_is_held_through_quiet_hours(harbor, resident_harbor, kitchen):
    NotificationPreference.objects.create(
        user=resident_harbor.user, quiet_from=dt.time(22, 0), quiet_until=dt.time(8, 30)
    )
    make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 7, 0), tick=False):
        tasks.notify_due()
    row = _rows("chores.today").first()
    assert row.due_at == _at(DAY, 7, 0)
    assert row.send_after == _at(DAY, 8, 30)


def test_the_digest_task_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["chores-notify-due"]
    assert entry == {"task": "chores.notify_due", "schedule": 300.0}


# Missed


def test_a_missed_chore_is_told_to_its_resident_once(harbor, resident_harbor, kitchen):
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(assignment.due_at + dt.timedelta(minutes=119), tick=False):
        services.chores_mark_missed()
    assert not _rows("chores.missed").exists()
    missed_at = assignment.due_at + dt.timedelta(minutes=121)
    with time_machine.travel(missed_at, tick=False):
        services.chores_mark_missed()
        services.chores_mark_missed()
    rows = _rows("chores.missed", resident_harbor.user)
    assert rows.count() == 2
    row = rows.first()
    assert row.subject == "Kitchen counters: missed"
    assert row.text == "Kitchen counters: missed — it can still be done today"
    assert (row.occurrence, row.due_at, row.about_id) == ("missed", missed_at, str(assignment.pk))


def test_a_missed_notice_is_cancelled_when_the_chore_gets_done(harbor, resident_harbor, kitchen):
    NotificationPreference.objects.create(
        user=resident_harbor.user, quiet_from=dt.time(22, 0), quiet_until=dt.time(7, 0)
    )
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 22, 5), tick=False):  # missed at 22:00, inside quiet hours
        services.chores_mark_missed()
        row = _rows("chores.missed").first()
        assert row.send_after == _at(DAY + dt.timedelta(days=1), 7, 0)
        services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assert _statuses("chores.missed") == ["cancelled", "cancelled"]


# Waiting for a check


def test_a_tick_tells_the_managers_when_they_check_it(
    harbor, resident_harbor, manager_harbor, manager_cedar
):
    chore = _chore(harbor, "Bathroom", checker=Chore.Checker.MANAGER)
    HouseChoreSettings.objects.get_or_create(house=harbor)
    assignment = make_assignment(chore, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 10, 0), tick=False):
        services.chore_mark_done(assignment=assignment, by=resident_harbor)
    rows = _rows("chores.check_waiting")
    assert set(rows.values_list("recipient", flat=True)) == {manager_harbor.pk}
    row = rows.first()
    assert row.subject == "A chore is waiting for your check"
    assert "Bathroom" in row.text
    assert row.due_at == _at(DAY, 10, 0)


def test_a_coordinator_chore_tells_the_coordinator_only(harbor, resident_harbor, manager_harbor):
    coordinator = make_resident(harbor)
    services.coordinator_set(house=harbor, resident=coordinator)
    chore = _chore(harbor, "Bathroom", checker=Chore.Checker.COORDINATOR)
    assignment = make_assignment(chore, DAY, resident_harbor)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assert set(_rows("chores.check_waiting").values_list("recipient", flat=True)) == {
        coordinator.user_id
    }


def test_an_any_resident_chore_tells_nobody(harbor, resident_harbor, manager_harbor):
    make_resident(harbor)
    HouseChoreSettings.objects.get_or_create(house=harbor)
    chore = _chore(harbor, "Bathroom", checker=Chore.Checker.ANY_RESIDENT)
    assignment = make_assignment(chore, DAY, resident_harbor)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assert not _rows("chores.check_waiting").exists()


def test_the_check_notice_is_cancelled_when_checked(harbor, resident_harbor, manager_harbor):
    chore = _chore(harbor, "Bathroom", checker=Chore.Checker.MANAGER)
    HouseChoreSettings.objects.get_or_create(house=harbor)
    assignment = make_assignment(chore, DAY, resident_harbor)
    NotificationPreference.objects.create(
        user=manager_harbor, quiet_from=dt.time(0, 0), quiet_until=dt.time(23, 0)
    )
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assert _statuses("chores.check_waiting") == ["pending", "pending"]
    services.chore_check(assignment=assignment, by=manager_harbor, approved=True)
    assert _statuses("chores.check_waiting") == ["cancelled", "cancelled"]


def test_the_check_notice_is_cancelled_by_an_undo_and_made_again_by_a_new_tick(
    harbor, resident_harbor, manager_harbor
):
    chore = _chore(harbor, "Bathroom", checker=Chore.Checker.MANAGER)
    HouseChoreSettings.objects.get_or_create(house=harbor)
    assignment = make_assignment(chore, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 10, 0), tick=False):
        services.chore_mark_done(assignment=assignment, by=resident_harbor)
        services.chore_undo(assignment=assignment, by=resident_harbor)
    assert _statuses("chores.check_waiting") == ["cancelled", "cancelled"]
    with time_machine.travel(_at(DAY, 11, 0), tick=False):
        services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assert _statuses("chores.check_waiting") == ["cancelled", "cancelled", "pending", "pending"]


# Swaps


def test_a_swap_asked_is_told_and_cancelled_when_answered(harbor, resident_harbor, kitchen):
    other = make_resident(harbor, full_name="Robin Harbor")
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 9, 0), tick=False):
        swap = services.swap_ask(
            assignment=assignment, by=resident_harbor, of=other, message=SECRET
        )
    row = _rows("chores.swap_asked", other.user).first()
    assert row.subject == "Alex Harbor asked you to take Kitchen counters on Thursday 10 December"
    assert row.due_at == _at(DAY, 9, 0)
    assert _rows("chores.swap_asked").count() == 2
    services.swap_answer(swap=swap, by=other, accept=False)
    assert _statuses("chores.swap_asked") == ["cancelled", "cancelled"]


def test_a_swap_notice_is_held_through_quiet_hours(harbor, resident_harbor, kitchen):
    other = make_resident(harbor)
    NotificationPreference.objects.create(
        user=other.user, quiet_from=dt.time(21, 0), quiet_until=dt.time(7, 0)
    )
    assignment = make_assignment(kitchen, DAY + dt.timedelta(days=1), resident_harbor)
    with time_machine.travel(_at(DAY, 23, 0), tick=False):
        services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
    assert _rows("chores.swap_asked").first().send_after == _at(DAY + dt.timedelta(days=1), 7, 0)


def test_an_accepted_swap_settles_the_askers_digest(harbor, resident_harbor, kitchen):
    other = make_resident(harbor)
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 7, 0), tick=False):
        tasks.notify_due()
        swap = services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
        services.swap_answer(swap=swap, by=other, accept=True)
    assert _statuses("chores.today", resident_harbor.user) == ["cancelled", "cancelled"]


def test_a_withdrawn_swap_is_not_told(harbor, resident_harbor, kitchen):
    other = make_resident(harbor)
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    swap = services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
    services.swap_withdraw(swap=swap, by=resident_harbor)
    assert _statuses("chores.swap_asked") == ["cancelled", "cancelled"]
    swap.refresh_from_db()
    assert swap.status == "withdrawn" and swap.decided_at is not None


def test_a_swap_is_withdrawn_when_the_asker_does_the_chore_after_all(
    harbor, resident_harbor, kitchen
):
    other = make_resident(harbor)
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    swap = services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
    services.chore_mark_done(assignment=assignment, by=resident_harbor)
    swap.refresh_from_db()
    assert swap.status == "withdrawn"
    assert _statuses("chores.swap_asked") == ["cancelled", "cancelled"]


def test_a_chore_given_away_by_hand_withdraws_its_swap_and_the_last_holders_digest(
    harbor, resident_harbor, manager_harbor, kitchen
):
    other = make_resident(harbor)
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 7, 0), tick=False):
        tasks.notify_due()
        swap = services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
        services.assignment_pin(assignment=assignment, resident=other, by=manager_harbor)
    swap.refresh_from_db()
    assert swap.status == "withdrawn"
    assert _statuses("chores.swap_asked") == ["cancelled", "cancelled"]
    assert _statuses("chores.today", resident_harbor.user) == ["cancelled", "cancelled"]


def test_only_the_asker_withdraws_and_only_once(harbor, resident_harbor, kitchen):
    other = make_resident(harbor)
    swap = services.swap_ask(
        assignment=make_assignment(kitchen, DAY, resident_harbor), by=resident_harbor, of=other
    )
    with pytest.raises(ValidationError, match="Only the person who asked"):
        services.swap_withdraw(swap=swap, by=other)
    services.swap_answer(swap=swap, by=other, accept=False)
    with pytest.raises(ValidationError, match="already been answered or withdrawn"):
        services.swap_withdraw(swap=swap, by=resident_harbor)


# Nothing sensitive


def test_no_note_reaches_a_subject_or_text(harbor, resident_harbor, manager_harbor, kitchen):
    other = make_resident(harbor)
    checked = _chore(harbor, "Bathroom", checker=Chore.Checker.MANAGER)
    bathroom = make_assignment(checked, DAY, resident_harbor)
    counters = make_assignment(kitchen, DAY, resident_harbor)
    porch = make_assignment(_chore(harbor, "Porch"), DAY, resident_harbor, note=SECRET)
    with time_machine.travel(_at(DAY, 7, 0), tick=False):
        tasks.notify_due()
        services.chore_mark_done(assignment=bathroom, by=resident_harbor, note=SECRET)
        services.chore_check(assignment=bathroom, by=manager_harbor, approved=False, note=SECRET)
        services.chore_mark_done(assignment=bathroom, by=resident_harbor, note=SECRET)
        services.swap_ask(assignment=counters, by=resident_harbor, of=other, message=SECRET)
    with time_machine.travel(_at(DAY, 23, 0), tick=False):
        services.chores_mark_missed()
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == {"chores.today", "chores.check_waiting", "chores.swap_asked", "chores.missed"}
    assert porch.note == SECRET
    for subject, text in Notification.objects.values_list("subject", "text"):
        assert SECRET not in subject
        assert SECRET not in text


# The house's setting


def test_the_digest_hour_is_a_house_setting(client, harbor, manager_harbor):
    client.force_login(manager_harbor)
    fields = {"grace_minutes": "120", "newcomer_days": "3", "coordinator": ""}
    response = client.post("/houses/harbor/chores/", {**fields, "digest_hour": "24"})
    assert response.status_code == 200
    assert response.context["settings_form"].errors["digest_hour"] == [
        "The hour goes up to 23 (11 p.m.)."
    ]
    response = client.post("/houses/harbor/chores/", {**fields, "digest_hour": "6"})
    assert response.status_code == 302
    assert HouseChoreSettings.objects.get(house=harbor).digest_hour == 6


# A notice that asked someone to act leaves their new ones once nothing waits for them


def _delivered_at(moment):
    with time_machine.travel(moment, tick=False):
        outbox.dispatch()


def _new(user, kind):
    return outbox.inbox(user).filter(kind=kind, read_at__isnull=True).count()


def test_a_chore_checked_by_one_manager_is_no_longer_new_for_the_other(
    harbor, resident_harbor, manager_harbor
):
    other_manager = make_manager(harbor)
    chore = _chore(harbor, "Bathroom", checker=Chore.Checker.MANAGER)
    HouseChoreSettings.objects.get_or_create(house=harbor)
    assignment = make_assignment(chore, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 10, 0), tick=False):
        services.chore_mark_done(assignment=assignment, by=resident_harbor)
    _delivered_at(_at(DAY, 10, 1))
    assert _new(other_manager, "chores.check_waiting") == 1
    services.chore_check(assignment=assignment, by=manager_harbor, approved=True)
    assert _new(other_manager, "chores.check_waiting") == 0
    assert _new(manager_harbor, "chores.check_waiting") == 0


def test_a_swap_withdrawn_after_its_notice_went_is_no_longer_new(harbor, resident_harbor, kitchen):
    other = make_resident(harbor)
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 9, 0), tick=False):
        swap = services.swap_ask(assignment=assignment, by=resident_harbor, of=other)
    _delivered_at(_at(DAY, 9, 1))
    assert _new(other.user, "chores.swap_asked") == 1
    services.swap_withdraw(swap=swap, by=resident_harbor)
    assert _new(other.user, "chores.swap_asked") == 0
    assert _statuses("chores.swap_asked", other.user) == ["sent", "sent"]  # it did go out


def test_a_missed_chore_done_after_all_is_no_longer_new(harbor, resident_harbor, kitchen):
    assignment = make_assignment(kitchen, DAY, resident_harbor)
    with time_machine.travel(_at(DAY, 22, 5), tick=False):
        services.chores_mark_missed()
    _delivered_at(_at(DAY, 22, 6))
    assert _new(resident_harbor.user, "chores.missed") == 1
    with time_machine.travel(_at(DAY, 22, 30), tick=False):
        services.chore_mark_done(assignment=assignment, by=resident_harbor)
    assert _new(resident_harbor.user, "chores.missed") == 0
