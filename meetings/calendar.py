"""A person's private calendar feed (RFC 5545): the house meetings of the houses they live in or
manage, and their own chores, each at its wall-clock time in its house's zone, for phone
calendars to subscribe to.

The address is the only key, and calendar apps cannot sign in: whoever has it sees the feed. So
it holds what the person sees on their own pages and nothing about anyone else: a meeting's
time, place and status (and whether they chair it or take its minutes), their own chores with
the checklist. Making a new address revokes the old one, which answers 404 from then on.

Updates reach the phones because a subscribed calendar re-reads the whole feed: every event
keeps its UID, a meeting's SEQUENCE counts its changes of time, place, people or status, and a
chore's is worked out from what happened to it (swaps, ticks, redos). The feed remembers what it
held when last read and since when (DTSTAMP, the ETag and Last-Modified), so an app that asks
again is told "not modified" until something in it changes.

Each zone is written out as its changes of offset over the years the feed spans, each change on
a line of its own and at the wall-clock time it happens (02:00 for the spring change in Los
Angeles): several dates on one RDATE line are read as one by vobject and ical.js.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vDatetime,
    vDuration,
)

from chores.models import Assignment, Swap
from chores.selectors import my_assignments
from meetings.models import CalendarFeed, Meeting, new_calendar_token
from residents.access import current_stay
from residents.models import Membership, Stay
from soberhouse import audit
from soberhouse.models import User

MEETINGS_BACK = dt.timedelta(days=30)
MEETINGS_AHEAD = dt.timedelta(weeks=8)
CHORE_DAYS_BACK = 7
MEETING_LENGTH = dt.timedelta(hours=1)
CHORE_LENGTH = dt.timedelta(minutes=30)
# How often a calendar app should look again (it may choose otherwise).
REFRESH = dt.timedelta(hours=1)
PRODID = "-//Soberhouse//Calendar feed//EN"

# Events are built with this DTSTAMP, then given the moment the feed last changed (see
# calendar_render): the digest of what the feed says must not change with the clock.
_DRAFT_STAMP = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)

_CHORE_STATUS_SHOWN = {
    Assignment.Status.DONE: "done",
    Assignment.Status.CHECKED: "done",
    Assignment.Status.REDO: "needs a redo",
}


def feed_by_token(token: str) -> CalendarFeed | None:
    """The feed at this address, with its person; None for an unknown or revoked address or a
    deactivated account."""
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )


def calendar_render(feed: CalendarFeed, *, now: dt.datetime | None = None) -> bytes:
    """The feed's text, stamped with the moment its contents last changed, which it keeps in
    ``feed.changed_at`` (with one write when they changed since the feed was last read)."""
    now = now or timezone.now()
    draft = calendar_build(feed.user, now=now, stamp=_DRAFT_STAMP).to_ical()
    digest = hashlib.sha256(draft).hexdigest()
    if digest != feed.digest or feed.changed_at is None:
        # Whole seconds, as HTTP dates are, and always later than the last change: a client
        # asking "modified since" the date it got is never told no about a newer feed.
        changed_at = now.replace(microsecond=0)
        if feed.changed_at is not None and changed_at <= feed.changed_at:
            changed_at = feed.changed_at + dt.timedelta(seconds=1)
        CalendarFeed.objects.filter(pk=feed.pk).update(digest=digest, changed_at=changed_at)
        feed.digest, feed.changed_at = digest, changed_at
    stamp = vDatetime(feed.changed_at.astimezone(dt.UTC)).to_ical()
    return draft.replace(
        b"\r\nDTSTAMP:" + vDatetime(_DRAFT_STAMP).to_ical() + b"\r\n",
        b"\r\nDTSTAMP:" + stamp + b"\r\n",
    )


def calendar_build(
    user: User, *, now: dt.datetime | None = None, stamp: dt.datetime | None = None
) -> Calendar:
    """The person's calendar, every event stamped ``stamp`` (``now`` by default). Three queries,
    four for someone who lives in a house now (their stay, the meetings, their chores), whatever
    the number of events."""
    now = now or timezone.now()
    stamp = stamp or now
    stay = current_stay(user)
    events = [*_meeting_events(user, stay, now, stamp)]
    if stay is not None:
        events += _chore_events(stay, now, stamp)

    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", "PUBLISH")
    calendar.add("NAME", "Soberhouse")
    calendar.add("X-WR-CALNAME", "Soberhouse")
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))  # unknown to icalendar: typed here
    for event in events:
        calendar.add_component(event)
    _add_time_zones(calendar, events, now)
    return calendar


def _meeting_events(
    user: User, stay: Stay | None, now: dt.datetime, stamp: dt.datetime
) -> list[Event]:
    manages = Membership.objects.filter(
        house=OuterRef("house"), user=user, role=Membership.Role.MANAGER
    )
    houses = Q(Exists(manages))
    if stay is not None:
        houses |= Q(house_id=stay.house_id)
    meetings = (
        Meeting.objects.filter(houses)
        .filter(starts_at__gte=now - MEETINGS_BACK, starts_at__lt=now + MEETINGS_AHEAD)
        .select_related("house")
        .order_by("starts_at", "pk")
    )
    me = stay.resident_id if stay is not None else None
    return [_meeting_event(meeting, me=me, stamp=stamp) for meeting in meetings]


def _meeting_event(meeting: Meeting, *, me: int | None, stamp: dt.datetime) -> Event:
    cancelled = meeting.status == Meeting.Status.CANCELLED
    summary = f"House meeting, {meeting.house.name}"
    lines = []
    if cancelled:
        summary = f"Cancelled: {summary}"
        lines.append(f"Cancelled: {meeting.cancel_reason}")
    if me is not None and meeting.chair_id == me:
        lines.append("You chair this meeting.")
    if me is not None and meeting.secretary_id == me:
        lines.append("You take the minutes.")
    event = Event.new(
        uid=f"meeting-{meeting.pk}@soberhouse",
        stamp=stamp,
        created=meeting.created_at,
        start=_local(meeting.starts_at, meeting.house.time_zone),
        summary=summary,
        location=meeting.place,
        description="\n".join(lines) or None,
        status="CANCELLED" if cancelled else "CONFIRMED",
        sequence=meeting.revision,
        transparency="OPAQUE",
    )
    event.DURATION = MEETING_LENGTH
    return event


def _chore_events(stay: Stay, now: dt.datetime, stamp: dt.datetime) -> list[Event]:
    """The person's own chores in the house they live in, from a week back to the last day the
    rotation has made."""
    since = stay.house.today(now) - dt.timedelta(days=CHORE_DAYS_BACK)
    assignments = (
        my_assignments(stay)
        .filter(day__gte=since)
        .select_related("chore")
        .annotate(
            swaps_taken=Count("swaps", filter=Q(swaps__status=Swap.Status.ACCEPTED), distinct=True)
        )
        .order_by("due_at", "pk")
    )
    return [_chore_event(assignment, stay.house.time_zone, stamp) for assignment in assignments]


# How far along its course a chore's status is: to do (or missed), done, then checked.
_CHORE_STEP = {Assignment.Status.DONE: 1, Assignment.Status.CHECKED: 2}


def chore_sequence(assignment: Assignment, swaps_taken: int) -> int:
    """The chore event's SEQUENCE, from what happened to it rather than a counter its writers
    must remember to raise: every swap taken and every redo adds to it, and so does each step
    from to do to done to checked. A redo (done, then sent back) counts two, so it stays above
    the "done" it follows. The one step back, undoing a tick within minutes, returns the event
    to what it said before, with the number it had then."""
    return swaps_taken + 2 * assignment.redo_count + _CHORE_STEP.get(assignment.status, 0)


def _chore_event(assignment: Assignment, time_zone: str, stamp: dt.datetime) -> Event:
    chore = assignment.chore
    summary = f"Chore: {chore.name}"
    if assignment.status in _CHORE_STATUS_SHOWN:
        summary += f" ({_CHORE_STATUS_SHOWN[assignment.status]})"
    lines = [f"Area: {chore.area}"] if chore.area else []
    steps = chore.checklist_steps()
    if steps:
        lines += ["", "Checklist:"] if lines else ["Checklist:"]
        lines += [f"- {step}" for step in steps]
    event = Event.new(
        uid=f"chore-{assignment.pk}@soberhouse",
        stamp=stamp,
        created=assignment.created_at,
        start=_local(assignment.due_at, time_zone),
        summary=summary,
        description="\n".join(lines) or None,
        sequence=chore_sequence(assignment, getattr(assignment, "swaps_taken", 0)),
        # A chore does not make the person busy for anything else.
        transparency="TRANSPARENT",
    )
    event.DURATION = CHORE_LENGTH
    return event


def _local(moment: dt.datetime, time_zone: str) -> dt.datetime:
    """The moment in the house's zone: written as DTSTART;TZID=<zone>:<wall-clock time>."""
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone))


