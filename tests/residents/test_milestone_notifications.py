"""Milestone notifications: the resident the evening before, housemates on the day (when the
resident shares milestones), at the right moment in the house's zone, once, and withdrawn when
the resident is discharged."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine

from residents import notifications
from residents.services import resident_discharge
from residents.tasks import notify_milestones
from soberhouse.models import Notification
from tests.factories import make_resident

LA = zoneinfo.ZoneInfo("America/Los_Angeles")
# Sunday 1 November 2026: clocks in Los Angeles go back from 02:00 PDT to 01:00 PST.
DST_DAY = dt.date(2026, 11, 1)
SOBER_SINCE = DST_DAY - dt.timedelta(days=30)  # 30 days on the DST day
MOVE_IN = dt.date(2026, 1, 5)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=LA)


@pytest.fixture
def celebrant(harbor):
    resident = make_resident(harbor, move_in=MOVE_IN, full_name="Robin Harbor")
    resident.sobriety_date = SOBER_SINCE
    resident.preferred_name = "Robin"
    resident.save()
    return resident


@pytest.fixture
def housemates(harbor):
    return [make_resident(harbor, move_in=MOVE_IN) for _ in range(2)]


def _run(moment: dt.datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return notify_milestones()


def _rows(kind: str):
    return Notification.objects.filter(kind=kind)


def test_the_resident_hears_the_evening_before_at_six_local(celebrant, housemates):
    _run(_at(DST_DAY - dt.timedelta(days=1), 17, 59))
    assert not _rows(notifications.TOMORROW).exists()
    _run(_at(DST_DAY - dt.timedelta(days=1), 18, 5))
    rows = _rows(notifications.TOMORROW)
    assert {row.recipient_id for row in rows} == {celebrant.user_id}
    assert {row.channel for row in rows} == {"email", "in_app"}
    row = rows.first()
    # 18:00 PDT on 31 October is 01:00 UTC on 1 November.
    assert row.due_at == dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)
    assert row.occurrence == "2026-11-01"
    assert row.subject == "Something to celebrate tomorrow"
    assert "30 days" in row.text


def test_housemates_hear_on_the_day_at_nine_local_on_a_dst_day(celebrant, housemates):
    _run(_at(DST_DAY, 8, 59))
    assert not _rows(notifications.HOUSE).exists()
    _run(_at(DST_DAY, 9, 0))
    rows = _rows(notifications.HOUSE)
    assert {row.recipient_id for row in rows} == {h.user_id for h in housemates}
    assert rows.count() == 4  # two housemates, two channels
    row = rows.first()
    # 09:00 PST (after the clocks went back) is 17:00 UTC.
    assert row.due_at == dt.datetime(2026, 11, 1, 17, 0, tzinfo=dt.UTC)
    assert row.subject == "A housemate has a milestone today"
    assert row.text == "Robin celebrates 30 days today."


def test_not_on_other_days(celebrant, housemates):
    _run(_at(DST_DAY + dt.timedelta(days=1), 20))
    _run(_at(DST_DAY - dt.timedelta(days=2), 20))
    assert not Notification.objects.exists()


def test_the_task_run_twice_notifies_once(celebrant, housemates):
    _run(_at(DST_DAY, 9, 30))
    _run(_at(DST_DAY, 10, 30))
    _run(_at(DST_DAY - dt.timedelta(days=1), 18, 30))
    _run(_at(DST_DAY - dt.timedelta(days=1), 23, 30))
    assert _rows(notifications.HOUSE).count() == 4
    assert _rows(notifications.TOMORROW).count() == 2


def test_housemates_are_not_told_when_the_resident_opted_out(celebrant, housemates):
    celebrant.share_milestones = False
    celebrant.save()
    _run(_at(DST_DAY - dt.timedelta(days=1), 18, 30))
    _run(_at(DST_DAY, 9, 30))
    assert not _rows(notifications.HOUSE).exists()
    assert _rows(notifications.TOMORROW).count() == 2  # the resident still hears


def test_people_of_another_house_are_not_told(celebrant, cedar):
    other = make_resident(cedar, move_in=MOVE_IN)
    _run(_at(DST_DAY, 12))
    assert not Notification.objects.filter(recipient=other.user).exists()


def test_a_resident_without_a_sobriety_date_is_skipped(harbor, housemates):
    _run(_at(DST_DAY, 12))
    assert not Notification.objects.exists()


def test_subjects_hold_no_sobriety_detail(celebrant, housemates):
    _run(_at(DST_DAY - dt.timedelta(days=1), 18, 30))
    _run(_at(DST_DAY, 9, 30))
    subjects = set(Notification.objects.values_list("subject", flat=True))
    assert subjects == {"Something to celebrate tomorrow", "A housemate has a milestone today"}
    for subject in subjects:
        assert "30" not in subject and "2026" not in subject and "Oct" not in subject


def test_discharge_cancels_everything_pending(celebrant, housemates, manager_harbor):
    _run(_at(DST_DAY - dt.timedelta(days=1), 18, 30))
    with time_machine.travel(_at(DST_DAY - dt.timedelta(days=1), 20), tick=False):
        stay = celebrant.stays.get()
        # Moving out a week later: they still live there on the day.
        move_out = DST_DAY + dt.timedelta(days=7)
        resident_discharge(stay=stay, move_out=move_out, exit_reason="moved_on", by=manager_harbor)
    assert set(_rows(notifications.TOMORROW).values_list("status", flat=True)) == {"cancelled"}
    # Nor are housemates told the next morning, nor the resident, however often it runs.
    _run(_at(DST_DAY, 9, 30))
    assert not _rows(notifications.HOUSE).exists()
    assert not Notification.objects.filter(status="pending").exists()


def test_discharge_leaves_others_and_sent_rows_alone(celebrant, housemates, manager_harbor):
    _run(_at(DST_DAY - dt.timedelta(days=1), 18, 30))
    Notification.objects.filter(channel="email").update(status="sent")
    other = make_resident(celebrant.stays.get().house, move_in=MOVE_IN)
    other.sobriety_date = SOBER_SINCE
    other.save()
    _run(_at(DST_DAY - dt.timedelta(days=1), 19, 30))
    with time_machine.travel(_at(DST_DAY - dt.timedelta(days=1), 20), tick=False):
        resident_discharge(
            stay=celebrant.stays.get(), move_out=DST_DAY, exit_reason="moved_on", by=manager_harbor
        )
    mine = Notification.objects.filter(recipient=celebrant.user)
    assert dict(mine.values_list("channel", "status")) == {"email": "sent", "in_app": "cancelled"}
    theirs = Notification.objects.filter(recipient=other.user)
    assert set(theirs.values_list("status", flat=True)) == {"pending"}
