"""Writes about chores: done, undo, checks, redos, swaps, and marking what was missed.

Each change that one person makes to another's day is in the audit trail; the status changes
are conditional updates, so two taps (or a tap and the missed-chores task) cannot both win. A
change that reads the assignment before it decides (a swap asked or answered) locks the
assignment's row first and its swaps after, the order every write here takes, so that two
people acting at once neither deadlock nor act on what the other just changed.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from chores import notifications
from chores.models import Assignment, Chore, HouseChoreSettings, Swap
from residents.models import Resident, Stay
from soberhouse import audit
from soberhouse.models import User

UNDO_MINUTES = 5
OPEN = list(Assignment.OPEN)


def chore_settings(house) -> HouseChoreSettings:
    settings, _ = HouseChoreSettings.objects.get_or_create(house=house)
    return settings


@transaction.atomic
def coordinator_set(*, house, resident: Resident | None, by: User | None = None, request=None):
    """Name the house's chore coordinator (or nobody): the house meeting elects them."""
    settings = chore_settings(house)
    before = settings.coordinator_id
    settings.coordinator = resident
    settings.save(update_fields=["coordinator"])
    audit.record(
        action="chore.coordinator",
        actor=by,
        request=request,
        obj=settings,
        changes={"coordinator": [before, resident.pk if resident else None]},
    )


def _lives_in(resident: Resident, house_id: int) -> bool:
    return Stay.objects.current().filter(resident=resident, house_id=house_id).exists()


def _claim(
    assignment: Assignment, *, allowed: list[str], holder: Resident | None = None, **changes
) -> bool:
    """Move the assignment on only if it is still in one of ``allowed`` states (and still the
    ``holder``'s, when given: a chore given to someone else a moment ago is theirs to tick)."""
    rows = Assignment.objects.filter(pk=assignment.pk, status__in=allowed)
    if holder is not None:
        rows = rows.filter(resident=holder)
    updated = rows.update(**changes)
    if updated:
        assignment.refresh_from_db()
    return bool(updated)


@transaction.atomic
def chore_mark_done(*, assignment: Assignment, by: Resident, note: str = "", at=None) -> None:
    """The resident ticks their chore done. Done late still counts as done, and is kept as late
    when the first tick comes after the time due and the grace period (a redo keeps the first
    tick's lateness). In the same transaction: a pending "missed" notice is withdrawn, so is the
    morning digest when nothing of the day is left open, and the checkers are told."""
    if assignment.resident_id != by.pk:
        raise ValidationError("Only the person this chore is for can tick it done.")
    if "\x00" in note:
        raise ValidationError("The note holds a character that cannot be kept (NUL).")
    now = at or timezone.now()
    settings = chore_settings(assignment.house)
    grace = dt.timedelta(minutes=settings.grace_minutes)
    first_tick = Q(redo_count=0)
    if not _claim(
        assignment,
        allowed=[*OPEN, Assignment.Status.MISSED],
        holder=by,
        status=Assignment.Status.DONE,
        done_at=now,
        note=note.strip()[:280],
        late=Case(
            When(
                first_tick & (Q(status=Assignment.Status.MISSED) | Q(due_at__lt=now - grace)),
                then=Value(True),
            ),
            When(first_tick, then=Value(False)),
            default=F("late"),
        ),
    ):
        _refuse_if_handed_on(assignment, by)
        raise ValidationError("This chore is already done.")
    _withdraw_swaps(assignment.swaps.all())  # done by the asker: nobody need take it now
    notifications.missed_cancel(assignment=assignment)
    notifications.digest_settle(resident=by, house_id=assignment.house_id, day=assignment.day)
    if assignment.chore.checker != Chore.Checker.NOBODY:
        notifications.check_waiting_notify(
            assignment=assignment,
            coordinator=settings.coordinator,
            time_zone=assignment.house.time_zone,
        )


