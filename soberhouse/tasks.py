from __future__ import annotations

from celery import shared_task


@shared_task(name="soberhouse.tasks.heartbeat")
def heartbeat() -> str:
    """Sent by beat every minute; its only effect is that beat's schedule file is fresh."""
    return "ok"
