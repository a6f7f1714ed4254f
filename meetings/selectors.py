"""Reads for the meeting panels (on /today/ and the house dashboard), the decisions log and the
officers page. Each runs a fixed number of queries, whatever the size of the house."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from meetings.models import (
    DECIDED,
    OPEN_MOTIONS,
    THERE,
    Attendance,
    Meeting,
    Motion,
    Officer,
    Vote,
)
from residents.models import House, Stay

# A meeting stays "next" for a while after it starts, so that it can be found during it.
UNDER_WAY_HOURS = 3


def next_meeting(house: House, *, now: dt.datetime | None = None) -> Meeting | None:
    """The house's next meeting still to come or under way (one query)."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(
            house=house,
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=now - dt.timedelta(hours=UNDER_WAY_HOURS),
        )
        .select_related("house", "chair", "secretary")
        .order_by("starts_at")
        .first()
    )


def motions_to_vote_on(stay: Stay) -> QuerySet[Motion]:
    """Motions being voted on at a meeting the resident is marked present at, and that they have
    not voted on yet (one query)."""
    present = Attendance.objects.filter(
        meeting=OuterRef("meeting"), resident_id=stay.resident_id, status__in=THERE
    )
    voted = Vote.objects.filter(motion=OuterRef("pk"), resident_id=stay.resident_id)
    return (
        Motion.objects.filter(house_id=stay.house_id, status=Motion.Status.VOTING)
        .filter(Exists(present))
        .exclude(Exists(voted))
        .order_by("created_at")
    )


@dataclass(frozen=True)
class MeetingsPanel:
    next_meeting: Meeting | None
    last_meeting: Meeting | None
    last_present: int
    last_marked: int
    open_motions: int


def meetings_panel(house: House, *, now: dt.datetime | None = None) -> MeetingsPanel:
    """The house dashboard's meetings panel: the next meeting, the last one held with how many
    were there, and the motions on the table or being voted on. Three queries."""
    now = now or timezone.now()
    last = (
        Meeting.objects.filter(house=house, status=Meeting.Status.HELD)
        .annotate(
            present=Count("attendance", filter=Q(attendance__status__in=THERE)),
            marked=Count("attendance"),
        )
        .order_by("-starts_at")
        .first()
    )
    return MeetingsPanel(
        next_meeting=next_meeting(house, now=now),
        last_meeting=last,
        last_present=last.present if last else 0,
        last_marked=last.marked if last else 0,
        open_motions=Motion.objects.filter(house=house, status__in=OPEN_MOTIONS).count(),
    )


def decisions(house: House, query: str = "") -> QuerySet[Motion]:
    """The house's decisions log: every motion voted on, newest first; ``query`` keeps those
    whose text holds every word of it."""
    found = Motion.objects.filter(house=house, status__in=DECIDED)
    for word in query.split()[:10]:
        found = found.filter(text__icontains=word)
    return found.select_related("meeting", "mover", "seconder", "nominee").order_by(
        "-decided_at", "-pk"
    )


def officer_terms(house: House) -> QuerySet[Officer]:
    """Every term of every office in the house, the newest first (one query)."""
    return Officer.objects.filter(house=house).select_related("resident", "motion__meeting")
