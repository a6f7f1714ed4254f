"""Writes about residents: admission, edits, transfers, discharge, re-admission, sobriety dates.

Every service records its change in the audit trail in the same transaction. The database keeps
stays true (no overlapping stays of one person, no double-booked bed); a conflict that slips past
the form comes back as a :class:`ValidationError` with the same words.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from residents.departure import Departure, Result, departure_run
from residents.invitations import invitation_create, invitations_withdraw_for
from residents.models import (
    PERSON_FIELDS,
    EmergencyContact,
    House,
    Invitation,
    Resident,
    SobrietyDateChange,
    Stay,
)
from residents.notifications import resident_left
from soberhouse import audit, moments
from soberhouse.models import User


def _save_stay(stay: Stay) -> Stay:
    """Check the stay against the database's constraints for a clear message, then save; a race
    that slips between the two still meets the constraint."""
    if stay.move_out is not None and stay.move_out < stay.move_in:
        # Checked first: full_clean() would build daterange(move_in, move_out) to test the
        # exclusion constraints, and PostgreSQL refuses a range that ends before it starts.
        raise ValidationError({"move_out": "The move-out cannot come before the move-in."})
    stay.full_clean()
    try:
        with transaction.atomic():
            stay.save()
    except IntegrityError as error:
        raise ValidationError(_conflict_message(error)) from error
    return stay


EMAIL_TAKEN = "Someone already has an account with this email. Find them and re-admit."


def _no_bed_free(house: House, day: dt.date) -> str:
    """Why a stay cannot start on ``day`` with every bed taken, or "" when a bed is free."""
    taken = (
        house.stays.filter(move_in__lte=day)
        .filter(Q(move_out__isnull=True) | Q(move_out__gt=day))
        .count()
    )
    if taken >= house.beds:
        return f"All {house.beds} beds at {house.name} are taken on {moments.shown(day, 'date')}."
    return ""


def _check_a_bed_is_free(house: House, day: dt.date) -> None:
    """Refuse a stay that would start with every bed taken. The house row is locked so that two
    admissions at once cannot both take the last bed."""
    House.objects.select_for_update().filter(pk=house.pk).first()
    if message := _no_bed_free(house, day):
        raise ValidationError({"move_in": message})


def admission_problems(
    *, house: House, email: str | None, move_in: dt.date | None, bed: str | None
) -> dict[str, str]:
    """What :func:`resident_admit` would refuse, found before anything is written, so that the
    form can say it with every other mistake in one round (``{field: message}``; the fields
    given as None are not checked). The service checks again, under its lock."""
    problems = {}
    if email and User.objects.filter(email__iexact=email.strip()).exists():
        problems["email"] = EMAIL_TAKEN
    if move_in and (message := _no_bed_free(house, move_in)):
        problems["move_in"] = message
    if (
        move_in
        and bed
        and (
            house.stays.filter(bed=bed).filter(Q(move_out__isnull=True) | Q(move_out__gt=move_in))
        ).exists()
    ):
        problems["bed"] = "Someone else has this bed on these dates."
    return problems


def _begin_stay(
    action: str, *, resident: Resident, house: House, by: User, request, **dates
) -> Stay:
    """A new stay (admission or re-admission), checked and audited."""
    _check_a_bed_is_free(house, dates["move_in"])
    stay = _save_stay(Stay(resident=resident, house=house, **dates))
    audit.record(
        action=action,
        actor=by,
        request=request,
        obj=resident,
        changes={"house": house.slug, "move_in": stay.move_in.isoformat(), "bed": stay.bed},
    )
    return stay


def _conflict_message(error: IntegrityError) -> str:
    text = str(error)
    if "stay_one_person_per_bed" in text:
        return "Someone else has this bed on these dates."
    if "stay_no_overlap_for_a_person" in text:
        return "These dates overlap another stay of this person."
    return "These dates conflict with another stay."


def _replace_contacts(resident: Resident, contacts: list[dict[str, str]]) -> None:
    resident.emergency_contacts.all().delete()
    EmergencyContact.objects.bulk_create(
        EmergencyContact(resident=resident, **contact) for contact in contacts
    )


def _person_snapshot(resident: Resident) -> dict[str, Any]:
    return {field: getattr(resident, field) for field in PERSON_FIELDS}


@transaction.atomic
def resident_admit(
    *,
    house: House,
    by: User,
    email: str,
    person: dict[str, Any],
    sobriety_date: dt.date | None,
    contacts: list[dict[str, str]],
    move_in: dt.date,
    bed: str = "",
    expected_move_out: dt.date | None = None,
    request=None,
) -> Stay:
    """Admit a new person: their account (no password yet), record, stay, and an invitation."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    user = User.objects.create_user(email, None, full_name=person["legal_name"])
    resident = Resident.objects.create(user=user, sobriety_date=sobriety_date, **person)
    _replace_contacts(resident, contacts)
    stay = _begin_stay(
        "resident.admit",
        resident=resident,
        house=house,
        bed=bed,
        move_in=move_in,
        expected_move_out=expected_move_out,
        by=by,
        request=request,
    )
    invitation_create(
        house=house,
        email=email,
        full_name=resident.name,
        role=Invitation.Role.RESIDENT,
        by=by,
        request=request,
    )
    return stay


