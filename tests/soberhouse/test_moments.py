"""soberhouse.moments: the one way a moment or a date is shown, and the templates that use it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template import Context, Template

from soberhouse import moments

# 16:17:05.123456 UTC on Tuesday 10 March 2026: 6:17 a.m. in Honolulu, 9:17 a.m. in Los Angeles.
MOMENT = dt.datetime(2026, 3, 10, 16, 17, 5, 123456, tzinfo=dt.UTC)
ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("name", "zone", "text"),
    [
        ("time", "Pacific/Honolulu", "6:17 a.m."),
        ("time", "America/Los_Angeles", "9:17 a.m."),
        ("day_short_time", "Pacific/Honolulu", "Tue 10 Mar, 6:17 a.m."),
        ("day_time", "Pacific/Kiritimati", "Wednesday 11 March, 6:17 a.m."),
        ("date", "Pacific/Kiritimati", "11 Mar 2026"),
        ("stamp", "Pacific/Honolulu", "10 Mar 2026, 6:17 a.m. HST"),
    ],
)
def test_a_moment_is_shown_on_the_zones_clock(name, zone, text):
    assert moments.shown(MOMENT, name, zone) == text


def test_a_moment_without_a_zone_is_refused():
    with pytest.raises(ValueError, match="in a zone"):
        moments.shown(MOMENT, "time")
    with pytest.raises(ValueError, match="naive"):
        moments.shown(MOMENT.replace(tzinfo=None), "time", "UTC")


def test_dates_and_times_of_day_take_no_zone():
    assert moments.shown(dt.date(2026, 3, 10), "day") == "Tuesday 10 March"
    assert moments.shown(dt.date(2026, 3, 10), "date_long") == "10 March 2026"
    assert moments.shown(dt.time(20, 0), "time") == "8:00 p.m."
    assert moments.shown(dt.time(20, 0), "time_brief") == "8 p.m."
    with pytest.raises(ValueError, match="time of day"):
        moments.shown(dt.time(20, 0), "day")


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="No moment format"):
        moments.shown(dt.date(2026, 3, 10), "fancy")


def test_the_machine_value_is_to_the_second_with_the_offset():
    assert moments.machine(MOMENT, "America/Los_Angeles") == "2026-03-10T09:17:05-07:00"
    assert moments.machine(MOMENT, "Pacific/Kiritimati") == "2026-03-11T06:17:05+14:00"
    assert moments.machine(dt.date(2026, 3, 10)) == "2026-03-10"
    assert moments.html(MOMENT, "time", "Pacific/Honolulu") == (
        '<time datetime="2026-03-10T06:17:05-10:00">6:17 a.m.</time>'
    )


def test_templates_name_the_zone_or_take_the_persons():
    context = {"m": MOMENT, "roles": SimpleNamespace(time_zone="Pacific/Honolulu")}
    named = Template('{% moment m "time" "America/Los_Angeles" %}').render(Context(context))
    assert named == "9:17 a.m."
    persons = Template('{% moment_time m "time" %}').render(Context(context))
    assert persons == '<time datetime="2026-03-10T06:17:05-10:00">6:17 a.m.</time>'
    empty = Template('{% moment nothing "date" default="—" %}').render(Context(context))
    assert empty == "—"
    with pytest.raises(ValueError, match="in a zone"):
        Template('{% moment m "time" house.time_zone %}').render(Context({"m": MOMENT}))


# Django's own ways of showing a moment, which take the active zone (UTC here) unless told: a
# template uses {% moment %} instead. A date in an address or a form value ('Y-m-d') is a value,
# not shown text, and keeps |date.
_OWN_WAYS = re.compile(
    r"""\|date(?!:['"]Y-m-d['"])|\|time\b|\|timezone"""
    r"""|\{% *load [^%]*\btz\b|\{% *(timezone|localtime)\b"""
)


def test_no_template_shows_a_moment_its_own_way():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "templates").rglob("*"))
        if path.suffix in (".html", ".txt")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if _OWN_WAYS.search(line)
    ]
    assert not found, "Show moments and dates with {% moment %}:\n" + "\n".join(found)


def test_only_the_moments_module_formats_dates_for_people():
    apps = [p for p in ROOT.glob("*/") if (p / "apps.py").exists()]
    found = [
        str(path.relative_to(ROOT))
        for app in apps
        for path in app.rglob("*.py")
        if "dateformat" in path.read_text() and path != ROOT / "soberhouse" / "moments.py"
    ]
    assert not found, found