def _add_time_zones(calendar: Calendar, events: list[Event], now: dt.datetime) -> None:
    """A VTIMEZONE for each zone the events use, covering a year either side of them. RFC 5545
    wants at least one component in a calendar: an empty feed carries the deployment's zone."""
    today = now.date()
    starts = [event.start for event in events]
    first = min((start.date() for start in starts), default=today)
    last = max((start.date() for start in starts), default=today)
    first_date, last_date = dt.date(first.year - 1, 1, 1), dt.date(last.year + 2, 1, 1)
    zones = sorted({start.tzinfo.key for start in starts} or {settings.TIME_ZONE})
    for tzid in zones:
        calendar.add_component(vtimezone(tzid, first_date, last_date))


def vtimezone(tzid: str, first_date: dt.date, last_date: dt.date) -> Timezone:
    """The zone from ``first_date`` to ``last_date`` as RFC 5545 writes it: an observance for
    each kind of change of offset (to daylight time and back, and any other), starting at the
    first such change, with one RDATE line for each later one. Each onset is the wall-clock time
    the change happens at, in the offset before it (RFC 5545 3.6.5): 02:00 for the spring
    change in Los Angeles, the time clocks are put forward from."""
    component = Timezone()
    component.add("TZID", tzid)
    for (daylight, name, offset_from, offset_to), onsets in _observances(
        tzid, first_date, last_date
    ):
        observance = TimezoneDaylight() if daylight else TimezoneStandard()
        observance.add("DTSTART", onsets[0])
        for onset in onsets[1:]:
            observance.add("RDATE", onset)
        observance.add("TZNAME", name)
        observance.add("TZOFFSETFROM", offset_from)
        observance.add("TZOFFSETTO", offset_to)
        component.add_component(observance)
    return component


