"""Writes about house meetings: the schedule, the agenda, attendance, minutes, motions and votes,
and the officers a passed motion elects.

Who may do what is decided by the views through ``meetings.permissions``; these functions hold
the rules of the meeting itself (a resident who left cannot be marked, only those present vote,
one vote each) and write each change to the audit trail.

Two people act on one meeting at the same moment (a vote cast as the secretary closes it, the
attendance taken as the manager cancels), so every write that reads the state of a meeting or a
motion before it changes it locks the rows it reads, always in one order: the meeting's row, then
the motion's, then the house's meeting settings (for its offices), then what hangs off them
(votes, attendance, notifications). The check is made again on the locked row, so whoever comes
second sees what the first did, and two writers never wait on each other in opposite orders.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from chores import outcomes
from chores.services import chore_settings, coordinator_set
from meetings import notifications
from meetings.models import (
    THERE,
    AgendaItem,
    Attendance,
    HouseMeetingSettings,
    Meeting,
    Motion,
    Officer,
    Vote,
)
from meetings.officers import officer_of
from meetings.votes import Tally
from residents import milestones
from residents.models import House, Resident
from residents.selectors import milestones_to_celebrate, stays_on
from soberhouse import audit, moments
from soberhouse.clock import wall_clock

WEEKS_AHEAD = 4
MEETING_HOURS = 1


def meeting_settings(house: House) -> HouseMeetingSettings:
    """The house's settings, saved with the defaults the first time a write needs them."""
    settings, _ = HouseMeetingSettings.objects.get_or_create(house=house)
    return settings


def meeting_settings_to_read(house: House) -> HouseMeetingSettings:
    """The house's settings for a page to read: the defaults, unsaved, when it has none yet (a
    GET changes nothing). One query."""
    return HouseMeetingSettings.objects.filter(house=house).first() or HouseMeetingSettings(
        house=house
    )


def _lock_meeting(meeting_id: int) -> Meeting:
    """The meeting's row, locked until the transaction ends: the first lock of every write about
    the meeting (see the module's docstring for the order)."""
    return (
        Meeting.objects.select_for_update(of=("self",)).select_related("house").get(pk=meeting_id)
    )


def _lock_open_vote(motion: Motion) -> Motion:
    """The motion, locked after its meeting, when its vote is still open; otherwise refused."""
    if motion.meeting_id is not None:
        _lock_meeting(motion.meeting_id)
    locked = (
        Motion.objects.select_for_update(of=("self",))
        .select_related("meeting__house")
        .get(pk=motion.pk)
    )
    if locked.status != Motion.Status.VOTING or locked.meeting_id != motion.meeting_id:
        raise ValidationError("The vote on this motion is not open.")
    return locked


def _lock_offices(house: House) -> HouseMeetingSettings:
    """The house's meeting settings, locked: who holds an office changes one election (or one
    ending) at a time."""
    return HouseMeetingSettings.objects.select_for_update().get(pk=meeting_settings(house).pk)


# The schedule


