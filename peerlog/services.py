"""Writes about peer mentoring: pairings made and ended by managers, residents' requests for a
mentor, and the entries, acknowledgements and replies the pair write together.

The audit trail records who did what to which pairing, never the words of an entry.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from peerlog import notifications
from peerlog.models import AlumniMentor, Entry, MentoringSettings, MentorRequest, Pairing, Reply
from residents import milestones
from residents.models import House, Resident
from residents.selectors import stays_on
from soberhouse import audit, moments

# An entry can be written a little ahead of the clock (a phone a minute fast), not more.
FUTURE_SLACK = dt.timedelta(minutes=10)


def mentoring_settings(house: House) -> MentoringSettings:
    """The house's settings, saved with the defaults the first time a write needs them."""
    settings, _ = MentoringSettings.objects.get_or_create(house=house)
    return settings


def mentoring_settings_to_read(house: House) -> MentoringSettings:
    """The house's settings for a page to read; the defaults, unsaved, when it has none."""
    return MentoringSettings.objects.filter(house=house).first() or MentoringSettings(house=house)


def _lives_in(resident: Resident, house: House, day: dt.date) -> bool:
    return stays_on(house, day).filter(resident=resident).exists()


def mentor_refusal(resident: Resident, house: House, today: dt.date | None = None) -> str:
    """Why ``resident`` cannot mentor in ``house`` now, or "" when they can: a current resident
    with the house's days sober, or a former resident the house invited back as a mentor."""
    today = today or house.today()
    settings = mentoring_settings_to_read(house)
    if _lives_in(resident, house, today):
        if resident.sobriety_date is None:
            return "A mentor needs a sobriety date on their record."
        days = milestones.days_sober(resident.sobriety_date, today)
        if days < settings.mentor_days_sober:
            return (
                f"A mentor here needs {settings.mentor_days_sober} days sober; "
                f"{resident.name} has {days}."
            )
        return ""
    if AlumniMentor.objects.filter(house=house, resident=resident, active=True).exists():
        return ""
    return "A mentor lives in the house, or is a former resident invited back to mentor."


def _integrity_message(error: IntegrityError) -> str:
    text = str(error)
    if "pairing_one_active_mentor" in text:
        return "This resident has a mentor already. End that pairing first."
    if "pairing_mentor_limit" in text:
        return "This mentor has as many mentees as the house allows."
    return "This pairing could not be saved; please try again."


def pairing_create(
    *,
    house: House,
    mentor: Resident,
    mentee: Resident,
    by,
    starts_on: dt.date | None = None,
    request=None,
) -> Pairing:
    today = house.today()
    starts_on = starts_on or today
    errors = {}
    if mentor == mentee:
        errors["mentor"] = "Someone else mentors them."
    elif refusal := mentor_refusal(mentor, house, today):
        errors["mentor"] = refusal
    stay = stays_on(house, today).filter(resident=mentee).first()
    if stay is None:
        errors["mentee"] = "A mentee lives in the house."
    elif starts_on < stay.move_in:
        errors["starts_on"] = (
            f"The mentee moved in on {moments.shown(stay.move_in, 'date_long')}; "
            "start then or later."
        )
    if starts_on > today:
        errors["starts_on"] = "A pairing starts today or earlier."
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(
                house=house, mentor=mentor, mentee=mentee, starts_on=starts_on, created_by=by
            )
    except IntegrityError as error:
        raise ValidationError(_integrity_message(error)) from None
    MentorRequest.objects.filter(resident=mentee, status=MentorRequest.Status.WAITING).update(
        status=MentorRequest.Status.MATCHED,
        decided_at=timezone.now(),
        decided_by=by,
        pairing=pairing,
    )
    audit.record(
        action="peerlog.pairing_create",
        actor=by,
        request=request,
        obj=pairing,
        changes={"mentor": mentor.pk, "mentee": mentee.pk, "house": house.pk},
    )
    return pairing