@transaction.atomic
def chore_undo(*, assignment: Assignment, by: Resident, at=None) -> None:
    """Undo a tick made by mistake, within a few minutes and before anyone checked it."""
    now = at or timezone.now()
    if assignment.resident_id != by.pk:
        raise ValidationError("Only the person this chore is for can undo it.")
    if assignment.done_at is None or now - assignment.done_at > dt.timedelta(minutes=UNDO_MINUTES):
        raise ValidationError(f"A tick can be undone for {UNDO_MINUTES} minutes only.")
    back_to = Assignment.Status.REDO if assignment.redo_count else Assignment.Status.TO_DO
    if not _claim(
        assignment,
        allowed=[Assignment.Status.DONE],
        holder=by,
        status=back_to,
        done_at=None,
        note="",
        late=Case(When(redo_count=0, then=Value(False)), default=F("late")),
    ):
        _refuse_if_handed_on(assignment, by)
        raise ValidationError("This chore has been checked already.")
    notifications.check_waiting_cancel(assignment=assignment)


def _refuse_if_handed_on(assignment: Assignment, by: Resident) -> None:
    assignment.refresh_from_db(fields=["resident", "status"])
    if assignment.resident_id != by.pk:
        raise ValidationError("This chore was given to someone else a moment ago.")


def _lock(assignment_id: int) -> Assignment:
    """The assignment's row, locked until the transaction ends, before any of its swaps."""
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("house", "chore")
        .get(pk=assignment_id)
    )


def can_check(user: User, assignment: Assignment, *, is_manager: bool) -> bool:
    """Who checks a chore: the one its checker names, never the person who did it."""
    checker = assignment.chore.checker
    resident = getattr(user, "resident", None)
    if resident is not None and resident.pk == assignment.resident_id:
        return False
    if checker == Chore.Checker.NOBODY:
        return False
    if is_manager:
        return True
    if resident is None or not _lives_in(resident, assignment.house_id):
        return False
    if checker == Chore.Checker.COORDINATOR:
        settings = chore_settings(assignment.house)
        return resident is not None and settings.coordinator_id == resident.pk
    return checker == Chore.Checker.ANY_RESIDENT and resident is not None


@transaction.atomic
def chore_check(
    *, assignment: Assignment, by: User, approved: bool, note: str = "", request=None
) -> None:
    """Mark a done chore checked, or send it back as needing a redo with a note."""
    if not approved and not note.strip():
        raise ValidationError({"note": "Say what needs doing again, kindly."})
    outcome = (
        {"status": Assignment.Status.CHECKED}
        if approved
        else {
            "status": Assignment.Status.REDO,
            "done_at": None,
            "redo_count": F("redo_count") + 1,
        }
    )
    changed = _claim(
        assignment,
        allowed=[Assignment.Status.DONE],
        checked_by=by,
        checked_at=timezone.now(),
        check_note=note.strip()[:280],
        **outcome,
    )
    if not changed:
        raise ValidationError("This chore is not waiting for a check.")
    notifications.check_waiting_cancel(assignment=assignment)
    audit.record(
        action="chore.checked" if approved else "chore.redo",
        actor=by,
        request=request,
        obj=assignment,
        changes={"resident": assignment.resident_id},
    )


@transaction.atomic
def assignment_pin(*, assignment: Assignment, resident: Resident, by: User, request=None) -> None:
    """Give a saved assignment to ``resident`` by hand; the rotation keeps it from now on. Only a
    chore still to do can change hands."""
    before = assignment.resident_id
    if not _claim(assignment, allowed=OPEN, resident=resident, pinned=True):
        raise ValidationError("It is done already, so it stays as it is.")
    if before != resident.pk:  # a swap asked about it is moot now
        _withdraw_swaps(assignment.swaps.all())
    if before is not None and before != resident.pk:
        # The last holder's morning digest goes when this was their last chore of the day.
        notifications.digest_settle(
            resident=Resident(pk=before), house_id=assignment.house_id, day=assignment.day
        )
    audit.record(
        action="chore.pin",
        actor=by,
        request=request,
        obj=assignment,
        changes={"resident": [before, resident.pk], "day": assignment.day.isoformat()},
    )


