"""What a leaving resident holds in the house's meetings: offices, and elections on the table
that name them. Registered with residents' departure handlers (MeetingsConfig.ready)."""

from __future__ import annotations

from meetings.models import Motion, Officer
from meetings.services import motion_withdraw, officer_end
from residents.departure import Departure
from soberhouse import moments


def _day(day) -> str:
    return moments.shown(day, "date")


def _offices(departure: Departure) -> list[str]:
    """Terms that run past the move-out end on it; one that had not begun is removed."""
    terms = Officer.objects.filter(
        house=departure.house, resident=departure.resident, ends_on__gt=departure.on
    ).order_by("starts_on", "office")
    lines = []
    for term in terms:
        office = term.get_office_display().lower()
        officer_end(term=term, on=departure.on, by=departure.by, request=departure.request)
        if term.starts_on >= departure.on:
            lines.append(
                f"Removed {departure.name}'s term as {office}, "
                f"which was to begin on {_day(term.starts_on)}."
            )
        else:
            lines.append(
                f"Ended {departure.name}'s term as {office} on {_day(departure.on)} "
                f"(it was to run to {_day(term.ends_on)}); the house can elect someone new."
            )
    return lines


def _elections(departure: Departure) -> list[str]:
    """A motion on the table to elect the person is withdrawn: they will not live here."""
    motions = Motion.objects.filter(
        house=departure.house, nominee=departure.resident, status=Motion.Status.PROPOSED
    ).order_by("created_at", "pk")
    lines = []
    for motion in motions:
        motion_withdraw(motion=motion, by=departure.by, request=departure.request)
        lines.append(
            f"Withdrew the motion to elect {departure.name} as "
            f"{motion.get_office_display().lower()}."
        )
    return lines


def on_departure(departure: Departure) -> list[str]:
    """End the person's offices in the house they leave; what changed, in words."""
    return [*_offices(departure), *_elections(departure)]
