"""The notifications of house meetings: the meeting tomorrow and in an hour, a motion open for your
vote, and outside meetings still short of the week's number on the house's chosen weekday.

Each is written through the outbox (``soberhouse.outbox``), whose unique key on (person, kind,
what it is about, occurrence) makes the beat task safe to run twice or in two workers at once.
Subjects and texts hold a time, a place and a link: never a motion's words, a note or anything
about someone's sobriety.

The reminders of a meeting are keyed by its start (``occurrence``), so a moved meeting gets new
ones and the old ones are cancelled; a cancelled meeting, a resident who moved out, a vote cast or
closed, and enough outside meetings logged cancel what was not sent yet; a vote cast or closed
also takes its notice off the new ones already in a person's list.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from chores.dashboard import week_start
from meetings.models import THERE, Attendance, HouseMeetingSettings, Meeting, Motion, Vote
from residents.models import House, Resident, Stay
from residents.selectors import stays_on
from soberhouse import moments, outbox
from soberhouse.clock import wall_clock
from soberhouse.models import Notification, User

TOMORROW = "meetings.tomorrow"
IN_AN_HOUR = "meetings.in_an_hour"
MOTION_OPEN = "meetings.motion_open"
OUTSIDE_SHORT = "meetings.outside_short"
KINDS = (TOMORROW, IN_AN_HOUR, MOTION_OPEN, OUTSIDE_SHORT)
REMINDERS = (TOMORROW, IN_AN_HOUR)

# The task looks this far ahead for meetings to remind of: the "tomorrow" reminder of a meeting
# is made about two hours before it is due, and a five-minute beat has many chances.
AHEAD = dt.timedelta(hours=26)
# A reminder whose moment passed longer ago than this (beat was down, or the meeting was moved
# to a time closer than a day) is not made late: "tomorrow" on the day itself would be wrong.
LATE = dt.timedelta(hours=1)
OUTSIDE_HOUR = dt.time(10, 0)


def on_the_wall(moment: dt.datetime, days: int, time_zone: str) -> dt.datetime:
    """The same wall-clock time ``days`` days from ``moment`` in the zone, as an aware moment.
    Counted on the calendar, not in hours, so a DST change in between neither shifts it by an
    hour nor makes a day of 23 or 25 hours send twice or never."""
    zone = zoneinfo.ZoneInfo(time_zone)
    local = moment.astimezone(zone)
    return wall_clock(local.date() + dt.timedelta(days=days), local.time(), time_zone).astimezone(
        dt.UTC
    )


def occurrence_of(meeting: Meeting) -> str:
    """A meeting's reminders are keyed by when it starts: moving it makes new ones."""
    return meeting.starts_at.astimezone(dt.UTC).isoformat()


def reminder_moments(meeting: Meeting) -> dict[str, dt.datetime]:
    return {
        TOMORROW: on_the_wall(meeting.starts_at, -1, meeting.house.time_zone),
        IN_AN_HOUR: meeting.starts_at - dt.timedelta(hours=1),
    }


def _reminder_words(kind: str, meeting: Meeting) -> tuple[str, str]:
    zone = meeting.house.time_zone
    at = moments.shown(meeting.starts_at, "time", zone)
    if kind == TOMORROW:
        subject = f"House meeting tomorrow at {at}"
        when = f"tomorrow, {moments.shown(meeting.starts_at, 'day', zone)}, at {at}"
    else:
        subject = f"House meeting in an hour, at {at}"
        when = f"today at {at}"
    text = f"{meeting.house.name} meets {when} in {meeting.place}. See the agenda and add to it."
    return subject, text


def meeting_reminders_create(meeting: Meeting, *, now: dt.datetime) -> int:
    """Write the reminders of a scheduled meeting to everyone living in the house on its day,
    those not written yet and not too late; cancel the pending ones of people who moved out
    since, and of an earlier start. Returns how many rows it wrote."""
    if meeting.status != Meeting.Status.SCHEDULED or meeting.starts_at <= now:
        return 0
    occurrence = occurrence_of(meeting)
    living = {
        stay.resident.user_id: stay.resident
        for stay in stays_on(meeting.house, meeting.day()).select_related("resident__user")
    }
    about_type, about_id = outbox.about_key(meeting)
    have = Notification.objects.filter(
        about_type=about_type, about_id=about_id, kind__in=REMINDERS
    ).values_list("recipient_id", "kind", "occurrence", "status")
    written = set()
    for recipient_id, kind, seen_occurrence, status in have:
        written.add((recipient_id, kind, seen_occurrence))
        stale = seen_occurrence != occurrence or recipient_id not in living
        if stale and status == Notification.Status.PENDING:
            outbox.cancel(
                about=meeting,
                kind=kind,
                occurrence=seen_occurrence,
                recipient=User(pk=recipient_id),
            )
    made = 0
    url = reverse("meeting_detail", args=[meeting.pk])
    for kind, due_at in reminder_moments(meeting).items():
        if due_at < now - LATE:
            continue
        subject, text = _reminder_words(kind, meeting)
        for user_id, resident in living.items():
            if (user_id, kind, occurrence) in written:
                continue
            made += outbox.notify(
                recipient=resident.user,
                kind=kind,
                about=meeting,
                due_at=due_at,
                subject=subject,
                text=text,
                occurrence=occurrence,
                url=url,
                house_id=meeting.house_id,
                time_zone=meeting.house.time_zone,
            )
    return made


