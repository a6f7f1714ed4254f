"""How the audit trail names house meetings and motions: for those who may see the house."""

from __future__ import annotations

from meetings.models import Meeting, Motion
from residents import access
from soberhouse import audit, moments
from soberhouse.models import User

SHORT = 60  # characters of a motion's text that name it


def _pks(ids: set[str]) -> list[int]:
    return [int(pk) for pk in ids if pk.isdigit()]


def meetings(reader: User, ids: set[str]) -> dict[str, str]:
    found = Meeting.objects.filter(
        pk__in=_pks(ids), house__in=access.houses_visible_to(reader)
    ).select_related("house")
    names = {}
    for meeting in found:
        day = moments.shown(meeting.starts_at, "date_long", meeting.house.time_zone)
        names[str(meeting.pk)] = f"the house meeting of {day} at {meeting.house.name}"
    return names


def motions(reader: User, ids: set[str]) -> dict[str, str]:
    found = Motion.objects.filter(
        pk__in=_pks(ids), house__in=access.houses_visible_to(reader)
    ).only("pk", "text")
    names = {}
    for motion in found:
        text = " ".join(motion.text.split())
        if len(text) > SHORT:
            text = text[: SHORT - 1].rstrip() + "…"
        names[str(motion.pk)] = f"the motion “{text}”"
    return names


def register() -> None:
    audit.names_register(Meeting._meta.label_lower, meetings)
    audit.names_register(Motion._meta.label_lower, motions)
