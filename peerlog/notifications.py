"""The notifications of peer mentoring: a mentor told of a mentee they have not been in touch with
for the house's number of days, and a mentee told their mentor logged a check-in.

Written through the outbox (``soberhouse.outbox``), whose unique key makes the beat task safe to
run twice or in two workers at once. Subjects and texts name the other person and a number of
days, never a word of the log: no note, private note or reply, no wellbeing score.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.urls import reverse
from django.utils import timezone

from peerlog import selectors
from peerlog.models import Entry, MentoringSettings, Pairing
from residents.models import House
from soberhouse import outbox
from soberhouse.clock import wall_clock
from soberhouse.models import Notification

NO_CONTACT = "peerlog.no_contact"
NEW_CHECK_IN = "peerlog.new_check_in"
KINDS = (NO_CONTACT, NEW_CHECK_IN)

# The hour of the mentor's day the no-contact reminder goes out, rather than at midnight when
# the mentee turns overdue.
NO_CONTACT_HOUR = dt.time(9, 0)


def overdue_on(status: selectors.PairStatus, overdue_days: int) -> dt.date:
    """The house's date the pairing turned overdue: the last contact (or the start) plus the
    house's number of days. It names the overdue stretch, so a mentor hears of it once."""
    pairing = status.pairing
    zone = zoneinfo.ZoneInfo(pairing.house.time_zone)
    last = status.last_contact
    since = last.astimezone(zone).date() if last else pairing.starts_on
    return since + dt.timedelta(days=overdue_days)


def _overdue_days(house: House) -> int:
    settings = MentoringSettings.objects.filter(house=house).first()
    return settings.overdue_days if settings else MentoringSettings().overdue_days


def no_contact_create(house: House, *, now: dt.datetime) -> int:
    """Tell each mentor of the house about each overdue mentee, at 9:00 in the house's zone on
    the day they turned overdue (or now, when that has passed)."""
    zone = zoneinfo.ZoneInfo(house.time_zone)
    today = now.astimezone(zone).date()
    overdue_days = _overdue_days(house)
    made = 0
    written = set(
        Notification.objects.filter(
            kind=NO_CONTACT, about_type=Pairing._meta.label_lower, house_id=house.pk
        ).values_list("about_id", "occurrence")
    )
    for status in selectors.overdue(house, now=now):
        pairing = status.pairing
        turned = overdue_on(status, overdue_days)
        if (str(pairing.pk), turned.isoformat()) in written:
            continue
        day = max(turned, today)
        due_at = max(wall_clock(day, NO_CONTACT_HOUR, house.time_zone).astimezone(dt.UTC), now)
        days = (due_at.astimezone(zone).date() - (turned - dt.timedelta(days=overdue_days))).days
        first_name = pairing.mentee.name.split()[0]
        made += outbox.notify(
            recipient=pairing.mentor.user,
            kind=NO_CONTACT,
            about=pairing,
            due_at=due_at,
            subject=f"It has been {days} days since you last talked with {first_name}",
            text=f"A call or a coffee with {first_name} this week? Log it when you have talked.",
            occurrence=turned.isoformat(),
            url=reverse("peerlog_pair", args=[pairing.pk]),
            house_id=house.pk,
            time_zone=house.time_zone,
        )
    return made


def no_contact_cancel(pairing: Pairing) -> int:
    """An entry was logged, or the pairing ended: the notice waits for nothing now, so it is
    withdrawn if still to go and stops counting as new if it went."""
    return outbox.settle(about=pairing, kind=NO_CONTACT)


def new_check_in_notify(entry: Entry, *, now: dt.datetime) -> int:
    """The mentor logged an entry: tell the mentee now (quiet hours hold it)."""
    pairing = entry.pairing
    return outbox.notify(
        recipient=pairing.mentee.user,
        kind=NEW_CHECK_IN,
        about=entry,
        due_at=now,
        subject="Your mentor logged a check-in",
        text="Read it in your log with your mentor, and reply if you like.",
        url=reverse("peerlog_pair", args=[pairing.pk]),
        house_id=pairing.house_id,
        time_zone=pairing.house.time_zone,
    )


def new_check_in_cancel(entry: Entry) -> int:
    """The mentee read it (acknowledged or replied): withdrawn if it had not gone out yet, and
    no longer new in their list if it had."""
    return outbox.settle(about=entry, kind=NEW_CHECK_IN)


def notify_due(*, now: dt.datetime | None = None) -> int:
    """The beat task's work: every house's overdue mentees, each told to their mentor once per
    overdue stretch. Returns how many rows it wrote."""
    now = now or timezone.now()
    return sum(no_contact_create(house, now=now) for house in House.objects.all())