def regular_days(settings: HouseMeetingSettings, start: dt.date, days: int) -> list[dt.date]:
    """The days of the house's regular meeting from ``start`` over ``days`` days."""
    first = start + dt.timedelta(days=(settings.weekday - start.weekday()) % 7)
    return [first + dt.timedelta(weeks=week) for week in range((days - 1) // 7 + 1)]


def meetings_schedule(house: House, *, now: dt.datetime | None = None) -> int:
    """Create the house's regular meetings of the next four weeks that are not there yet, with
    the officers of the day as chair and secretary and their agendas filled in. Running it twice,
    or in two workers at once, creates nothing twice (a unique key on the house and the regular
    day). Returns how many it created."""
    now = now or timezone.now()
    settings = meeting_settings(house)
    today = house.today(now)
    chair = officer_of(house, Motion.Office.CHAIR, today)
    secretary = officer_of(house, Motion.Office.SECRETARY, today)
    wanted = []
    for day in regular_days(settings, today, WEEKS_AHEAD * 7):
        starts_at = wall_clock(day, settings.time, house.time_zone)
        if starts_at > now:
            wanted.append(
                Meeting(
                    house=house,
                    starts_at=starts_at,
                    regular_on=day,
                    place=settings.place,
                    chair=chair,
                    secretary=secretary,
                )
            )
    existing = set(
        Meeting.objects.filter(
            house=house, regular_on__in=[meeting.regular_on for meeting in wanted]
        ).values_list("regular_on", flat=True)
    )
    new = [meeting for meeting in wanted if meeting.regular_on not in existing]
    created = Meeting.objects.bulk_create(new, ignore_conflicts=True)
    made = Meeting.objects.filter(
        house=house, regular_on__in=[meeting.regular_on for meeting in created], created_at__gte=now
    )
    for meeting in made.select_related("house"):
        agenda_refresh(meeting, now=now)
    return len(made)


def meeting_settings_save(settings: HouseMeetingSettings, *, request=None, changed=()) -> None:
    """Save the settings; when the regular day, time or place changed, the coming regular
    meetings that nobody has touched yet (no business added, no motion, no attendance, no
    minutes) are made again on the new slot."""
    with transaction.atomic():
        settings.save()
        audit.record(
            action="meeting.settings",
            request=request,
            obj=settings,
            changes={name: str(getattr(settings, name)) for name in changed},
        )
        if {"weekday", "time", "place"} & set(changed):
            untouched = (
                Meeting.objects.filter(
                    house=settings.house,
                    status=Meeting.Status.SCHEDULED,
                    regular_on__isnull=False,
                    starts_at__gt=timezone.now(),
                    minutes="",
                )
                .annotate(
                    added=Count("agenda", filter=Q(agenda__key="")),
                    marked=Count("attendance"),
                    moved=Count("motions"),
                )
                .filter(added=0, marked=0, moved=0)
            )
            remade = list(untouched.values_list("pk", flat=True))
            for pk in remade:  # their reminders go with them; the new slot gets its own
                notifications.meeting_reminders_cancel(Meeting(pk=pk))
            Meeting.objects.filter(pk__in=remade).delete()
    meetings_schedule(settings.house)


def meetings_keep(*, now: dt.datetime | None = None) -> int:
    """The beat task's work: every house's next four weeks of meetings, and the agendas of
    meetings not started yet brought up to date."""
    now = now or timezone.now()
    created = 0
    for house in House.objects.all():
        created += meetings_schedule(house, now=now)
    upcoming = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(weeks=WEEKS_AHEAD),
    ).select_related("house")
    for meeting in upcoming:
        agenda_refresh(meeting, now=now)
    return created


@transaction.atomic
def meeting_edit(*, meeting: Meeting, changes: dict, request=None) -> None:
    """Change the time, place, chair or secretary of a meeting. A new start cancels the reminders
    of the old one; the notifications task writes those of the new one."""
    old_occurrence = notifications.occurrence_of(meeting)
    for name, value in changes.items():
        setattr(meeting, name, value)
    meeting.revision += 1
    meeting.save()
    audit.record(
        action="meeting.edit",
        request=request,
        obj=meeting,
        changes={name: str(value) for name, value in changes.items()},
    )
    if notifications.occurrence_of(meeting) != old_occurrence:
        notifications.meeting_reminders_cancel(meeting, occurrence=old_occurrence)


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, reason: str, request=None) -> None:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why, so that everyone knows."})
    if _lock_meeting(meeting.pk).status != Meeting.Status.SCHEDULED:
        raise ValidationError("Only a meeting still to come can be cancelled.")
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Meeting.Status.CANCELLED, cancel_reason=reason[:200], revision=F("revision") + 1
    )
    meeting.refresh_from_db()
    audit.record(action="meeting.cancel", request=request, obj=meeting, changes={"reason": reason})
    notifications.meeting_reminders_cancel(meeting)
    _refresh_following(meeting)


