from __future__ import annotations

import time

from celery import shared_task

from soberhouse.outbox import dispatch


@shared_task(name="soberhouse.tasks.heartbeat")
def heartbeat() -> str:
    """Sent by beat every minute; its only effect is that beat's schedule file is fresh."""
    return "ok"


# A run of the dispatcher stops taking new batches after this long, before beat sends the next.
DISPATCH_SECONDS = 50


@shared_task(name="soberhouse.tasks.dispatch_notifications")
def dispatch_notifications() -> int:
    """Deliver the notifications that are due, a batch at a time, for at most 50 seconds. Beat
    sends it every minute; several at once share the work (see ``soberhouse.outbox``). Returns
    how many rows it handled."""
    started, handled = time.monotonic(), 0
    while time.monotonic() - started < DISPATCH_SECONDS:
        batch = dispatch().claimed
        handled += batch
        if not batch:
            break
    return handled
