"""The one way a moment or a date is shown to a person: in a named format, and a moment always on
the clock of a zone (the house's where the page is about a house, otherwise the person's).

A moment (an aware datetime) means nothing on a page until it is put on a clock; showing it
through Django's active zone, which is UTC here, is how "6:17 a.m." at the house became
"2:17 p.m.". So ``shown`` refuses a moment without a zone. Pure dates (a chore's day, a move-in)
and wall-clock times (a chore's due time) are already on the house's calendar and take no zone,
but use the same names, so that a day reads the same everywhere.

Templates use the ``moments`` tag library (a builtin): ``{% moment value "day_time" house.time_zone
%}`` writes ``Tuesday 10 March, 6:17 a.m.``, and ``{% moment_time … %}`` the same text inside
``<time datetime="2026-03-10T06:17:00-10:00">``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString

_DAYS = {
    "day": "l j F",  # Tuesday 10 March
    "day_year": "l j F Y",  # Tuesday 10 March 2026
    "day_short": "D j M",  # Tue 10 Mar
    "day_short_year": "D j M Y",  # Tue 10 Mar 2026
    "day_month": "j M",  # 10 Mar
    "date": "j M Y",  # 10 Mar 2026
    "date_long": "j F Y",  # 10 March 2026
    "month": "F Y",  # March 2026
    "weekday": "l",  # Tuesday
    "weekday_short": "D",  # Tue
}
_TIME = "g:i a"  # 6:17 a.m.
FORMATS = {
    **_DAYS,
    "time": _TIME,
    # In a sentence of a notice, where "by 8 p.m." reads better than "by 8:00 p.m.".
    "time_brief": "P",
    # Where several houses' moments meet (the audit trail, the outbox): the zone is named.
    "stamp": f"j M Y, {_TIME} T",
    **{f"{name}_time": f"{pattern}, {_TIME}" for name, pattern in _DAYS.items()},
}

Zone = str | dt.tzinfo


def zone_of(zone: Zone) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone


def _pattern(name: str) -> str:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"No moment format named {name!r}; one of {', '.join(FORMATS)}") from None


def on_clock(value: dt.date | dt.time, zone: Zone | None = None) -> dt.date | dt.time:
    """A moment on the zone's clock; a date or a wall-clock time as it is. A moment without a
    zone (or a naive datetime) is refused: there is no right way to show it."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("A naive datetime is not a moment: make it aware first")
        if zone is None:
            raise ValueError("A moment is shown in a zone: give the house's or the person's")
        return value.astimezone(zone_of(zone))
    return value


def shown(value: dt.date | dt.time, name: str, zone: Zone | None = None) -> str:
    """The text a person reads: ``value`` in the named format (see ``FORMATS``)."""
    pattern = _pattern(name)
    value = on_clock(value, zone)
    if isinstance(value, dt.time) and name not in ("time", "time_brief"):
        raise ValueError(f"A time of day has no {name!r}: use 'time'")
    return date_format(value, pattern)


def machine(value: dt.date | dt.time, zone: Zone | None = None) -> str:
    """The value of a ``<time datetime>``: ISO 8601 to the second, a moment with its offset
    (``2026-03-10T06:17:00-10:00``), a date as ``2026-03-10``, a time of day as ``18:00``."""
    value = on_clock(value, zone)
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    return value.isoformat()


def html(value: dt.date | dt.time, name: str, zone: Zone | None = None) -> SafeString:
    """``<time datetime="…">…</time>``: the shown text with its machine-readable value."""
    return format_html(
        '<time datetime="{}">{}</time>', machine(value, zone), shown(value, name, zone)
    )