@transaction.atomic
def meeting_close(*, meeting: Meeting, request=None, now: dt.datetime | None = None) -> None:
    """Mark the meeting held. Votes still open must be closed first; business not reached is
    carried over to the next meeting by its agenda."""
    now = now or timezone.now()
    locked = _lock_meeting(meeting.pk)  # no vote opens while this one looks
    if not locked.has_started(now):
        raise ValidationError("The meeting has not started yet.")
    if locked.status != Meeting.Status.SCHEDULED:
        raise ValidationError("This meeting is not open any more.")
    if locked.motions.filter(status=Motion.Status.VOTING).exists():
        raise ValidationError("Close the vote on each motion first.")
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    meeting.refresh_from_db()
    audit.record(action="meeting.held", request=request, obj=meeting)
    _refresh_following(meeting, now=now)


# The agenda


def _previous(meeting: Meeting) -> Meeting | None:
    """The house's meeting before this one that was not cancelled: held, under way, or still to
    come. A meeting's agenda covers what happened since it, so two coming meetings never bring
    up the same newcomer, milestone or chores (each is on the first agenda after it)."""
    return (
        Meeting.objects.filter(house_id=meeting.house_id, starts_at__lt=meeting.starts_at)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at")
        .first()
    )


def _not_reached(
    meeting: Meeting, previous: Meeting | None, since: dt.date, now: dt.datetime
) -> QuerySet[AgendaItem]:
    """Business still to talk about that belongs on this agenda: the items people added (or
    that were carried) at the meeting before, once it has started, and at meetings cancelled
    since, that nobody marked discussed. An item discussed anywhere does not come back."""
    earlier = Meeting.objects.filter(house_id=meeting.house_id, starts_at__lt=meeting.starts_at)
    if previous is not None:
        earlier = earlier.filter(starts_at__gte=previous.starts_at)
    else:
        start = wall_clock(since, dt.time(0), meeting.house.time_zone)
        earlier = earlier.filter(starts_at__gte=start)
    before = earlier.filter(
        Q(status=Meeting.Status.CANCELLED)
        | Q(status=Meeting.Status.HELD)
        | Q(status=Meeting.Status.SCHEDULED, starts_at__lte=now)
    )
    return AgendaItem.objects.filter(
        meeting__in=before,
        kind__in=[AgendaItem.Kind.ADDED, AgendaItem.Kind.CARRIED_OVER],
        discussed=False,
    ).order_by("meeting__starts_at", "pk")


def _chores_words(counts: outcomes.Outcomes) -> str:
    parts = []
    if counts.missed:
        parts.append(f"{counts.missed} missed")
    if counts.done_late:
        parts.append(f"{counts.done_late} done late")
    if counts.redone:
        parts.append(f"{counts.redone} needed a redo")
    return ", ".join(parts)