@transaction.atomic
def resident_update(
    *,
    resident: Resident,
    by: User,
    person: dict[str, Any],
    contacts: list[dict[str, str]],
    request=None,
) -> Resident:
    # The stored row, not the object: a ModelForm has already copied the typed values onto it.
    before = _person_snapshot(Resident.objects.select_for_update().get(pk=resident.pk))
    for field, value in person.items():
        setattr(resident, field, value)
    resident.save()
    _replace_contacts(resident, contacts)
    audit.record(
        action="resident.update",
        actor=by,
        request=request,
        obj=resident,
        changes={
            **audit.diff(before, _person_snapshot(resident)),
            "emergency_contacts": len(contacts),
        },
    )
    return resident


@transaction.atomic
def sobriety_date_change(
    *, resident: Resident, new_date: dt.date, reason: str, by: User, request=None
) -> SobrietyDateChange:
    """Set a new sobriety date; the earlier one stays in the history with the reason."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the date changes; the reason is kept with it."})
    change = SobrietyDateChange.objects.create(
        resident=resident,
        previous_date=resident.sobriety_date,
        new_date=new_date,
        reason=reason,
        changed_by=by,
    )
    resident.sobriety_date = new_date
    resident.save(update_fields=["sobriety_date"])
    audit.record(
        action="resident.sobriety_date",
        actor=by,
        request=request,
        obj=resident,
        changes=audit.diff({"sobriety_date": change.previous_date}, {"sobriety_date": new_date}),
    )
    return change


def _depart(stay: Stay, *, on: dt.date, by: User, request, to_house: House | None = None):
    """End or hand over what the person holds in the house they leave (every app's handler)."""
    departure = Departure(
        stay=stay, on=on, today=stay.house.today(), by=by, request=request, to_house=to_house
    )
    return departure_run(departure)


@transaction.atomic
def resident_discharge(
    *,
    stay: Stay,
    move_out: dt.date,
    exit_reason: str,
    exit_notes: str = "",
    by: User,
    request=None,
) -> Result:
    """End a stay. From the move-out date the person no longer reaches the house's pages; their
    own data stays theirs. A move-out date still ahead may be changed. What they hold in the
    house (mentoring, an office, chores ahead, swap requests) is ended or handed over, and the
    result says what changed."""
    if stay.is_over():
        raise ValidationError("This stay has already ended.")
    if move_out < stay.move_in:
        raise ValidationError(
            {
                "move_out": (
                    "The move-out cannot come before the move-in "
                    f"({moments.shown(stay.move_in, 'date')})."
                )
            }
        )
    stay.move_out = move_out
    stay.exit_reason = exit_reason
    stay.exit_notes = exit_notes.strip()
    invitations_withdraw_for(email=stay.resident.user.email)
    _save_stay(stay)
    resident_left(resident=stay.resident, user=stay.resident.user)
    changes = _depart(stay, on=move_out, by=by, request=request)
    audit.record(
        action="resident.discharge",
        actor=by,
        request=request,
        obj=stay.resident,
        changes={
            "house": stay.house.slug,
            "move_out": move_out.isoformat(),
            "reason": exit_reason,
            **({"handed_over": changes} if changes else {}),
        },
    )
    return Result(stay=stay, changes=changes)


@transaction.atomic
def resident_transfer(
    *,
    stay: Stay,
    to_house: House,
    on: dt.date,
    bed: str = "",
    by: User,
    request=None,
) -> Result:
    """Move a resident to another house on a date: the old stay ends, a new one begins. What
    they hold in the old house is ended or handed over, as at a discharge."""
    if stay.is_over():
        raise ValidationError("This stay has already ended.")
    if to_house.pk == stay.house_id:
        raise ValidationError({"to_house": "Choose a different house."})
    if on < stay.move_in:
        raise ValidationError({"on": "The transfer cannot come before the move-in date."})
    _check_a_bed_is_free(to_house, on)
    invitations_withdraw_for(email=stay.resident.user.email)
    stay.move_out = on
    stay.exit_reason = Stay.ExitReason.TRANSFERRED
    stay.exit_notes = f"Transferred to {to_house.name}."
    _save_stay(stay)
    new_stay = _save_stay(
        Stay(
            resident=stay.resident,
            house=to_house,
            bed=bed,
            move_in=on,
            expected_move_out=stay.expected_move_out,
        )
    )
    changes = _depart(stay, on=on, by=by, request=request, to_house=to_house)
    audit.record(
        action="resident.transfer",
        actor=by,
        request=request,
        obj=stay.resident,
        changes={
            "from": stay.house.slug,
            "to": to_house.slug,
            "on": on.isoformat(),
            **({"handed_over": changes} if changes else {}),
        },
    )
    return Result(stay=stay, new_stay=new_stay, changes=changes)


@transaction.atomic
def resident_readmit(
    *,
    resident: Resident,
    house: House,
    move_in: dt.date,
    bed: str = "",
    expected_move_out: dt.date | None = None,
    by: User,
    request=None,
) -> Stay:
    """Welcome a past resident back: a new stay beside the old ones, which are all kept."""
    if resident.stays.open().exists():
        raise ValidationError("This person has a stay that has not ended; discharge it first.")
    return _begin_stay(
        "resident.readmit",
        resident=resident,
        house=house,
        bed=bed,
        move_in=move_in,
        expected_move_out=expected_move_out,
        by=by,
        request=request,
    )


@transaction.atomic
def stay_update(
    *,
    stay: Stay,
    bed: str,
    move_in: dt.date,
    expected_move_out: dt.date | None,
    by: User,
    request=None,
) -> Stay:
    """Correct a stay that is under way or about to begin: a new room, a corrected move-in date,
    a new expected move-out."""
    if stay.is_over():
        raise ValidationError("This stay has ended; its dates are part of the record.")
    before = {"bed": stay.bed, "move_in": stay.move_in, "expected_move_out": stay.expected_move_out}
    stay.bed, stay.move_in, stay.expected_move_out = bed, move_in, expected_move_out
    _save_stay(stay)
    audit.record(
        action="resident.stay_update",
        actor=by,
        request=request,
        obj=stay.resident,
        changes=audit.diff(
            before,
            {"bed": bed, "move_in": move_in, "expected_move_out": expected_move_out},
        ),
    )
    return stay
