"""Every figure of the monthly report against a small house whose numbers were worked out by
hand (in the comments). November 2026 in Los Angeles has the end of daylight saving time on its
first Sunday; another house keeps New Zealand's time, where November starts on 31 October in UTC.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from chores.models import Assignment, Chore
from meetings.models import Attendance, Meeting, Motion, OutsideMeeting
from peerlog.models import Entry, Pairing
from reports.figures import Month, build
from residents.models import House, Resident, SobrietyDateChange, Stay
from tests.factories import HouseFactory, ResidentFactory, UserFactory, make_assignment

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
NZ = zoneinfo.ZoneInfo("Pacific/Auckland")
NOVEMBER = Month.of(2026, 11)
D = dt.date


def _local(zone, *args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=zone)


def _person(house, name, move_in, move_out=None, reason="", sobriety=None) -> Resident:
    resident = ResidentFactory(
        user=UserFactory(full_name=name), legal_name=name, sobriety_date=sobriety
    )
    Stay.objects.create(
        resident=resident, house=house, move_in=move_in, move_out=move_out, exit_reason=reason
    )
    return resident


@pytest.fixture
def harbor(db):
    return HouseFactory(slug="harbor", name="Harbor House", time_zone="America/Los_Angeles", beds=4)


@pytest.fixture
def people(harbor):
    """Who lived in harbor, and when (a stay runs up to, not including, its move-out day).

    Nights in November (30 days, 4 beds: 120 possible):
      Ann   1 Oct –            30
      Ben  10 Nov –            21  (admitted mid-month)
      Cal   1 Sep – 20 Nov     19  (discharged mid-month, completed; stayed 80 days)
      Dee   3 Nov –  8 Nov      5  (admitted and discharged, asked to leave; stayed 5 days)
      Eve   1 Aug –  1 Nov      0  (moved on, on the 1st: a November discharge; stayed 92 days)
      Fay   1 Dec –             0  (not yet)
    """
    return {
        "ann": _person(harbor, "Ann", D(2026, 10, 1), sobriety=D(2026, 8, 10)),  # 90 days: 8 Nov
        "ben": _person(harbor, "Ben", D(2026, 11, 10), sobriety=D(2026, 5, 31)),  # 6 m: 30 Nov
        "cal": _person(
            harbor, "Cal", D(2026, 9, 1), D(2026, 11, 20), "completed", sobriety=D(2025, 11, 15)
        ),  # 1 year: 15 Nov, while still there
        "dee": _person(
            harbor, "Dee", D(2026, 11, 3), D(2026, 11, 8), "asked_to_leave", D(2026, 10, 8)
        ),  # 30 days: 7 Nov, her last day in
        "eve": _person(
            harbor, "Eve", D(2026, 8, 1), D(2026, 11, 1), "moved_on", sobriety=D(2025, 5, 31)
        ),  # 18 months: 30 Nov, after she left: not counted
        "fay": _person(harbor, "Fay", D(2026, 12, 1), sobriety=D(2026, 11, 1)),  # not in yet
    }


def test_census(harbor, people):
    report = build([harbor], NOVEMBER)
    census = report.of(harbor).census
    assert (census.beds, census.bed_nights_possible) == (4, 120)
    assert census.bed_nights == 30 + 21 + 19 + 5
    assert census.occupancy_percent == 62.5
    assert census.admissions == 2  # Ben, Dee
    assert census.discharges == {"completed": 1, "asked_to_leave": 1, "moved_on": 1}
    assert census.average_stay_days == round((80 + 5 + 92) / 3, 1)  # 59.0
    assert census.at_month_end == 2  # Ann, Ben
    assert census.residents == 4  # Ann, Ben, Cal, Dee (Eve left on the 1st)


def test_the_month_before_and_the_trend(harbor, people):
    report = build([harbor], NOVEMBER)
    october = report.of(harbor, Month.of(2026, 10)).census
    # October has 31 days: Ann 31, Cal 31, Eve 31 nights of 124.
    assert (october.bed_nights, october.bed_nights_possible) == (93, 124)
    assert october.occupancy_percent == 75.0
    assert [month.key for month in report.months][-3:] == ["2026-09", "2026-10", "2026-11"]
    assert len(report.months) == 12
    assert report.of(harbor, Month.of(2025, 12)).census.bed_nights_possible == 4 * 31


def test_february_has_28_days(harbor):
    _person(harbor, "Gus", D(2026, 1, 15))
    census = build([harbor], Month.of(2026, 2)).of(harbor).census
    assert (census.bed_nights, census.bed_nights_possible) == (28, 112)
    assert census.occupancy_percent == 25.0


def test_recovery(harbor, people):
    ann, by = people["ann"], UserFactory()
    # A reset in November (a later date), one in October by Los Angeles' clock although it is
    # already 1 November in UTC, and a correction to an earlier date, which is not a reset.
    SobrietyDateChange.objects.create(
        resident=ann,
        previous_date=D(2026, 6, 1),
        new_date=D(2026, 8, 10),
        reason="-",
        changed_by=by,
        changed_at=_local(LA, 2026, 11, 15, 12, 0),
    )
    SobrietyDateChange.objects.create(
        resident=ann,
        previous_date=D(2026, 5, 1),
        new_date=D(2026, 6, 1),
        reason="-",
        changed_by=by,
        changed_at=dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),  # 23:30 on 31 Oct in LA
    )
    SobrietyDateChange.objects.create(
        resident=ann,
        previous_date=D(2026, 8, 12),
        new_date=D(2026, 8, 10),
        reason="-",
        changed_by=by,
        changed_at=_local(LA, 2026, 11, 16, 12, 0),
    )
    report = build([harbor], NOVEMBER)
    recovery = report.of(harbor).recovery
    assert recovery.milestones == {"90d": 1, "6m": 1, "1y": 1, "30d": 1}
    assert recovery.milestones_reached == 4
    assert recovery.resets == 1
    assert report.of(harbor, Month.of(2026, 10)).recovery.resets == 1
    assert report.milestone_labels["6m"] == "6 months"


def test_chores(harbor, people):
    ann, ben = people["ann"], people["ben"]
    chore = Chore.objects.create(house=harbor, name="Kitchen")
    done = Assignment.Status.DONE
    make_assignment(chore, D(2026, 11, 2), ann, status=done, done_at=_local(LA, 2026, 11, 2, 9))
    make_assignment(chore, D(2026, 11, 3), ann, status=done, late=True)
    make_assignment(chore, D(2026, 11, 4), ann, status=Assignment.Status.MISSED)
    make_assignment(chore, D(2026, 11, 11), ben, status=Assignment.Status.CHECKED, redo_count=1)
    make_assignment(chore, D(2026, 11, 30), ben)  # still to do
    make_assignment(chore, D(2026, 11, 29), None)  # nobody's: left out
    make_assignment(chore, D(2026, 10, 31), ann, status=Assignment.Status.MISSED)  # October
    make_assignment(chore, D(2026, 12, 1), ann)  # December
    report = build([harbor], NOVEMBER, with_residents=True)
    chores = report.of(harbor).chores
    assert (chores.assigned, chores.done_on_time, chores.done_late) == (5, 2, 1)
    assert (chores.missed, chores.still_open, chores.redone) == (1, 1, 1)
    assert chores.completion_percent == 75.0  # 3 done of the 4 settled
    by_name = {row.name: row for row in report.residents}
    assert by_name["Ann"].chores.completion_percent == round(100 * 2 / 3, 1)
    assert by_name["Ben"].chores.completion_percent == 100.0
    assert report.of(harbor, Month.of(2026, 10)).chores.missed == 1


def _meeting(house, zone, *args, status=Meeting.Status.HELD, reason=""):
    starts = _local(zone, *args)
    return Meeting.objects.create(
        house=house,
        starts_at=starts,
        regular_on=starts.date(),
        place="Living room",
        status=status,
        cancel_reason=reason,
    )


def _motion(house, mover, status, decided_at):
    return Motion.objects.create(
        house=house, text="Movie night", mover=mover, status=status, decided_at=decided_at
    )


def test_house_meetings(harbor, people):
    ann, ben, cal, dee = (people[name] for name in ("ann", "ben", "cal", "dee"))
    # 5 Nov: Ann, Cal and Dee live there; all three come (Cal late).
    first = _meeting(harbor, LA, 2026, 11, 5, 19)
    for resident, status in ((ann, "present"), (cal, "late"), (dee, "present")):
        Attendance.objects.create(meeting=first, resident=resident, status=status)
    # 12 Nov: Ann, Ben, Cal; Ann comes, Ben is excused, Cal is absent.
    second = _meeting(harbor, LA, 2026, 11, 12, 19)
    for resident, status in ((ann, "present"), (ben, "excused"), (cal, "absent")):
        Attendance.objects.create(meeting=second, resident=resident, status=status)
    _meeting(harbor, LA, 2026, 11, 19, 19, status=Meeting.Status.CANCELLED, reason="Holiday")
    # 30 Nov at 23:30 in LA, already 1 December in UTC: Ann and Ben live there; Ann comes,
    # nobody marked Ben.
    last = _meeting(harbor, LA, 2026, 11, 30, 23, 30)
    Attendance.objects.create(meeting=last, resident=ann, status="present")
    _meeting(harbor, LA, 2026, 12, 3, 19)  # December
    _motion(harbor, ann, Motion.Status.PASSED, _local(LA, 2026, 11, 5, 20))
    _motion(harbor, ann, Motion.Status.FAILED, _local(LA, 2026, 11, 12, 20))
    _motion(harbor, ann, Motion.Status.NO_QUORUM, _local(LA, 2026, 11, 30, 23, 50))
    _motion(harbor, ann, Motion.Status.VOTING, None)  # not decided

    report = build([harbor], NOVEMBER, with_residents=True)
    meetings = report.of(harbor).meetings
    assert (meetings.held, meetings.cancelled) == (3, 1)
    # Attended: 3 + 1 + 1; expected: 3 + 2 (Ben excused) + 2.
    assert (meetings.attended, meetings.expected) == (5, 7)
    assert meetings.attendance_percent == 71.4
    assert (meetings.passed, meetings.failed, meetings.no_quorum) == (1, 1, 1)
    by_name = {row.name: row for row in report.residents}
    assert (by_name["Ann"].meetings_attended, by_name["Ann"].meetings_expected) == (3, 3)
    assert (by_name["Ben"].meetings_attended, by_name["Ben"].meetings_expected) == (0, 1)
    assert (by_name["Cal"].meetings_attended, by_name["Cal"].meetings_expected) == (1, 2)


def _outside(resident, house, day, n, verified=False):
    from django.utils import timezone

    return OutsideMeeting.objects.create(
        resident=resident,
        house=house,
        day=day,
        name=f"Group {n}",
        fellowship="aa",
        verified_at=timezone.now() if verified else None,
    )


def test_outside_meetings(harbor, people):
    """Weeks ending in November: 26 Oct–1 Nov, 2–8, 9–15, 16–22 and 23–29 Nov; 3 a week.

    Resident-weeks: Ann 5; Ben 3 (6 days of 9–15 Nov: a fair share of 3); Cal 4 (4 days of
    16–22 Nov: 2); Dee 1 (5 days: 3); Eve 1 (6 days of 26 Oct–1 Nov: 3). 14 in all.
    Met: Ann 2–8 and 9–15 Nov; Ben 9–15 Nov; Cal 16–22 Nov (2 of 2). 4 of 14.
    """
    ann, ben, cal, eve = (people[name] for name in ("ann", "ben", "cal", "eve"))
    n = iter(range(100))
    for day in (2, 3, 4, 9, 10, 11, 16, 17):
        _outside(ann, harbor, D(2026, 11, day), next(n), verified=day < 5)
    for day in (10, 11, 12):
        _outside(ben, harbor, D(2026, 11, day), next(n), verified=day == 10)
    for day in (16, 17):
        _outside(cal, harbor, D(2026, 11, day), next(n), verified=day == 16)
    _outside(eve, harbor, D(2026, 10, 31), next(n))  # October: in a November week, short
    report = build([harbor], NOVEMBER, with_residents=True)
    figures = report.of(harbor)
    outside = figures.outside
    assert (outside.meetings, outside.verified) == (13, 5)
    assert outside.verified_percent == 38.5
    assert figures.outside_per_resident == 3.2  # 13 over Ann, Ben, Cal and Dee
    assert (outside.resident_weeks, outside.weeks_met) == (14, 4)
    assert outside.weeks_met_percent == 28.6
    by_name = {row.name: row for row in report.residents}
    assert (by_name["Ann"].resident_weeks, by_name["Ann"].weeks_met) == (5, 2)
    assert (by_name["Cal"].resident_weeks, by_name["Cal"].weeks_met) == (4, 1)
    assert by_name["Ann"].outside_meetings == 8


def _entry(pairing, author, at, minutes):
    return Entry.objects.create(pairing=pairing, author=author, at=at, minutes=minutes)


def test_peer_mentoring(harbor, people):
    ann, ben, cal, eve = (people[name] for name in ("ann", "ben", "cal", "eve"))
    # Ann mentors Ben from 10 Nov: contact on the 10th, then nothing until the 20th (overdue
    # from the 17th, at 7 days).
    quiet = Pairing.objects.create(house=harbor, mentor=ann, mentee=ben, starts_on=D(2026, 11, 10))
    _entry(quiet, ann, _local(LA, 2026, 11, 10, 18), 60)
    _entry(quiet, ben, _local(LA, 2026, 11, 20, 18), 30)
    # Ann mentors Cal until he leaves on the 20th: in touch every six days.
    steady = Pairing.objects.create(
        house=harbor,
        mentor=ann,
        mentee=cal,
        starts_on=D(2026, 10, 1),
        ends_on=D(2026, 11, 20),
        end_reason="mentee_left",
    )
    _entry(steady, ann, _local(LA, 2026, 10, 28, 18), 45)
    for day, minutes in ((3, 45), (9, 45), (15, 60)):
        _entry(steady, ann, _local(LA, 2026, 11, day, 18), minutes)
    # Ann mentored Eve until 15 October: not a November pair.
    Pairing.objects.create(
        house=harbor,
        mentor=ann,
        mentee=eve,
        starts_on=D(2026, 9, 1),
        ends_on=D(2026, 10, 15),
        end_reason="completed",
    )
    mentoring = build([harbor], NOVEMBER).of(harbor).mentoring
    assert mentoring.active_pairs == 2
    assert (mentoring.entries, mentoring.minutes, mentoring.hours) == (5, 240, 4.0)
    assert mentoring.quiet_mentees == 1  # Ben


def test_a_house_in_another_zone_counts_its_own_days(harbor, people):
    kiwi = HouseFactory(slug="kiwi", name="Kiwi House", time_zone="Pacific/Auckland", beds=2)
    tui = _person(kiwi, "Tui", D(2026, 10, 1))
    # 1 Nov 08:00 in Auckland is 31 Oct in UTC: a November meeting there.
    november = _meeting(kiwi, NZ, 2026, 11, 1, 8)
    Attendance.objects.create(meeting=november, resident=tui, status="present")
    # 1 Dec 09:00 in Auckland is still 30 Nov in UTC: a December meeting.
    _meeting(kiwi, NZ, 2026, 12, 1, 9)
    pairing = Pairing.objects.create(
        house=kiwi,
        mentor=tui,
        mentee=_person(kiwi, "Aroha", D(2026, 10, 1)),
        starts_on=D(2026, 10, 1),
    )
    _entry(pairing, tui, _local(NZ, 2026, 11, 1, 7), 30)  # 31 Oct in UTC
    _entry(pairing, tui, _local(NZ, 2026, 12, 1, 7), 30)  # 30 Nov in UTC

    report = build([harbor, kiwi], NOVEMBER)
    figures = report.of(kiwi)
    assert (figures.meetings.held, figures.meetings.attended, figures.meetings.expected) == (
        1,
        1,
        2,
    )
    assert (figures.mentoring.entries, figures.mentoring.minutes) == (1, 30)
    assert figures.census.bed_nights == 60 and figures.census.occupancy_percent == 100.0
    # The total adds the houses' counts and works the percentage out again.
    total = report.total()
    assert total.census.bed_nights == 75 + 60
    assert total.census.bed_nights_possible == 120 + 60
    assert total.census.occupancy_percent == 75.0
    assert [house.slug for house in report.houses] == ["harbor", "kiwi"]


def test_the_same_queries_for_two_houses_and_for_twenty(django_assert_num_queries, harbor, people):
    def houses(count):
        made = [HouseFactory(slug=f"h{len(extra)}-{n}") for n in range(count)]
        for house in made:
            _person(house, f"Resident {house.slug}", D(2026, 10, 1), sobriety=D(2026, 1, 1))
        return made

    extra: list = []
    two = [harbor, *houses(1)]
    extra.append(1)
    twenty = [harbor, *houses(19)]
    # One query per section (twelve), and five for the per-resident rows.
    with django_assert_num_queries(17):
        build(two, NOVEMBER, with_residents=True)
    with django_assert_num_queries(17):
        build(twenty, NOVEMBER, with_residents=True)


def test_a_mentee_is_quiet_from_the_houses_overdue_days_on(harbor):
    """The dashboard's rule: overdue once the days since the last contact reach 7."""

    def pair(mentor_name, mentee_name, contact_days):
        mentor = _person(harbor, mentor_name, D(2026, 10, 1))
        pairing = Pairing.objects.create(
            house=harbor,
            mentor=mentor,
            mentee=_person(harbor, mentee_name, D(2026, 10, 1)),
            starts_on=D(2026, 11, 1),
            ends_on=D(2026, 11, 20),
            end_reason="completed",
        )
        for day in contact_days:
            _entry(pairing, mentor, _local(LA, 2026, 11, day, 12), 15)

    pair("Mo", "Ned", (1, 7, 13, 19))  # at most 6 days since a contact, up to the 19th
    pair("Oz", "Pia", (1, 8, 14, 19))  # 7 days on the 8th, before that day's contact
    mentoring = build([harbor], NOVEMBER).of(harbor).mentoring
    assert (mentoring.active_pairs, mentoring.quiet_mentees) == (2, 1)


def test_the_demo_dates_its_decisions_by_its_meetings(db):
    """The demo runs its past meetings at their own times: November's report counts the motions
    decided at November's meetings, whatever day the demo was built."""
    from django.core.management import call_command

    with time_machine.travel(dt.datetime(2026, 12, 4, 20, 0, tzinfo=dt.UTC)):
        call_command("seed_demo", allow_without_debug=True)
    demo = House.objects.get(slug="harbor")
    meetings = build([demo], NOVEMBER).of(demo).meetings
    # four Sundays held in November; two elections at the first, a motion passed and one
    # failed at the last
    assert (meetings.held, meetings.passed, meetings.failed) == (4, 3, 1)
    decided = Motion.objects.filter(house=demo).select_related("meeting__house")
    assert {
        (motion.decided_at.astimezone(LA).date(), motion.meeting.day()) for motion in decided
    } == {
        (D(2026, 11, 8), D(2026, 11, 8)),
        (D(2026, 11, 29), D(2026, 11, 29)),
    }
