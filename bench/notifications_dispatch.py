"""Dispatching 10,000 due notifications from the outbox by one worker: time, notifications per
second and SQL queries per notification, for several batch sizes.

Run: ./dev bench bench/notifications_dispatch.py [--notifications 10000 --sizes 10 100 1000]
Email goes to Django's in-memory (locmem) backend. It builds its data in a throwaway test database
and prints its figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soberhouse.settings_test")

import django  # noqa: E402

django.setup()

from django.core import mail  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PEOPLE = 100


def build(notifications: int) -> None:
    """``notifications`` email rows due a minute ago, spread over ``PEOPLE`` people."""
    from soberhouse.models import Notification, User

    Notification.objects.all().delete()
    User.objects.filter(email__endswith="@bench.test").delete()
    people = User.objects.bulk_create(
        User(email=f"person{n}@bench.test", full_name=f"Person {n}") for n in range(PEOPLE)
    )
    due = timezone.now() - dt.timedelta(minutes=1)
    Notification.objects.bulk_create(
        (
            Notification(
                recipient=people[n % PEOPLE],
                kind="chores_today",
                about_type="soberhouse.user",
                about_id=str(people[n % PEOPLE].pk),
                occurrence=f"bench-{n}",
                channel="email",
                subject="You have 1 chore today",
                text="Your chores for today are waiting.",
                url="/today/",
                due_at=due,
                send_after=due,
            )
            for n in range(notifications)
        ),
        batch_size=2000,
    )


def run(size: int) -> tuple[int, float, int]:
    """Dispatch every due row in batches of ``size``: (sent, seconds, queries)."""
    from soberhouse.outbox import dispatch

    mail.outbox = []
    sent = 0
    started = time.perf_counter()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # Counted by a wrapper, not CaptureQueriesContext, whose log keeps only the last 9,000.
    with connection.execute_wrapper(count):
        while (batch := dispatch(size=size)).claimed:
            sent += batch.sent
    return sent, time.perf_counter() - started, queries


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    args = parser.parse_args()

    from soberhouse.models import Notification, User

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"notifications={args.notifications} people={PEOPLE} email=locmem")
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for size in args.sizes:
                build(args.notifications)
                sent, elapsed, queries = run(size)
                print(
                    f"batch {size:>5}: {sent} sent ({len(mail.outbox)} emails) in {elapsed:.2f} s"
                    f" = {sent / elapsed:,.0f}/s; {queries} SQL queries ="
                    f" {queries / max(sent, 1):.3f} per notification"
                )
    finally:
        Notification.objects.all().delete()
        User.objects.filter(email__endswith="@bench.test").delete()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
