"""Generating a week of chore assignments for a large operator: time, peak memory, SQL queries.

Run: ./dev bench bench/chores_generation.py [--houses 40 --chores 15 --residents 12]
It builds its data in a throwaway test database and prints its figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soberhouse.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

START = dt.date(2026, 12, 7)


def build(houses: int, chores: int, residents: int) -> list:
    from chores.models import Chore, HouseChoreSettings
    from residents.models import House, Resident, Stay
    from soberhouse.models import User

    made = []
    for h in range(houses):
        house = House.objects.create(name=f"House {h}", slug=f"house-{h}", beds=residents + 2)
        HouseChoreSettings.objects.create(house=house)
        users = User.objects.bulk_create(
            User(email=f"r{h}-{r}@bench.test", full_name=f"Resident {h}-{r}")
            for r in range(residents)
        )
        people = Resident.objects.bulk_create(
            Resident(user=user, legal_name=user.full_name) for user in users
        )
        Stay.objects.bulk_create(
            Stay(resident=person, house=house, move_in=START - dt.timedelta(days=90))
            for person in people
        )
        Chore.objects.bulk_create(
            Chore(
                house=house,
                name=f"Chore {c}",
                points=c % 5 + 1,
                schedule="daily" if c % 3 else "weekdays",
                weekdays=[0, 2, 4],
            )
            for c in range(chores)
        )
        made.append(house)
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--houses", type=int, default=40)
    parser.add_argument("--chores", type=int, default=15)
    parser.add_argument("--residents", type=int, default=12)
    args = parser.parse_args()

    from chores.generation import assignments_generate
    from chores.models import Assignment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        houses = build(args.houses, args.chores, args.residents)
        tracemalloc.start()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            created = sum(assignments_generate(house, start=START) for house in houses)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows = Assignment.objects.count()
        print(f"houses={args.houses} chores={args.chores} residents={args.residents}")
        print(f"assignments created: {created} (rows in table: {rows})")
        print(f"time: {elapsed:.2f} s ({elapsed / args.houses * 1000:.1f} ms per house)")
        print(f"peak Python memory: {peak / 1024 / 1024:.1f} MiB")
        print(
            f"SQL queries: {len(queries)} ({len(queries) / args.houses:.1f} per house, "
            f"{len(queries) / max(created, 1):.4f} per assignment)"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