@transaction.atomic
def pairing_end(
    *, pairing: Pairing, reason: str, by, note: str = "", on: dt.date | None = None, request=None
) -> None:
    """End a pairing. Both keep reading their history; neither can add to it."""
    if reason not in Pairing.EndReason.values:
        raise ValidationError({"reason": "Choose why the pairing ends."})
    on = on or pairing.house.today()
    if on < pairing.starts_on:
        raise ValidationError({"on": "A pairing ends on or after the day it started."})
    if not Pairing.objects.filter(pk=pairing.pk, ends_on__isnull=True).update(
        ends_on=on, end_reason=reason, end_note=note.strip()[:200]
    ):
        raise ValidationError("This pairing has ended already.")
    pairing.refresh_from_db()
    audit.record(
        action="peerlog.pairing_end",
        actor=by,
        request=request,
        obj=pairing,
        changes={"reason": reason, "on": on.isoformat()},
    )
    notifications.no_contact_cancel(pairing)


def alumni_mentor_invite(*, house: House, resident: Resident, by, request=None) -> AlumniMentor:
    """Invite a former resident of the house back as a mentor."""
    if _lives_in(resident, house, house.today()):
        raise ValidationError("They live in the house: they can mentor as a resident.")
    if not resident.stays.filter(house=house).exists():
        raise ValidationError("Invite back someone who lived in this house.")
    alumnus, _ = AlumniMentor.objects.update_or_create(
        house=house, resident=resident, defaults={"active": True, "invited_by": by}
    )
    audit.record(action="peerlog.alumni_mentor", actor=by, request=request, obj=alumnus)
    return alumnus


def mentor_ask(*, resident: Resident, house: House, note: str = "", request=None) -> MentorRequest:
    """A resident asks the house for a mentor; it waits for the manager."""
    if not _lives_in(resident, house, house.today()):
        raise ValidationError("Ask in the house you live in.")
    if Pairing.objects.filter(mentee=resident, ends_on__isnull=True).exists():
        raise ValidationError("You have a mentor already.")
    try:
        with transaction.atomic():
            asked = MentorRequest.objects.create(
                house=house, resident=resident, note=note.strip()[:280]
            )
    except IntegrityError:
        raise ValidationError(
            "You have asked already; the house manager will be in touch."
        ) from None
    audit.record(action="peerlog.mentor_ask", actor=resident.user, request=request, obj=asked)
    return asked


@transaction.atomic
def mentor_request_answer(*, asked: MentorRequest, status: str, by, request=None) -> None:
    """Decline a waiting request (a pairing matches it), or the resident withdraws it."""
    if status not in (MentorRequest.Status.DECLINED, MentorRequest.Status.WITHDRAWN):
        raise ValidationError("Decline or withdraw.")
    if not MentorRequest.objects.filter(pk=asked.pk, status=MentorRequest.Status.WAITING).update(
        status=status, decided_at=timezone.now(), decided_by=by
    ):
        raise ValidationError("This request has been answered already.")
    asked.refresh_from_db()
    declined = status == MentorRequest.Status.DECLINED
    audit.record(
        action="peerlog.mentor_request_declined"
        if declined
        else "peerlog.mentor_request_withdrawn",
        actor=by,
        request=request,
        obj=asked,
    )


# The pair's log


def _member(pairing: Pairing, resident: Resident | None) -> bool:
    return resident is not None and resident.pk in (pairing.mentor_id, pairing.mentee_id)


def _open_for(pairing: Pairing, resident: Resident | None) -> None:
    if not _member(pairing, resident):
        raise ValidationError("Only the mentor and the mentee write in their log.")
    if not pairing.is_active:
        raise ValidationError("This pairing has ended: its log can be read, not added to.")


