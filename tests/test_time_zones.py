"""The time-zone crawl: every page of the crawl (tests/crawl.py), as a resident, a house manager and
staff, with every house in Honolulu (UTC-10, ten hours from the server's UTC), shows each moment on
the house's clock.

Moments with known instants are planted in the cast's house (a chore ticked, a swap answered, a
notice sent, a peer check-in, a house meeting, a chore due); each is looked for on the pages that
show it, as the house reads it, and its UTC reading is looked for on every page and must be on
none. Their minutes are all different, so one cannot be taken for another. Every
``<time datetime>`` on every page is read back: a date, or a moment to the second with the
house's offset, and the text beside it shows that moment's hour and minute.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.db import transaction

from chores.models import Assignment, Swap
from meetings.models import Meeting
from peerlog.models import Entry
from soberhouse.models import Notification
from tests import crawl
from tests.conftest import Client
from tests.crawl import NOW, ROLES

ZONE_NAME = "Pacific/Honolulu"
ZONE = zoneinfo.ZoneInfo(ZONE_NAME)
SIZE = {"houses": 2, "beds": 5, "months": 2}
TIME = re.compile(r'<time datetime="([^"]*)">([^<]*)</time>')
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def _clock(moment: dt.datetime) -> str:
    """'6:17 a.m.': the hour and minute as the pages write them (built here, not by the app)."""
    return f"{moment:%-I:%M} {'a.m.' if moment.hour < 12 else 'p.m.'}"


def _local(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE)


def _plant(cast: crawl.Cast) -> dict[str, dt.datetime]:
    """Moments with known instants in the cast's house, by name."""
    house, ids, resident = cast.house, cast.ids, cast.resident
    today = house.today()
    ticked = Assignment.objects.select_related("resident").get(pk=ids["to_check"])
    moments = {
        "swap answered": _local(ticked.day, 5, 43),
        "chore ticked": _local(ticked.day, 6, 17),
        "notice sent": _local(today, 8, 2),
        "check-in": _local(today, 8, 37),
        "meeting": None,
        "chore due": _local(today, 21, 13),
    }
    assert ticked.day <= today
    Swap.objects.create(
        assignment=ticked,
        asked_by=ticked.resident,
        asked_of=resident,
        status=Swap.Status.DECLINED,
        created_at=moments["swap answered"] - dt.timedelta(hours=1),
        decided_at=moments["swap answered"],
    )
    Assignment.objects.filter(pk=ticked.pk).update(done_at=moments["chore ticked"])
    Notification.objects.filter(status=Notification.Status.SENT).update(
        sent_at=moments["notice sent"]
    )
    latest = Entry.objects.filter(pairing_id=ids["pairing"]).latest("at")
    Entry.objects.filter(pk=latest.pk).update(at=moments["check-in"])
    coming = Meeting.objects.get(pk=ids["coming"])
    local_start = coming.starts_at.astimezone(ZONE)
    moments["meeting"] = _local(local_start.date(), 18, 55)
    Meeting.objects.filter(pk=coming.pk).update(starts_at=moments["meeting"])
    Assignment.objects.filter(pk=ids["my_chore"]).update(due_at=moments["chore due"])
    return moments


def _day_short(moment: dt.datetime) -> str:
    """'Tue 10 Mar, 6:17 a.m.' on the house's clock."""
    local = moment.astimezone(ZONE)
    return f"{local:%a} {local.day} {MONTHS[local.month - 1]}, {_clock(local)}"


def _day(moment: dt.datetime) -> str:
    """'Tuesday 17 March 2026, 6:55 p.m.' on the house's clock."""
    local = moment.astimezone(ZONE)
    return f"{local:%A} {local.day} {local:%B %Y}, {_clock(local)}"


def _expected(moments: dict[str, dt.datetime]) -> dict[tuple[str, str], list[str]]:
    """The text of planted moments that must be on a (role, page), as the house reads them."""
    ticked = _day_short(moments["chore ticked"])
    answered = _day_short(moments["swap answered"])
    notice = _day_short(moments["notice sent"])
    meeting = _day(moments["meeting"])
    expected = {
        ("resident", "my_chores"): [_clock(moments["chore due"].astimezone(ZONE))],
        ("resident", "peerlog_pair"): [_day_short(moments["check-in"]).replace(",", " 2026,")],
        ("manager", "peerlog_pair"): [_day_short(moments["check-in"]).replace(",", " 2026,")],
        ("resident", "peerlog"): [_day_short(moments["check-in"])],
    }
    for role in ROLES:
        expected[role, "notification_list"] = [notice]
        expected[role, "meeting_detail (coming)"] = [meeting]
        if role != "resident":
            expected[role, "chore_history"] = [ticked, answered]
    return expected


def _time_elements(label: str, body: str) -> tuple[int, list[tuple[str, str, str]]]:
    """Every ``<time datetime>`` must be a date, or a moment to the second with the house's
    offset whose hour and minute the text shows: how many there are, and what is wrong."""
    found = TIME.findall(body)
    wrong = []
    for value, text in found:
        try:
            if "T" not in value:
                dt.date.fromisoformat(value)
                continue
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            wrong.append((label, value, "not ISO 8601"))
            continue
        if "." in value:
            wrong.append((label, value, "fractions of a second"))
        elif moment.tzinfo is None:
            wrong.append((label, value, "no offset"))
        elif moment.utcoffset() != moment.astimezone(ZONE).utcoffset():
            wrong.append((label, value, "not the house's offset"))
        elif ("a.m." in text or "p.m." in text) and _clock(moment) not in text:
            wrong.append((label, value, f"shows {text}"))
    return len(found), wrong


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_shows_moments_on_the_houses_clock():
    seen: dict[tuple[str, str], str] = {}
    with time_machine.travel(NOW, tick=False), transaction.atomic():
        crawl.seed(SIZE, time_zone=ZONE_NAME)
        cast = crawl.cast(1)
        assert cast.house.time_zone == ZONE_NAME
        moments = _plant(cast)
        for role in ROLES:
            client = Client()
            client.force_login(crawl.user(role, cast))
            for page in crawl.pages(role, cast):
                response = client.post(page.url, page.form) if page.form else client.get(page.url)
                assert response.status_code == page.status, (role, page.label)
                if response.get("Content-Type", "").startswith("text/html"):
                    seen[role, page.label] = response.content.decode()
        transaction.set_rollback(True)

    elements, wrong = 0, []
    for (role, label), body in seen.items():
        count, problems = _time_elements(f"{role} {label}", body)
        elements += count
        wrong += problems
    utc_readings = {name: _clock(moment.astimezone(dt.UTC)) for name, moment in moments.items()}
    shown_in_utc = [
        (role, label, name, text)
        for (role, label), body in seen.items()
        for name, text in utc_readings.items()
        if text in body
    ]
    missing = [
        (role, label, text)
        for (role, label), texts in _expected(moments).items()
        for text in texts
        if text not in seen[role, label]
    ]
    assert not shown_in_utc, f"Moments shown on UTC's clock, not the house's: {shown_in_utc}"
    assert not missing, f"Moments not shown on the house's clock: {missing}"
    assert not wrong, f"<time datetime> values that do not read back: {wrong}"
    assert elements > 0, "No page marks a moment up with <time datetime>"
