"""A person's private calendar feed (RFC 5545): the house meetings of the houses they live in or
manage, and their own chores, each at its wall-clock time in its house's zone, for phone
calendars to subscribe to.

The address is the only key, and calendar apps cannot sign in: whoever has it sees the feed. So
it holds what the person sees on their own pages and nothing about anyone else: a meeting's
time, place and status (and whether they chair it or take its minutes), their own chores with
the checklist. Making a new address revokes the old one, which answers 404 from then on.

Updates reach the phones because a subscribed calendar re-reads the whole feed: every event
keeps its UID, DTSTAMP is the time the feed was built, and a meeting's SEQUENCE counts its
changes of time, place, people or status.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vDuration

from chores.models import Assignment
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


def calendar_build(user: User, *, now: dt.datetime | None = None) -> Calendar:
    """The person's calendar. Three queries, four for someone who lives in a house now (their
    stay, the meetings, their chores), whatever the number of events."""
    now = now or timezone.now()
    stay = current_stay(user)
    events = [*_meeting_events(user, stay, now)]
    if stay is not None:
        events += _chore_events(stay, now)

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
    _add_time_zones(calendar, events)
    return calendar


def _meeting_events(user: User, stay: Stay | None, now: dt.datetime) -> list[Event]:
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
    return [_meeting_event(meeting, me=me, now=now) for meeting in meetings]


def _meeting_event(meeting: Meeting, *, me: int | None, now: dt.datetime) -> Event:
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
        stamp=now,
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


def _chore_events(stay: Stay, now: dt.datetime) -> list[Event]:
    """The person's own chores in the house they live in, from a week back to the last day the
    rotation has made."""
    since = stay.house.today(now) - dt.timedelta(days=CHORE_DAYS_BACK)
    assignments = (
        my_assignments(stay).filter(day__gte=since).select_related("chore").order_by("due_at", "pk")
    )
    return [_chore_event(assignment, stay.house.time_zone, now) for assignment in assignments]


def _chore_event(assignment: Assignment, time_zone: str, now: dt.datetime) -> Event:
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
        stamp=now,
        created=assignment.created_at,
        start=_local(assignment.due_at, time_zone),
        summary=summary,
        description="\n".join(lines) or None,
        # A chore does not make the person busy for anything else.
        transparency="TRANSPARENT",
    )
    event.DURATION = CHORE_LENGTH
    return event


def _local(moment: dt.datetime, time_zone: str) -> dt.datetime:
    """The moment in the house's zone: written as DTSTART;TZID=<zone>:<wall-clock time>."""
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone))


def _add_time_zones(calendar: Calendar, events: list[Event]) -> None:
    """A VTIMEZONE for each zone the events use, covering a year either side of them. RFC 5545
    wants at least one component in a calendar: an empty feed carries the deployment's zone."""
    starts = [event.start.date() for event in events]
    today = timezone.now().date()
    first = min(starts, default=today)
    last = max(starts, default=today)
    first_date, last_date = dt.date(first.year - 1, 1, 1), dt.date(last.year + 2, 1, 1)
    calendar.add_missing_timezones(first_date=first_date, last_date=last_date)
    if not calendar.subcomponents:
        calendar.add_component(
            Timezone.from_tzid(settings.TIME_ZONE, first_date=first_date, last_date=last_date)
        )


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
