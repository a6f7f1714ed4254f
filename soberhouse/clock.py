"""Wall-clock times in a house's zone: the one place that turns "19:00 on Sunday in Los Angeles"
into a moment, for chores, meetings, reminders and quiet hours alike."""

from __future__ import annotations

import datetime as dt
import zoneinfo


def wall_clock(day: dt.date, time: dt.time, time_zone: str) -> dt.datetime:
    """``time`` on ``day`` on the clock of ``time_zone``, as an aware moment in that zone. Built
    from the date and the wall-clock time, so a DST change never shifts it by an hour; a time the
    clock skips when it springs forward lands just after the jump, and one it repeats when it
    falls back is the first of the two."""
    zone = zoneinfo.ZoneInfo(time_zone)
    local = dt.datetime.combine(day, time, tzinfo=zone)
    # Round-tripping through UTC normalises a time inside a spring-forward gap.
    return local.astimezone(dt.UTC).astimezone(zone)
