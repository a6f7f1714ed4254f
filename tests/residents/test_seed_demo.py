import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from residents.models import House, Membership, Resident, Stay
from soberhouse import audit
from soberhouse.models import AuditEvent, User
from tests.factories import UserFactory

TODAY = dt.date(2026, 11, 27)


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("email", "is_operator_staff")),
        "houses": sorted(House.objects.values_list("slug", "name")),
        "managers": sorted(Membership.objects.values_list("house__slug", "user__email")),
        "stays": sorted(
            Stay.objects.values_list("house__slug", "resident__user__email", "move_in", "move_out")
        ),
        "sobriety": sorted(Resident.objects.values_list("user__email", "sobriety_date")),
    }


CHANGED = "a-password-someone-chose-2026"  # noqa: S105


def _change_a_password() -> None:
    user = User.objects.get(email="manager.harbor@demo.test")
    user.set_password(CHANGED)
    user.save(update_fields=["password"])


def _kept_the_changed_password() -> bool:
    return User.objects.get(email="manager.harbor@demo.test").check_password(CHANGED)


def test_it_builds_exactly_the_demo(db):
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    snapshot = _snapshot()
    assert snapshot["houses"] == [("cedar", "Cedar House"), ("harbor", "Harbor House")]
    assert snapshot["managers"] == [
        ("cedar", "manager.cedar@demo.test"),
        ("harbor", "manager.harbor@demo.test"),
    ]
    assert User.objects.get(email="staff@demo.test").is_operator_staff
    for slug in ("harbor", "cedar"):
        current = {
            stay.resident.user.email
            for stay in Stay.objects.current()
            .filter(house__slug=slug)
            .select_related("resident__user")
        }
        assert current == {f"resident.{slug}{n}@demo.test" for n in range(1, 9)}
    assert len(User.objects.all()) == 1 + 2 + 16 + 3  # staff, managers, current, past
    dates = [date for email, date in snapshot["sobriety"] if email.startswith("resident.harbor")]
    assert len(set(dates)) == 8
    assert all(user.check_password("sober-demo-2026") for user in User.objects.all())


def test_it_builds_a_lived_in_history(db):
    from residents import selectors

    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    past = Stay.objects.filter(move_out__isnull=False)
    assert past.filter(resident__user__email__startswith="past.").count() == 3
    readmitted = Resident.objects.get(user__email="resident.harbor3@demo.test")
    assert readmitted.stays.count() == 2
    harbor = House.objects.get(slug="harbor")
    rows = selectors.roster(harbor, today=TODAY)
    assert [row.resident.user.email for row in rows if row.signed_current_rules is False] == [
        "resident.harbor1@demo.test"
    ]
    assert len(selectors.milestones_soon(rows, TODAY)) >= 3


def test_it_refuses_to_write_over_a_database_with_people_in_it(db):
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    _change_a_password()
    first = _snapshot()
    with pytest.raises(CommandError, match="22 accounts and 2 houses.*--reset"):
        call_command("seed_demo", today=TODAY, allow_without_debug=True)
    assert _snapshot() == first
    assert _kept_the_changed_password()


def test_it_refuses_even_a_database_with_one_account(db):
    UserFactory(email="someone@example.test")
    with pytest.raises(CommandError, match="1 account:"):
        call_command("seed_demo", allow_without_debug=True)
    assert not House.objects.exists()


def test_if_empty_leaves_a_database_people_use_as_it_is(db):
    """What ./dev run does on every start: a password someone changed stays changed."""
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    _change_a_password()
    first = _snapshot()
    out = io.StringIO()
    call_command("seed_demo", if_empty=True, allow_without_debug=True, stdout=out)
    assert "not loaded over it" in out.getvalue()
    assert _snapshot() == first
    assert _kept_the_changed_password()


def test_if_empty_builds_the_demo_into_an_empty_database(db):
    call_command("seed_demo", if_empty=True, today=TODAY, allow_without_debug=True)
    assert User.objects.filter(email__endswith="@demo.test").count() == 22


