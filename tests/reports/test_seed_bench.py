"""seed_bench: a large operator's data, built in bulk, as the services would leave it."""

import datetime as dt
import io
import zoneinfo
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chores import outcomes
from chores.models import Assignment, Chore, HouseChoreSettings
from meetings.models import (
    Attendance,
    HouseMeetingSettings,
    Meeting,
    Motion,
    Officer,
    OutsideMeeting,
    Vote,
)
from peerlog.models import Entry, MentoringSettings, Pairing
from reports.management.commands.seed_bench import PASSWORD, Bench
from residents.milestones import months_later
from residents.models import House, Membership, Resident, SobrietyDateChange, Stay
from soberhouse.clock import wall_clock
from soberhouse.models import User
from tests.factories import HouseFactory, make_resident

# 23:30 on 9 March in Los Angeles, already 00:30 on the 10th in Denver: the two houses have
# different todays, and the clocks sprang forward two days before.
NOW = dt.datetime(2026, 3, 10, 7, 30, tzinfo=dt.UTC)
SMALL = {"houses": 2, "beds": 4, "months": 3}
MODELS = [
    House,
    Membership,
    User,
    Resident,
    SobrietyDateChange,
    Stay,
    Chore,
    Assignment,
    Meeting,
    Attendance,
    Motion,
    Vote,
    Officer,
    OutsideMeeting,
    Pairing,
    Entry,
]


def _seed(**options):
    out = io.StringIO()
    call_command(
        "seed_bench", **{**SMALL, **options}, now=NOW, allow_without_debug=True, stdout=out
    )
    return out.getvalue()


def _window(house: House) -> tuple[dt.date, dt.date]:
    today = house.today(NOW)
    return months_later(today, -SMALL["months"]), today


def _fingerprint() -> dict:
    """The data by what it means, not by its ids."""

    def rows(queryset, *fields):
        return sorted(queryset.values_list(*fields), key=str)

    return {
        "counts": {model.__name__: model.objects.count() for model in MODELS},
        "stays": rows(
            Stay.objects, "house__slug", "bed", "resident__user__email", "move_in", "move_out"
        ),
        "assignments": rows(
            Assignment.objects,
            "house__slug",
            "chore__name",
            "day",
            "resident__user__email",
            "status",
            "late",
            "redo_count",
            "done_at",
            "missed_at",
        ),
        "motions": rows(Motion.objects, "house__slug", "text", "status", "yes", "no", "abstain"),
        "outside": rows(OutsideMeeting.objects, "resident__user__email", "day", "name"),
        "entries": rows(Entry.objects, "pairing__mentee__user__email", "at", "minutes"),
    }


def test_it_builds_the_houses_and_beds_asked_for(db):
    output = _seed()
    houses = list(House.objects.order_by("slug"))
    assert [(h.slug, h.name, h.beds) for h in houses] == [
        ("bench-01", "Bench House 01", 4),
        ("bench-02", "Bench House 02", 4),
    ]
    assert [h.time_zone for h in houses] == ["America/Los_Angeles", "America/Denver"]
    assert sorted(Membership.objects.values_list("house__slug", "user__email")) == [
        ("bench-01", "bench.h01.manager@bench.test"),
        ("bench-02", "bench.h02.manager@bench.test"),
    ]
    assert User.objects.get(email="staff@bench.test").is_operator_staff
    assert Resident.objects.filter(user__email="bench.h01.r001@bench.test").exists()
    # One password, hashed once, for every account.
    assert User.objects.values("password").distinct().count() == 1
    assert User.objects.get(email="bench.h02.r001@bench.test").check_password(PASSWORD)
    # Every house has its settings, as a first write through the services would make them.
    for model in (HouseMeetingSettings, MentoringSettings, HouseChoreSettings):
        assert model.objects.count() == 2
    assert "chores.Assignment" in output and "Built the bench in" in output