# The span moves once a year, so each process works out a zone's changes once.
@functools.lru_cache(maxsize=64)
def _observances(tzid: str, first_date: dt.date, last_date: dt.date) -> tuple:
    """((daylight, name, offset from, offset to), (onset, ...)) for each kind of change, in the
    order of their first onsets."""
    zone = zoneinfo.ZoneInfo(tzid)
    start = dt.datetime.combine(first_date, dt.time(), zone)
    observances: dict[tuple, list[dt.datetime]] = {}
    changes = [(start, start.utcoffset())]
    changes += _offset_changes(zone, start, dt.datetime.combine(last_date, dt.time(), zone))
    for moment, offset_before in changes:
        local = moment.astimezone(zone)
        kind = (bool(local.dst()), local.tzname(), offset_before, local.utcoffset())
        onset = (moment.astimezone(dt.UTC) + offset_before).replace(tzinfo=None)
        observances.setdefault(kind, []).append(onset)
    return tuple(
        (kind, tuple(onsets))
        for kind, onsets in sorted(observances.items(), key=lambda item: item[1][0])
    )


def _offset_changes(
    zone: zoneinfo.ZoneInfo, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.datetime, dt.timedelta]]:
    """Each moment in [start, end) at which the zone's UTC offset changes, to the second, with
    the offset before it. Zones change at most a few times a year, so a look at every day and a
    bisection of the days that differ is enough."""
    changes = []
    day = dt.timedelta(days=1)
    moment = start.astimezone(dt.UTC)
    end = end.astimezone(dt.UTC)
    while moment < end:
        before = moment.astimezone(zone).utcoffset()
        if (moment + day).astimezone(zone).utcoffset() != before:
            low, high = moment, moment + day  # the offset is `before` at low, not at high
            while high - low > dt.timedelta(seconds=1):
                middle = low + dt.timedelta(seconds=(high - low).total_seconds() // 2)
                if middle.astimezone(zone).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            changes.append((high, before))
        moment += day
    return changes


# Services: make and replace the address.


@transaction.atomic
def calendar_feed_create(*, user: User, request: HttpRequest | None = None) -> CalendarFeed:
    """The person's feed, made (and audited) if they had none; an existing one is kept."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        audit.record(action="calendar.created", actor=user, request=request, obj=feed)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User, request: HttpRequest | None = None) -> CalendarFeed:
    """A new address for the person's feed: the old one answers 404 from now on. Makes the feed
    if there was none."""
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if feed is None:
        return calendar_feed_create(user=user, request=request)
    feed.token = new_calendar_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    # The audit row names the feed, never its address: the address is the secret.
    audit.record(action="calendar.revoked", actor=user, request=request, obj=feed)
    return feed
