"""Scheduled chore work. Each task is idempotent and safe to run in two workers at once."""

from __future__ import annotations

from celery import shared_task

from chores.generation import assignments_generate
from chores.notifications import digests_create
from chores.services import chores_mark_missed
from residents.models import House


@shared_task(name="chores.generate_assignments")
def generate_assignments() -> int:
    """Keep every house's next seven days of chores assigned (in each house's own zone).
    Run hourly, so each house's new day is filled soon after its midnight."""
    return sum(
        assignments_generate(house)
        for house in House.objects.filter(chores__active=True).distinct()
    )


@shared_task(name="chores.mark_missed")
def mark_missed() -> int:
    """Mark chores missed once their due time and grace period have passed."""
    return chores_mark_missed()


@shared_task(name="chores.notify_due")
def notify_due() -> int:
    """Write each resident's morning digest once their house's clock reaches its digest hour.
    Idempotent by the outbox's unique key, so a second or overlapping run writes nothing more.
    (Missed chores, checks and swaps are notified by their services, in their own transaction.)"""
    return digests_create()