def entry_add(
    *,
    pairing: Pairing,
    author: Resident,
    at: dt.datetime,
    minutes: int,
    kind: str = Entry.Kind.CHECK_IN,
    wellbeing: int | None = None,
    shared_note: str = "",
    private_note: str = "",
    next_contact_on: dt.date | None = None,
    request=None,
    now: dt.datetime | None = None,
) -> Entry:
    now = now or timezone.now()
    _open_for(pairing, author)
    errors = {}
    if at > now + FUTURE_SLACK:
        errors["at"] = "A contact is logged once it has happened."
    elif at.astimezone(zoneinfo.ZoneInfo(pairing.house.time_zone)).date() < pairing.starts_on:
        errors["at"] = "This is before the pairing started."
    if not 1 <= minutes <= 600:
        errors["minutes"] = "Between 1 minute and 10 hours."
    if kind not in Entry.Kind.values:
        errors["kind"] = "Choose what kind of contact it was."
    if wellbeing is not None and not 1 <= wellbeing <= 5:
        errors["wellbeing"] = "From 1 (struggling) to 5 (doing well)."
    if next_contact_on is not None and next_contact_on < pairing.house.today(now):
        errors["next_contact_on"] = "The next contact is today or later."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry = Entry.objects.create(
            pairing=pairing,
            author=author,
            at=at,
            minutes=minutes,
            kind=kind,
            wellbeing=wellbeing,
            shared_note=shared_note.strip()[:4000],
            private_note=private_note.strip()[:4000],
            next_contact_on=next_contact_on,
        )
        if author.pk == pairing.mentor_id:
            Pairing.objects.filter(pk=pairing.pk).update(check_in_asked_at=None)
            notifications.new_check_in_notify(entry, now=now)
        notifications.no_contact_cancel(pairing)
        audit.record(
            action="peerlog.entry_add",
            actor=author.user,
            request=request,
            obj=entry,
            changes={"pairing": pairing.pk, "kind": kind, "minutes": minutes},
        )
    return entry


@transaction.atomic
def entry_acknowledge(*, entry: Entry, by: Resident, request=None) -> None:
    """The other member of the pair says they have read it."""
    pairing = entry.pairing
    _open_for(pairing, by)
    if by.pk == entry.author_id:
        raise ValidationError("The other member of the pair acknowledges an entry.")
    if Entry.objects.filter(pk=entry.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now()
    ):
        audit.record(action="peerlog.entry_ack", actor=by.user, request=request, obj=entry)
        notifications.new_check_in_cancel(entry)
    entry.refresh_from_db()


@transaction.atomic
def reply_add(*, entry: Entry, by: Resident, text: str, request=None) -> Reply:
    _open_for(entry.pairing, by)
    text = text.strip()
    if not text:
        raise ValidationError({"text": "Write a reply first."})
    if len(text) > 2000:
        raise ValidationError({"text": "Keep a reply under 2,000 characters."})
    if "\x00" in text:
        raise ValidationError({"text": "The reply holds a character that cannot be kept (NUL)."})
    reply = Reply.objects.create(entry=entry, author=by, text=text)
    Entry.objects.filter(pk=entry.pk, acknowledged_at__isnull=True).exclude(author=by).update(
        acknowledged_at=timezone.now()
    )
    audit.record(action="peerlog.reply_add", actor=by.user, request=request, obj=entry)
    if by.pk != entry.author_id:
        notifications.new_check_in_cancel(entry)
    return reply


@transaction.atomic
def check_in_ask(*, pairing: Pairing, by: Resident, request=None) -> None:
    """The mentee asks their mentor for a check-in."""
    _open_for(pairing, by)
    if by.pk != pairing.mentee_id:
        raise ValidationError("The mentee asks for a check-in.")
    Pairing.objects.filter(pk=pairing.pk).update(check_in_asked_at=timezone.now())
    pairing.refresh_from_db()
    audit.record(action="peerlog.check_in_ask", actor=by.user, request=request, obj=pairing)
