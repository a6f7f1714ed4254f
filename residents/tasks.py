from __future__ import annotations

from celery import shared_task

from residents.notifications import milestones_notify


@shared_task(name="residents.notify_milestones")
def notify_milestones() -> int:
    """Milestone notifications that are due in each house's zone (idempotent: the outbox's key).
    Run hourly, so the 09:00 and 18:00 local moments are met within the hour."""
    return milestones_notify()
