"""Across every kind at once: on the lived-in demo, with every notifying task run through a day
and a week, no notification's subject or text holds a peer-log note or reply, a chore note or a
check note, a swap message, a sobriety date, or a meeting's minutes."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.core.management import call_command
from django.utils import timezone

from chores import tasks as chore_tasks
from chores.models import Assignment, Swap
from meetings import tasks as meeting_tasks
from meetings.models import Meeting
from peerlog import tasks as peerlog_tasks
from peerlog.models import Entry, Reply
from residents import tasks as resident_tasks
from residents.models import Resident
from soberhouse.models import Notification

TASKS = [
    chore_tasks.mark_missed,
    chore_tasks.notify_due,
    meeting_tasks.notify_due,
    peerlog_tasks.notify_due,
    resident_tasks.notify_milestones,
]


def _secrets() -> set[str]:
    words = set()
    for entry in Entry.objects.all():
        words |= {entry.shared_note, entry.private_note}
    words |= set(Reply.objects.values_list("text", flat=True))
    words |= set(Assignment.objects.values_list("note", flat=True))
    words |= set(Assignment.objects.values_list("check_note", flat=True))
    words |= set(Swap.objects.values_list("message", flat=True))
    words |= set(Meeting.objects.values_list("minutes", flat=True))
    for day in Resident.objects.exclude(sobriety_date=None).values_list("sobriety_date", flat=True):
        words |= {day.isoformat(), f"{day:%-d %B %Y}", f"{day:%B %-d, %Y}"}
    return {word for word in words if word and len(word) >= 6}


def test_no_notification_carries_anything_private(db):
    call_command("seed_demo", allow_without_debug=True)
    start = timezone.now()
    for hours in range(0, 24 * 8, 3):
        with time_machine.travel(start + dt.timedelta(hours=hours), tick=False):
            for task in TASKS:
                task()
    rows = list(Notification.objects.values_list("kind", "subject", "text"))
    assert len({kind for kind, _, _ in rows}) >= 5, "the demo should raise most kinds"
    secrets = _secrets()
    assert secrets
    for kind, subject, text in rows:
        for secret in secrets:
            assert secret not in subject and secret not in text, (kind, secret)
