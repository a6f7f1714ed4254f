"""Scheduled peer-mentoring work. Idempotent and safe to run in two workers at once."""

from __future__ import annotations

from celery import shared_task

from peerlog import notifications


@shared_task(name="peerlog.notify_due")
def notify_due() -> int:
    """Each mentor told of each mentee overdue for contact, once per overdue stretch (the day it
    began is the outbox row's occurrence). Returns how many rows it wrote."""
    return notifications.notify_due()