def test_every_stay_lies_within_the_months_asked(db):
    _seed()
    for house in House.objects.all():
        start, today = _window(house)
        stays = list(house.stays.all())
        assert stays
        for stay in stays:
            assert start <= stay.move_in <= today
            assert stay.move_out is None or stay.move_in < stay.move_out <= today
            assert bool(stay.exit_reason) == (stay.move_out is not None)
            assert stay.bed in {f"Bed {n}" for n in range(1, 5)}
    # People came and went.
    assert Stay.objects.filter(move_out__isnull=False).exists()
    assert Stay.objects.filter(move_out__isnull=True).exists()


def test_occupancy_per_house_and_month_lies_between_0_and_100_percent(db):
    _seed()
    for house in House.objects.all():
        start, today = _window(house)
        nights: dict[tuple[int, int], int] = defaultdict(int)
        days: dict[tuple[int, int], int] = defaultdict(int)
        stays = list(house.stays.all())
        day = start
        while day <= today:
            month = (day.year, day.month)
            days[month] += 1
            nights[month] += sum(
                1 for s in stays if s.move_in <= day and (s.move_out is None or day < s.move_out)
            )
            day += dt.timedelta(days=1)
        occupancy = [nights[month] / (house.beds * days[month]) for month in days]
        assert all(0 <= share <= 1 for share in occupancy), occupancy
        assert sum(occupancy) / len(occupancy) > 0.5


def test_assignments_have_every_outcome(db):
    _seed()
    ids = list(House.objects.values_list("pk", flat=True))
    counted = outcomes.total(
        outcomes.by_house(ids, dt.date(2025, 1, 1), dt.date(2026, 12, 31)).values()
    )
    assert counted.done_on_time > counted.done_late > 0
    assert counted.missed > 0
    assert counted.still_open > 0
    assert counted.redone > 0


def test_assignments_look_as_the_services_leave_them(db):
    _seed()
    grace = dict(HouseChoreSettings.objects.values_list("house_id", "grace_minutes"))
    rows = Assignment.objects.select_related("chore", "house")
    assert rows.count() > 1000
    for row in rows:
        assert row.due_at == wall_clock(row.day, row.chore.due_time, row.house.time_zone)
        assert row.points == row.chore.points
        if row.status in (Assignment.Status.DONE, Assignment.Status.CHECKED):
            assert row.done_at is not None and row.done_at <= NOW
            if not row.redo_count:  # after a redo, done_at is the redo's; late, the first's
                deadline = row.due_at + dt.timedelta(minutes=grace[row.house_id])
                assert row.late == (row.done_at > deadline)
        else:
            assert row.done_at is None
        if row.status == Assignment.Status.CHECKED:
            assert row.checked_by_id is not None and row.checked_at >= row.done_at
        if row.status == Assignment.Status.MISSED:
            assert row.missed_at is not None
        if row.redo_count:
            assert row.chore.checker != Chore.Checker.NOBODY and row.checked_at is not None
        if row.status == Assignment.Status.TO_DO:
            # The missed-chores task would have taken anything past its time and grace.
            assert row.due_at + dt.timedelta(minutes=grace[row.house_id]) > NOW - dt.timedelta(
                minutes=5
            )
        if row.resident_id is None:
            assert row.status in (Assignment.Status.TO_DO, Assignment.Status.MISSED)