def automatic_items(
    meeting: Meeting, *, now: dt.datetime | None = None
) -> dict[str, tuple[str, str, int | None]]:
    """{key: (kind, text, resident id)} of what the agenda brings up by itself: newcomers to
    welcome and milestones to celebrate (of those who share them) since the meeting before,
    chores missed, done late or redone since that meeting's day, motions on the table, and
    business the meeting before (or one cancelled since) did not reach."""
    now = now or timezone.now()
    house = meeting.house
    day = meeting.day()
    previous = _previous(meeting)
    since = previous.day() + dt.timedelta(days=1) if previous else day - dt.timedelta(days=7)
    # The chores of the last meeting's own day were not known when it met (it counted up to
    # the day before), so they are this meeting's to bring up.
    chores_since = previous.day() if previous else since
    items: dict[str, tuple[str, str, int | None]] = {}
    for stay in (
        stays_on(house, day)
        .filter(move_in__gte=since)
        .select_related("resident")
        .order_by("move_in")
    ):
        items[f"newcomer:{stay.pk}"] = (
            AgendaItem.Kind.NEWCOMER,
            f"Welcome {stay.resident.name}, who moved in on {moments.shown(stay.move_in, 'day')}.",
            stay.resident_id,
        )
    for soon in milestones_to_celebrate(house, since, day):
        milestone = soon.milestone
        items[f"milestone:{soon.resident.pk}:{milestone.date.isoformat()}"] = (
            AgendaItem.Kind.MILESTONE,
            f"Celebrate {soon.resident.name}: {milestone.label} "
            f"on {moments.shown(milestone.date, 'day')}.",
            soon.resident.pk,
        )
    counted = outcomes.by_resident([house.pk], chores_since, day - dt.timedelta(days=1))
    worth_a_word = {key: value for key, value in counted.items() if value.needs_a_word}
    people = Resident.objects.in_bulk([resident_id for _, resident_id in worth_a_word])
    for (_, resident_id), counts in sorted(
        worth_a_word.items(), key=lambda pair: people[pair[0][1]].name
    ):
        items[f"chores:{resident_id}"] = (
            AgendaItem.Kind.CHORES,
            f"Chores since the last meeting: {people[resident_id].name} — "
            f"{_chores_words(counts)}. How can the house help?",
            resident_id,
        )
    for motion in Motion.objects.filter(house=house, status=Motion.Status.PROPOSED).select_related(
        "mover"
    ):
        items[f"motion:{motion.pk}"] = (
            AgendaItem.Kind.MOTION,
            f"Motion on the table: {motion.text[:200]} (moved by {motion.mover.name})",
            None,
        )
    for item in _not_reached(meeting, previous, since, now):
        items.setdefault(
            f"carried:{item.carried_from_id or item.pk}",
            (AgendaItem.Kind.CARRIED_OVER, item.text, item.resident_id),
        )
    return items


@transaction.atomic
def agenda_refresh(meeting: Meeting, *, now: dt.datetime | None = None) -> bool:
    """Bring the automatic items of a meeting not started yet up to date: add the new ones, drop
    those whose cause went away, keep what people added. Returns whether it did anything (a
    meeting that started, or was held or cancelled, keeps its agenda as it was)."""
    meeting = Meeting.objects.select_for_update().select_related("house").get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started(now):
        return False
    wanted = automatic_items(meeting, now=now)
    have = {item.key: item for item in meeting.agenda.exclude(key="")}
    meeting.agenda.exclude(key="").exclude(key__in=list(wanted)).delete()
    changed = []
    for key, (_, text, _) in wanted.items():
        item = have.get(key)
        if item is not None and item.text != text:
            item.text = text
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["text"])
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                kind=kind,
                key=key,
                text=text,
                resident_id=resident_id,
                carried_from_id=int(key.split(":")[1]) if kind == "carried_over" else None,
            )
            for key, (kind, text, resident_id) in wanted.items()
            if key not in have
        ],
        ignore_conflicts=True,
    )
    return True


def _refresh_following(meeting: Meeting, *, now: dt.datetime | None = None) -> None:
    """The next meeting's agenda follows at once what this one did (held, cancelled, an item
    discussed), rather than at the beat task's next round."""
    following = (
        Meeting.objects.filter(
            house_id=meeting.house_id,
            starts_at__gt=meeting.starts_at,
            status=Meeting.Status.SCHEDULED,
        )
        .order_by("starts_at")
        .first()
    )
    if following is not None:
        agenda_refresh(following, now=now)


