"""Scheduled meeting work. Idempotent and safe to run in two workers at once."""

from __future__ import annotations

from celery import shared_task

from meetings import notifications
from meetings.services import meetings_keep


@shared_task(name="meetings.keep_schedule")
def keep_schedule() -> int:
    """Every house's next four weeks of meetings created, and the agendas of those not started
    yet brought up to date (newcomers, milestones, chores, motions, business carried over)."""
    return meetings_keep()


@shared_task(name="meetings.notify_due")
def notify_due() -> int:
    """The meeting reminders (tomorrow, in an hour) of meetings starting within 26 hours, and on
    each house's reminder weekday the outside-meetings reminder, written to the outbox. The
    outbox's unique key makes a second run, or two at once, write nothing twice."""
    return notifications.notify_due()
