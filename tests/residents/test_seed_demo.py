import datetime as dt

from django.core.management import call_command

from residents.models import House, Membership, Resident, Stay
from soberhouse.models import User

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


def test_it_is_idempotent(db):
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    first = _snapshot()
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    assert _snapshot() == first


def test_every_demo_resident_is_current(db):
    call_command("seed_demo", allow_without_debug=True)
    assert Stay.objects.current().count() == 16


def test_it_refuses_to_run_with_debug_off(db):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


def test_running_it_again_on_a_later_day_changes_no_stay(db):
    call_command("seed_demo", today=TODAY, allow_without_debug=True)
    stays = _snapshot()["stays"]
    call_command("seed_demo", today=TODAY + dt.timedelta(days=40), allow_without_debug=True)
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
    call_command("seed_demo", allow_without_debug=True)
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
    call_command("seed_demo", allow_without_debug=True)
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
    call_command("seed_demo", allow_without_debug=True)
    assert Entry.objects.count() == before
