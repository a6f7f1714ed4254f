"""What a leaving resident holds in the house's chores: chores ahead, swap requests, and the
chore coordinator's seat. Registered with residents' departure handlers (ChoresConfig.ready)."""

from __future__ import annotations

from django.db.models import Q

from chores import notifications, services
from chores.generation import assignments_hand_back
from chores.models import Assignment, HouseChoreSettings, Swap
from residents.departure import Departure, count
from residents.models import Resident
from soberhouse import audit, moments


def _day(day) -> str:
    return moments.shown(day, "date")


def _withdraw_swaps(departure: Departure) -> list[str]:
    """Requests waiting for an answer, asked by the person or of them, are withdrawn."""
    waiting = list(
        Swap.objects.filter(
            Q(asked_by=departure.resident) | Q(asked_of=departure.resident),
            assignment__house=departure.house,
            status=Swap.Status.ASKED,
        )
        .select_related("assignment__chore", "asked_by", "asked_of")
        .order_by("assignment__day", "pk")
    )
    if not waiting:
        return []
    services._withdraw_swaps(Swap.objects.filter(pk__in=[swap.pk for swap in waiting]))
    audit.record(
        action="chore.swaps_withdraw",
        actor=departure.by,
        request=departure.request,
        obj=departure.resident,
        changes={"swaps": [swap.pk for swap in waiting]},
    )
    lines = []
    for swap in waiting:
        chore = f"{swap.assignment.chore.name} on {_day(swap.assignment.day)}"
        if swap.asked_by_id == departure.resident.pk:
            lines.append(
                f"Withdrew {swap.asked_by.name}'s request that {swap.asked_of.name} take {chore}."
            )
        else:
            lines.append(
                f"Withdrew {swap.asked_by.name}'s request that {swap.asked_of.name} "
                f"take {chore}; {swap.asked_by.name} can ask someone else."
            )
    return lines


def _unassign_after_leaving(departure: Departure) -> list[str]:
    """Chores not done between a move-out recorded late and today were never the person's to do:
    they are left with nobody, so that nobody reads them as missed by someone who had left."""
    if departure.on >= departure.today:
        return []
    rows = Assignment.objects.filter(
        house=departure.house,
        resident=departure.resident,
        day__gte=departure.on,
        day__lt=departure.today,
        status__in=[*services.OPEN, Assignment.Status.MISSED],
    )
    ids = list(rows.select_for_update().values_list("pk", flat=True))
    if not ids:
        return []
    Assignment.objects.filter(pk__in=ids).update(resident=None, pinned=False)
    for assignment in Assignment.objects.filter(pk__in=ids):
        notifications.missed_cancel(assignment=assignment)  # a notice not sent yet
    audit.record(
        action="chore.unassign_after_move_out",
        actor=departure.by,
        request=departure.request,
        obj=departure.resident,
        changes={"assignments": ids},
    )
    return [
        f"{count(len(ids), 'chore')} on days after the move-out and before today "
        f"no longer {'counts' if len(ids) == 1 else 'count'} as {departure.name}'s "
        "(nobody is marked for them)."
    ]


def _hand_back(departure: Departure) -> list[str]:
    """Chores ahead go back to the rotation, which gives them to the others."""
    start = max(departure.on, departure.today)
    moved = assignments_hand_back(departure.house, resident_id=departure.resident.pk, start=start)
    if not moved:
        return []
    # Today's digest, written and not sent yet, no longer lists chores they have handed back.
    notifications.digest_settle(
        resident=departure.resident, house_id=departure.house.pk, day=departure.today
    )
    total = sum(len(ids) for ids in moved.values())
    names = {
        resident.pk: resident.name
        for resident in Resident.objects.filter(pk__in=[pk for pk in moved if pk is not None])
    }
    takers = sorted(
        ((names[pk], len(ids)) for pk, ids in moved.items() if pk is not None),
        key=lambda taker: (-taker[1], taker[0]),
    )
    parts = [f"{name} takes {number}" for name, number in takers]
    if None in moved:
        parts.append(f"nobody may take {len(moved[None])} (open on the chart)")
    audit.record(
        action="chore.hand_back",
        actor=departure.by,
        request=departure.request,
        obj=departure.resident,
        changes={
            "from": start.isoformat(),
            "assignments": {str(pk): ids for pk, ids in moved.items()},
        },
    )
    return [
        f"{count(total, 'chore')} of {departure.name}'s from {_day(start)} "
        f"handed back to the rotation: {', '.join(parts)}."
    ]


def _coordinator(departure: Departure) -> list[str]:
    if not HouseChoreSettings.objects.filter(
        house=departure.house, coordinator=departure.resident
    ).exists():
        return []
    services.coordinator_set(
        house=departure.house, resident=None, by=departure.by, request=departure.request
    )
    return [
        f"{departure.name} is no longer the chore coordinator; "
        "the house can choose someone at its next meeting."
    ]


def on_departure(departure: Departure) -> list[str]:
    """End or hand over the person's chores in the house they leave; what changed, in words."""
    return [
        *_withdraw_swaps(departure),
        *_unassign_after_leaving(departure),
        *_hand_back(departure),
        *_coordinator(departure),
    ]
