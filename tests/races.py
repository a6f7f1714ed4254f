"""Running two writes at the same instant in real PostgreSQL transactions, for the tests of what
happens when two people (or a person and a task) act at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction


@dataclass
class Outcome:
    """What one of the racing calls returned, or the exception it raised."""

    value: Any = None
    error: BaseException | None = None


def at_once(*calls: Callable[[], Any], timeout: float = 30) -> list[Outcome]:
    """Run each call in its own thread and connection, all released by one barrier so that
    their transactions overlap; each thread closes its connection. Returns their outcomes in
    the order of ``calls``."""
    barrier = threading.Barrier(len(calls))
    outcomes = [Outcome() for _ in calls]

    def run(call: Callable[[], Any], outcome: Outcome) -> None:
        try:
            barrier.wait(timeout)
            outcome.value = call()
        except BaseException as error:  # noqa: BLE001 - the test reads it
            outcome.error = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(call, outcome))
        for call, outcome in zip(calls, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call never finished"
    return outcomes


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _waits_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [pid]
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def while_holding(
    first: Callable[[], Any], second: Callable[[], Any], *, timeout: float = 30
) -> tuple[Outcome, Outcome]:
    """Run ``first`` in a transaction left open until ``second``, in another thread, has either
    finished or is waiting for a lock ``first`` holds; then commit ``first``. The interleaving
    the two would meet if ``second`` came a moment after ``first`` began: without a lock,
    ``second`` goes ahead on what it read before ``first`` committed."""
    held, release = threading.Event(), threading.Event()
    pid: list[int] = []
    outcomes = (Outcome(), Outcome())

    def hold() -> None:
        try:
            with transaction.atomic():
                outcomes[0].value = first()
                held.set()
                release.wait(timeout)
        except BaseException as error:  # noqa: BLE001 - the test reads it
            outcomes[0].error = error
        finally:
            held.set()
            connection.close()

    def follow() -> None:
        try:
            held.wait(timeout)
            pid.append(_backend_pid())
            outcomes[1].value = second()
        except BaseException as error:  # noqa: BLE001 - the test reads it
            outcomes[1].error = error
        finally:
            connection.close()

    holder, follower = threading.Thread(target=hold), threading.Thread(target=follow)
    holder.start()
    follower.start()
    deadline = time.monotonic() + timeout
    try:
        while follower.is_alive() and time.monotonic() < deadline:
            if pid and _waits_for_a_lock(pid[0]):
                break
            time.sleep(0.005)
    finally:
        release.set()
    holder.join(timeout)
    follower.join(timeout)
    assert not holder.is_alive() and not follower.is_alive(), "a call never finished"
    return outcomes