def test_meetings_motions_outside_meetings_and_mentoring_are_there(db):
    _seed()
    assert Meeting.objects.filter(status=Meeting.Status.HELD).exists()
    cancelled = Meeting.objects.filter(status=Meeting.Status.CANCELLED)
    assert cancelled.exists() and not cancelled.filter(cancel_reason="").exists()
    assert Meeting.objects.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=NOW).exists()
    for meeting in Meeting.objects.select_related("house__meeting_settings"):
        settings = meeting.house.meeting_settings
        assert meeting.starts_at == wall_clock(
            meeting.regular_on, settings.time, meeting.house.time_zone
        )
        assert meeting.regular_on.weekday() == settings.weekday
    assert Attendance.objects.exists()
    for mark in Attendance.objects.select_related("meeting__house"):
        day = mark.meeting.day()
        assert Stay.objects.filter(
            house=mark.meeting.house, resident=mark.resident_id, move_in__lte=day
        ).exclude(move_out__lte=day)
    assert Motion.objects.filter(status=Motion.Status.PASSED).exists()
    assert Motion.objects.filter(status=Motion.Status.FAILED).exists()
    for motion in Motion.objects.filter(status__in=["passed", "failed", "no_quorum"]):
        assert motion.decided_at is not None
        assert motion.yes + motion.no + motion.abstain == motion.votes.count() <= motion.present
        assert motion.present <= motion.residents
    assert OutsideMeeting.objects.filter(verified_at__isnull=False).exists()
    assert OutsideMeeting.objects.filter(verified_at__isnull=True).exists()
    assert Pairing.objects.exists() and Entry.objects.exists()
    for entry in Entry.objects.select_related("pairing__house"):
        pairing = entry.pairing
        day = entry.at.astimezone(zoneinfo.ZoneInfo(pairing.house.time_zone)).date()
        assert entry.at <= NOW
        assert pairing.starts_on <= day
        assert pairing.ends_on is None or day <= pairing.ends_on
        assert entry.author_id in (pairing.mentor_id, pairing.mentee_id)


def test_it_refuses_to_run_twice_without_replace(db):
    _seed()
    with pytest.raises(CommandError, match="--replace"):
        _seed()


def test_replace_builds_the_same_data_again(db):
    _seed()
    before = _fingerprint()
    output = _seed(replace=True)
    assert "Deleted the earlier bench data" in output
    assert _fingerprint() == before


def test_another_seed_builds_other_data(db):
    _seed()
    before = _fingerprint()
    _seed(replace=True, seed=7)
    after = _fingerprint()
    assert after["counts"]["House"] == before["counts"]["House"] == 2
    assert after["stays"] != before["stays"]
    assert after["assignments"] != before["assignments"]


def test_replace_leaves_everything_else_alone(db):
    house = HouseFactory(slug="bench-press", name="Bench Press House")
    resident = make_resident(house, email="someone@example.test")
    _seed()
    _seed(replace=True)
    assert House.objects.filter(pk=house.pk).exists()
    assert Stay.objects.filter(resident=resident).exists()
    assert House.objects.filter(slug__startswith="bench-").count() == 3


def test_it_is_built_only_with_debug_on(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_bench", **SMALL, now=NOW, stdout=io.StringIO())
    assert not House.objects.exists()


def test_the_default_size_plan_holds_together():
    """The plan alone (no database) at the default size: nobody in two places at once, nobody
    sharing a bed, occupancy where an operator's houses sit, people coming back and moving
    between houses, sobriety dates reset and corrected."""
    bench = Bench(seed=2026, houses=40, beds=12, months=24, now=NOW)
    bench.plan()
    stays = [stay for house in bench.houses for stay in house.stays]
    assert 1800 <= len(stays) <= 2600
    for person in bench.people:
        for before, after in zip(person.stays, person.stays[1:], strict=False):
            assert before.move_out is not None and before.move_out <= after.move_in
    beds = defaultdict(list)
    for stay in stays:
        beds[(stay.house.number, stay.bed)].append(stay)
    for in_bed in beds.values():
        in_bed.sort(key=lambda stay: stay.move_in)
        for before, after in zip(in_bed, in_bed[1:], strict=False):
            assert before.move_out is not None and before.move_out <= after.move_in
    occupancy = []
    for house in bench.houses:
        nights = sum(len(house.living.get(day, [])) for day in _days(house.start, house.today))
        occupancy.append(nights / (house.beds * ((house.today - house.start).days + 1)))
    assert 0.75 <= min(occupancy) and max(occupancy) <= 0.97
    assert any(stay.exit_reason == Stay.ExitReason.TRANSFERRED for stay in stays)
    assert any(len(person.stays) > 1 for person in bench.people)
    changes = [change for person in bench.people for change in person.changes]
    assert any(change.new > change.previous for change in changes)
    assert any(change.new < change.previous for change in changes)


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)