def meeting_reminders_cancel(meeting: Meeting, *, occurrence: str | None = None) -> int:
    """The meeting is cancelled (every reminder) or moved (those of its old start)."""
    return sum(outbox.cancel(about=meeting, kind=kind, occurrence=occurrence) for kind in REMINDERS)


# Motions


def motion_open_notify(motion: Motion, *, now: dt.datetime) -> int:
    """The vote is open: tell each resident marked present who has not voted yet."""
    meeting = motion.meeting
    voted = Vote.objects.filter(motion=motion).values("resident_id")
    present = (
        Attendance.objects.filter(meeting=meeting, status__in=THERE)
        .exclude(resident_id__in=voted)
        .select_related("resident__user")
    )
    url = reverse("meeting_detail", args=[meeting.pk])
    return sum(
        outbox.notify(
            recipient=mark.resident.user,
            kind=MOTION_OPEN,
            about=motion,
            due_at=now,
            subject="A motion is open for your vote",
            text=f"{meeting.house.name}'s meeting is voting on a motion. Vote yes, no or abstain.",
            url=url,
            house_id=meeting.house_id,
            time_zone=meeting.house.time_zone,
        )
        for mark in present
    )


def motion_open_cancel(motion: Motion, *, resident: Resident | None = None) -> int:
    """They voted (``resident``), or the vote closed (everyone): the notice is withdrawn where
    it was not sent yet, and no longer new where it was."""
    return outbox.settle(
        about=motion, kind=MOTION_OPEN, recipient=resident.user if resident else None
    )


# Outside meetings


def outside_short_create(house: House, *, now: dt.datetime) -> int:
    """On the house's reminder weekday, from 10:00 in its zone until the day ends, remind each
    resident still short of the week's number. One per person and week (the week's Monday is
    the occurrence)."""
    from meetings.outside import house_week  # outside imports the services, which import us

    settings = HouseMeetingSettings.objects.filter(house=house).first() or HouseMeetingSettings(
        house=house
    )
    zone = zoneinfo.ZoneInfo(house.time_zone)
    local = now.astimezone(zone)
    if local.weekday() != settings.outside_reminder_weekday or local.time() < OUTSIDE_HOUR:
        return 0
    monday = week_start(local.date())
    due_at = wall_clock(local.date(), OUTSIDE_HOUR, house.time_zone).astimezone(dt.UTC)
    about_type = Resident._meta.label_lower
    written = set(
        Notification.objects.filter(
            kind=OUTSIDE_SHORT, about_type=about_type, occurrence=monday.isoformat()
        )
        .filter(house_id=house.pk)
        .values_list("about_id", flat=True)
    )
    made = 0
    url = reverse("my_outside_meetings")
    for row in house_week(house, now=now).short:
        if str(row.resident.pk) in written:
            continue
        made += outbox.notify(
            recipient=row.resident.user,
            kind=OUTSIDE_SHORT,
            about=row.resident,
            due_at=due_at,
            subject="Outside meetings this week",
            text=f"You have {row.progress}. Log the ones you go to; the week ends on Sunday.",
            occurrence=monday.isoformat(),
            url=url,
            house_id=house.pk,
            time_zone=house.time_zone,
        )
    return made


def outside_short_cancel_if_enough(stay: Stay, *, now: dt.datetime | None = None) -> int:
    """After a meeting is logged: when this week's number is reached, withdraw the reminder."""
    from meetings.outside import my_week_count

    count = my_week_count(stay, now=now)
    if count.to_go:
        return 0
    monday = week_start(stay.house.today(now))
    return outbox.cancel(about=stay.resident, kind=OUTSIDE_SHORT, occurrence=monday.isoformat())


# The beat task's work


def notify_due(*, now: dt.datetime | None = None) -> int:
    """Write every meeting notification that is due by now or within the look-ahead; returns how
    many rows. Idempotent: a second run, or two at once, adds nothing (the outbox's key)."""
    now = now or timezone.now()
    made = 0
    upcoming = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        starts_at__gt=now,
        starts_at__lte=now + AHEAD,
    ).select_related("house")
    for meeting in upcoming:
        made += meeting_reminders_create(meeting, now=now)
    for house in House.objects.all():
        made += outside_short_create(house, now=now)
    return made