def chores_mark_missed(*, now=None) -> int:
    """Mark every open chore past its due time plus its house's grace period as missed, and tell
    each resident. Safe to run twice or in two workers at once: per house, the rows are locked
    (``SKIP LOCKED``: a row another worker or a tick holds is left to them), updated only while
    still open, and notified by the outbox's unique key. (Every house with assignments has
    settings: generating assignments creates them.) The first moment it was missed is kept,
    even if it is done late and undone again."""
    now = now or timezone.now()
    missed = 0
    for settings in HouseChoreSettings.objects.select_related("house"):
        with transaction.atomic():
            late = list(
                Assignment.objects.filter(
                    house_id=settings.house_id,
                    status__in=OPEN,
                    due_at__lt=now - dt.timedelta(minutes=settings.grace_minutes),
                )
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("chore", "resident__user")
            )
            if not late:
                continue
            missed += Assignment.objects.filter(
                pk__in=[assignment.pk for assignment in late], status__in=OPEN
            ).update(
                status=Assignment.Status.MISSED, missed_at=Coalesce(F("missed_at"), Value(now))
            )
            for assignment in late:
                notifications.missed_notify(assignment=assignment, house=settings.house, now=now)
    return missed


@transaction.atomic
def swap_ask(*, assignment: Assignment, by: Resident, of: Resident, message: str = "") -> Swap:
    assignment = _lock(assignment.pk)  # read again: done or handed on a moment ago, it stays
    if assignment.resident_id != by.pk:
        raise ValidationError("You can ask for a swap of your own chores only.")
    if of.pk == by.pk:
        raise ValidationError({"asked_of": "Ask someone else."})
    if not _lives_in(of, assignment.house_id):
        raise ValidationError({"asked_of": "Ask someone living in the house."})
    if assignment.status not in OPEN:
        raise ValidationError("Only a chore still to do can be swapped.")
    if Swap.objects.filter(assignment=assignment, status=Swap.Status.ASKED).exists():
        raise ValidationError("You have already asked someone to take this chore.")
    swap = Swap.objects.create(assignment=assignment, asked_by=by, asked_of=of, message=message)
    notifications.swap_asked_notify(swap=swap, house=assignment.house)
    return swap


@transaction.atomic
def swap_withdraw(*, swap: Swap, by: Resident) -> None:
    """The asker takes their request back while it waits for an answer; the person asked is no
    longer told about it."""
    if swap.asked_by_id != by.pk:
        raise ValidationError("Only the person who asked can withdraw the request.")
    _lock(swap.assignment_id)
    if not _withdraw_swaps(Swap.objects.filter(pk=swap.pk)):
        raise ValidationError("This request has already been answered or withdrawn.")


def _withdraw_swaps(swaps) -> int:
    """Withdraw the requests among ``swaps`` still waiting for an answer and their notices."""
    waiting = list(swaps.filter(status=Swap.Status.ASKED).select_for_update())
    for swap in waiting:
        notifications.swap_asked_cancel(swap=swap)
    return Swap.objects.filter(pk__in=[swap.pk for swap in waiting]).update(
        status=Swap.Status.WITHDRAWN, decided_at=timezone.now()
    )


@transaction.atomic
def swap_answer(*, swap: Swap, by: Resident, accept: bool) -> None:
    if swap.asked_of_id != by.pk:
        raise ValidationError("This request was for someone else.")
    # The assignment first, then the swap: the order a tick takes (it withdraws the swaps of a
    # chore done), so that a tick and an answer at once wait for each other, never deadlock.
    assignment = _lock(swap.assignment_id)
    updated = Swap.objects.filter(pk=swap.pk, status=Swap.Status.ASKED).update(
        status=Swap.Status.ACCEPTED if accept else Swap.Status.DECLINED,
        decided_at=timezone.now(),
    )
    if not updated:
        raise ValidationError("This request has already been answered or withdrawn.")
    notifications.swap_asked_cancel(swap=swap)
    if accept:
        moved = Assignment.objects.filter(
            pk=assignment.pk, resident=swap.asked_by, status__in=OPEN
        ).update(resident=by, pinned=True)
        if not moved:
            raise ValidationError("This chore is no longer open to swap.")
        # The asker's morning digest goes when that was their last chore of the day.
        notifications.digest_settle(
            resident=swap.asked_by, house_id=assignment.house_id, day=assignment.day
        )
    swap.refresh_from_db()