def test_reset_deletes_everything_and_builds_the_demo_again(db):
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    first = _snapshot()
    _change_a_password()
    UserFactory(email="someone@example.test")
    audit.record(action="house.update", obj=House.objects.first())
    with override_settings(DEBUG=True):
        call_command("seed_demo", reset=True, today=TODAY, stdout=io.StringIO())
    assert _snapshot() == first
    assert not _kept_the_changed_password()
    assert not AuditEvent.objects.filter(action="house.update").exists()


def test_reset_with_debug_off_needs_force(db):
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    _change_a_password()
    with pytest.raises(CommandError, match="DEBUG is off.*--force"):
        call_command("seed_demo", reset=True, allow_without_debug=True)
    assert _kept_the_changed_password()
    call_command("seed_demo", reset=True, force=True, allow_without_debug=True)
    assert not _kept_the_changed_password()


def test_every_demo_resident_is_current(db):
    call_command("seed_demo", allow_without_debug=True)
    assert Stay.objects.current().count() == 16


def test_it_refuses_to_run_with_debug_off(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_running_it_again_on_a_later_day_changes_no_stay(db):
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    stays = _snapshot()["stays"]
    later = TODAY + dt.timedelta(days=40)
    call_command("seed_demo", today=later, if_empty=True, allow_without_debug=True)
    assert _snapshot()["stays"] == stays


def test_the_demo_houses_have_chores_and_four_weeks_of_history(db):
    from chores.models import Assignment, Chore

    call_command("seed_demo", allow_without_debug=True)
    for slug in ("harbor", "cedar"):
        assert Chore.objects.filter(house__slug=slug).count() == 8
        rows = Assignment.objects.filter(house__slug=slug)
        assert rows.filter(status="missed").exists()
        assert rows.filter(status="redo").exists()
        assert rows.filter(status="checked").exists()
        assert not rows.filter(resident__isnull=True).exists()
    before = Assignment.objects.count()
    call_command("seed_demo", if_empty=True, allow_without_debug=True)
    assert Assignment.objects.count() == before


def test_the_demo_houses_have_meetings_officers_and_outside_meetings(db):
    from meetings.models import Meeting, Motion, Officer, OutsideMeeting
    from residents.selectors import residents_on

    call_command("seed_demo", allow_without_debug=True)
    for slug in ("harbor", "cedar"):
        meetings = Meeting.objects.filter(house__slug=slug)
        held = meetings.filter(status="held")
        assert held.count() == 4
        for meeting in held:
            living = residents_on(meeting.house, meeting.day()).count()
            assert meeting.minutes and meeting.attendance.count() == living
        assert meetings.filter(status="scheduled").count() == 4
        statuses = set(Motion.objects.filter(house__slug=slug).values_list("status", flat=True))
        assert statuses == {"passed", "failed"}
        offices = set(Officer.objects.filter(house__slug=slug).values_list("office", flat=True))
        assert offices == {"chair", "secretary"}
        assert OutsideMeeting.objects.filter(house__slug=slug).exists()
    before = (Meeting.objects.count(), OutsideMeeting.objects.count())
    call_command("seed_demo", if_empty=True, allow_without_debug=True)
    assert (Meeting.objects.count(), OutsideMeeting.objects.count()) == before


def test_the_demo_houses_have_two_mentoring_pairs_one_overdue(db):
    from peerlog import selectors
    from peerlog.models import Entry, MentorRequest, Pairing

    call_command("seed_demo", allow_without_debug=True)
    for slug in ("harbor", "cedar"):
        house = House.objects.get(slug=slug)
        assert Pairing.objects.filter(house=house, ends_on__isnull=True).count() == 2
        assert Entry.objects.filter(pairing__house=house).count() >= 8
        assert len(selectors.overdue(house)) == 1
        assert MentorRequest.objects.filter(house=house, status="waiting").count() == 1
    before = Entry.objects.count()
    call_command("seed_demo", if_empty=True, allow_without_debug=True)
    assert Entry.objects.count() == before
