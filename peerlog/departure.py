"""What a leaving resident holds in the house's mentoring: pairings on either side, and a request
for a mentor still waiting. Registered with residents' departure handlers (PeerlogConfig.ready).

Both keep reading their log after a pairing ends; a mentor who moves on can be invited back as an
alumni mentor and paired again.
"""

from __future__ import annotations

from django.db.models import Q

from peerlog.models import MentorRequest, Pairing
from peerlog.services import mentor_request_answer, pairing_end
from residents.departure import Departure


def _pairings(departure: Departure) -> list[str]:
    resident = departure.resident
    pairings = (
        Pairing.objects.filter(Q(mentor=resident) | Q(mentee=resident), house=departure.house)
        .filter(ends_on__isnull=True)
        .select_related("mentor", "mentee", "house")
        .order_by("starts_on", "pk")
    )
    lines = []
    for pairing in pairings:
        leaving_mentee = pairing.mentee_id == resident.pk
        pairing_end(
            pairing=pairing,
            reason=Pairing.EndReason.MENTEE_LEFT
            if leaving_mentee
            else Pairing.EndReason.MENTOR_LEFT,
            note="Ended with the move-out.",
            # The day they leave, or the day it began when they leave before that.
            on=max(departure.on, pairing.starts_on),
            by=departure.by,
            request=departure.request,
        )
        line = f"Ended {pairing.mentor.name}'s mentoring of {pairing.mentee.name}"
        if leaving_mentee:
            lines.append(line + ".")
        else:
            lines.append(line + f"; {pairing.mentee.name} can be paired with a new mentor.")
    return lines


def _requests(departure: Departure) -> list[str]:
    waiting = MentorRequest.objects.filter(
        house=departure.house, resident=departure.resident, status=MentorRequest.Status.WAITING
    )
    lines = []
    for asked in waiting:
        mentor_request_answer(
            asked=asked,
            status=MentorRequest.Status.WITHDRAWN,
            by=departure.by,
            request=departure.request,
        )
        lines.append(f"Withdrew {departure.name}'s request for a mentor.")
    return lines


def on_departure(departure: Departure) -> list[str]:
    """End the person's mentoring in the house they leave; what changed, in words."""
    return [*_pairings(departure), *_requests(departure)]