@transaction.atomic
def agenda_add(*, meeting: Meeting, text: str, by, request=None, now=None) -> AgendaItem:
    """Anyone in the house adds an item before the meeting starts."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": "Write what you would like the house to talk about."})
    if len(text) > 300:
        raise ValidationError({"text": "Keep it under 300 characters; say more at the meeting."})
    current = _lock_meeting(meeting.pk)
    if current.status != Meeting.Status.SCHEDULED or current.has_started(now):
        raise ValidationError("The meeting has started: bring it up there, or at the next one.")
    item = AgendaItem.objects.create(
        meeting=meeting,
        kind=AgendaItem.Kind.ADDED,
        text=text,
        added_by=by,
        resident=getattr(by, "resident", None),
        created_at=now or timezone.now(),
    )
    audit.record(action="meeting.agenda_add", actor=by, request=request, obj=item)
    return item


@transaction.atomic
def agenda_discussed(*, item: AgendaItem, discussed: bool, request=None) -> None:
    AgendaItem.objects.filter(pk=item.pk).update(discussed=discussed)
    item.discussed = discussed
    audit.record(
        action="meeting.agenda_discussed",
        request=request,
        obj=item,
        changes={"discussed": discussed},
    )
    if item.meeting.has_started():  # before it starts, the next agenda does not read it
        _refresh_following(item.meeting)


# Attendance and minutes


def attendance_mark(
    *,
    meeting: Meeting,
    resident: Resident,
    status: str,
    by,
    request=None,
    now: dt.datetime | None = None,
) -> Attendance:
    """Mark one resident present, late, excused or absent. Only residents living in the house on
    the meeting's day can be marked, and only once the meeting's day has come."""
    if status not in Attendance.Status.values:
        raise ValidationError("Choose present, late, excused or absent.")
    with transaction.atomic():
        # Locked, and read again: a meeting cancelled a moment ago takes no attendance, and a
        # vote being counted sees the attendance as it was or as it is, not half of each.
        meeting = _lock_meeting(meeting.pk)
        if meeting.status == Meeting.Status.CANCELLED:
            raise ValidationError("This meeting was cancelled.")
        day = meeting.day()
        if meeting.house.today(now) < day:
            raise ValidationError("Attendance is taken on the day of the meeting.")
        if not stays_on(meeting.house, day).filter(resident=resident).exists():
            raise ValidationError(
                f"{resident.name} did not live in the house on {moments.shown(day, 'day')}."
            )
        attendance, _ = Attendance.objects.update_or_create(
            meeting=meeting,
            resident=resident,
            defaults={"status": status, "marked_by": by, "marked_at": now or timezone.now()},
        )
        audit.record(
            action="meeting.attendance",
            actor=by,
            request=request,
            obj=meeting,
            changes={"resident": resident.pk, "status": status},
        )
    return attendance


class MinutesConflict(ValidationError):
    """Someone else saved the minutes since this copy was opened."""

    def __init__(self, meeting: Meeting):
        super().__init__(
            "Someone else saved the minutes a moment ago. Your text is kept below: copy what "
            "you added into the newest version."
        )
        self.meeting = meeting


def minutes_save(
    *, meeting: Meeting, text: str, version: int, by, request=None, now: dt.datetime | None = None
) -> int:
    """Save the minutes if nobody else saved them since ``version``; returns the new version.
    Saving the same text again changes nothing."""
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError("This meeting was cancelled.")
    if len(text) > 50_000:
        raise ValidationError("The minutes are too long to save (50,000 characters at most).")
    with transaction.atomic():
        current = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if current.minutes_version != version:
            if current.minutes == text:
                return current.minutes_version
            raise MinutesConflict(current)
        if current.minutes == text:
            return version
        Meeting.objects.filter(pk=meeting.pk).update(
            minutes=text,
            minutes_version=F("minutes_version") + 1,
            minutes_saved_at=now or timezone.now(),
        )
        audit.record(
            action="meeting.minutes",
            actor=by,
            request=request,
            obj=meeting,
            changes={"version": version + 1, "characters": len(text)},
        )
    meeting.refresh_from_db()
    return meeting.minutes_version


# Motions and votes


def _lives_there(resident: Resident | None, house: House, day: dt.date) -> bool:
    return resident is not None and stays_on(house, day).filter(resident=resident).exists()


@transaction.atomic
def motion_propose(
    *,
    house: House,
    text: str,
    mover: Resident,
    seconder: Resident | None,
    by,
    meeting: Meeting | None = None,
    office: str = "",
    nominee: Resident | None = None,
    request=None,
    now: dt.datetime | None = None,
) -> Motion:
    now = now or timezone.now()
    text = text.strip()
    today = house.today(now)
    errors = {}
    if not text:
        errors["text"] = "Write the motion as the house will vote on it."
    if not _lives_there(mover, house, today):
        errors["mover"] = "The mover must live in the house."
    if seconder is not None and seconder == mover:
        errors["seconder"] = "Someone other than the mover seconds it."
    elif seconder is not None and not _lives_there(seconder, house, today):
        errors["seconder"] = "The seconder must live in the house."
    if bool(office) != bool(nominee):
        errors["nominee"] = "An election names both the office and the person."
    elif nominee is not None and not _lives_there(nominee, house, today):
        errors["nominee"] = "Officers are residents living in the house."
    if errors:
        raise ValidationError(errors)
    motion = Motion.objects.create(
        house=house,
        meeting=meeting,
        text=text,
        mover=mover,
        seconder=seconder,
        office=office,
        nominee=nominee,
        proposed_by=by,
        created_at=now,
    )
    audit.record(action="motion.propose", actor=by, request=request, obj=motion)
    return motion


@transaction.atomic
def motion_open_vote(*, motion: Motion, meeting: Meeting, by, request=None, now=None) -> None:
    """Open the vote at a meeting under way. A motion needs a seconder before the house votes."""
    if meeting.house_id != motion.house_id:
        raise ValidationError("This motion belongs to another house.")
    meeting = _lock_meeting(meeting.pk)  # the meeting is not marked held while the vote opens
    if meeting.status != Meeting.Status.SCHEDULED or not meeting.has_started(now):
        raise ValidationError("Votes are taken during the meeting.")
    if motion.seconder_id is None:
        raise ValidationError("The motion needs a seconder before the house votes.")
    if not meeting.attendance.exists():
        raise ValidationError("Take attendance first: only those present vote.")
    if not Motion.objects.filter(pk=motion.pk, status=Motion.Status.PROPOSED).update(
        status=Motion.Status.VOTING, meeting=meeting
    ):
        raise ValidationError("This motion is not on the table.")
    motion.refresh_from_db()
    audit.record(action="motion.open_vote", actor=by, request=request, obj=motion)
    notifications.motion_open_notify(motion, now=now or timezone.now())


def may_vote(motion: Motion, resident: Resident | None) -> bool:
    """Whether ``resident`` was marked present (or late) at the meeting voting on the motion."""
    return (
        resident is not None
        and motion.status == Motion.Status.VOTING
        and Attendance.objects.filter(
            meeting_id=motion.meeting_id, resident=resident, status__in=THERE
        ).exists()
    )


def vote_cast(
    *,
    motion: Motion,
    resident: Resident,
    choice: str,
    by,
    request=None,
    now: dt.datetime | None = None,
) -> Vote:
    """One vote per person per motion: the database refuses a second one. The motion is locked
    (after its meeting, as ``motion_close`` locks them) and its vote checked open on the locked
    row, so a vote cast as the vote closes is either in the count or refused, never kept
    uncounted."""
    if choice not in Vote.Choice.values:
        raise ValidationError("Choose yes, no or abstain.")
    if motion.status != Motion.Status.VOTING:
        raise ValidationError("The vote on this motion is not open.")
    try:
        with transaction.atomic():
            motion = _lock_open_vote(motion)
            if not may_vote(motion, resident):
                raise ValidationError("Only residents present at the meeting vote.")
            vote = Vote.objects.create(
                motion=motion,
                resident=resident,
                choice=choice,
                recorded_by=by,
                at=now or timezone.now(),
            )
            audit.record(
                action="motion.vote",
                actor=by,
                request=request,
                obj=motion,
                changes={"resident": resident.pk, "recorded_for": by != resident.user},
            )
            notifications.motion_open_cancel(motion, resident=resident)
    except IntegrityError:
        raise ValidationError(f"{resident.name} has voted on this motion already.") from None
    return vote


@transaction.atomic
def motion_close(*, motion: Motion, by, request=None, now: dt.datetime | None = None) -> str:
    """Count the votes and decide: passed, failed, or no quorum when too few were present. A
    passed election makes its nominee an officer. Returns the result. ``now`` is when the vote
    closed (the decision's date in the decisions log and the monthly report): a record entered
    afterwards passes the meeting's own time."""
    motion = _lock_open_vote(motion)
    meeting = motion.meeting
    settings = meeting_settings(meeting.house)
    votes = motion.votes.aggregate(
        yes=Count("pk", filter=Q(choice=Vote.Choice.YES)),
        no=Count("pk", filter=Q(choice=Vote.Choice.NO)),
        abstain=Count("pk", filter=Q(choice=Vote.Choice.ABSTAIN)),
    )
    tally = Tally(
        **votes,
        present=meeting.attendance.filter(status__in=THERE).count(),
        residents=stays_on(meeting.house, meeting.day()).count(),
    )
    result = tally.result(quorum=settings.quorum, passing=settings.passing)
    notifications.motion_open_cancel(motion)
    Motion.objects.filter(pk=motion.pk).update(
        status=result,
        decided_at=now or timezone.now(),
        yes=tally.yes,
        no=tally.no,
        abstain=tally.abstain,
        present=tally.present,
        residents=tally.residents,
    )
    motion.refresh_from_db()
    audit.record(
        action="motion.decided",
        actor=by,
        request=request,
        obj=motion,
        changes={"result": result, "yes": tally.yes, "no": tally.no, "abstain": tally.abstain},
    )
    if result == Motion.Status.PASSED and motion.office:
        officer_elect(
            house=meeting.house,
            office=motion.office,
            resident=motion.nominee,
            starts_on=meeting.day(),
            motion=motion,
            by=by,
            request=request,
        )
    return result


@transaction.atomic
def motion_withdraw(*, motion: Motion, by, request=None) -> None:
    if not Motion.objects.filter(pk=motion.pk, status=Motion.Status.PROPOSED).update(
        status=Motion.Status.WITHDRAWN, decided_at=timezone.now()
    ):
        raise ValidationError("Only a motion on the table can be withdrawn.")
    motion.refresh_from_db()
    audit.record(action="motion.withdraw", actor=by, request=request, obj=motion)


# Officers


@transaction.atomic
def officer_elect(
    *,
    house: House,
    office: str,
    resident: Resident,
    starts_on: dt.date,
    by,
    motion: Motion | None = None,
    request=None,
) -> Officer:
    """Begin a term in ``office``: whoever held it hands it over that day (their term ends, its
    history stays). The term lasts the house's set number of months. A chore coordinator's
    election also names them in the chore settings."""
    settings = _lock_offices(house)
    Officer.objects.filter(
        house=house, office=office, starts_on__lt=starts_on, ends_on__gt=starts_on
    ).update(ends_on=starts_on)
    Officer.objects.filter(house=house, office=office, starts_on__gte=starts_on).delete()
    term = Officer.objects.create(
        house=house,
        office=office,
        resident=resident,
        starts_on=starts_on,
        ends_on=milestones.months_later(starts_on, settings.officer_term_months),
        motion=motion,
    )
    audit.record(
        action="officer.elect",
        actor=by,
        request=request,
        obj=term,
        changes={"office": office, "resident": resident.pk, "until": term.ends_on.isoformat()},
    )
    if office == Motion.Office.CHORE_COORDINATOR:
        coordinator_set(house=house, resident=resident, by=by, request=request)
    return term


@transaction.atomic
def officer_end(*, term: Officer, on: dt.date, by, request=None) -> None:
    """End a term early (the officer moved out, or stepped down). Read again under the offices'
    lock: a term an election ended a moment ago is not stretched back over its successor's, and
    a chore coordinator's end clears the chore settings only while they still name this person."""
    _lock_offices(term.house)
    term = Officer.objects.select_related("house").filter(pk=term.pk).first()
    if term is None:  # ended and removed a moment ago
        return
    audit.record(
        action="officer.end", actor=by, request=request, obj=term, changes={"on": on.isoformat()}
    )
    if on <= term.starts_on:
        term.delete()
    elif on < term.ends_on:
        Officer.objects.filter(pk=term.pk).update(ends_on=on)
    if (
        term.office == Motion.Office.CHORE_COORDINATOR
        and chore_settings(term.house).coordinator_id == term.resident_id
    ):
        coordinator_set(house=term.house, resident=None, by=by, request=request)
