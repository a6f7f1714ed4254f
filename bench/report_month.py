"""The all-houses monthly report on a large operator (``manage.py seed_bench``: 40 houses, 480
beds, 24 months): the page's render time and SQL queries, and the time and peak memory of the
CSV, XLSX and PDF exports.

Run: ./dev bench bench/report_month.py [--houses 40 --months 24 --repeat 3]
It builds its data in a throwaway test database and prints its figures; it asserts nothing.
Each export runs in a fresh process against the same database, so the peak memory printed is
that process's whole peak resident size (Python, Django and WeasyPrint's C libraries included),
as a worker making the file would have.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soberhouse.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bench.throwaway import seed_large_operator  # noqa: E402
from soberhouse.env import database_url  # noqa: E402


def _staff_client():
    from soberhouse.models import User
    from tests.conftest import Client, turn_on_totp  # signs in with the second factor

    staff = User.objects.get(email="staff@bench.test")
    turn_on_totp(staff)
    client = Client()
    client.force_login(staff)
    return client


def _page(client, month) -> tuple[float, int, int]:
    from django.test.utils import CaptureQueriesContext

    client.get(f"/reports/?month={month.key}")  # warm: templates, first connection
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/reports/?month={month.key}")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed, len(queries), len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--houses", type=int, default=40)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--export", help=argparse.SUPPRESS)  # a child process: one file type
    args = parser.parse_args()
    if args.export:
        _export(args.export, args.repeat)
        return

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        seconds = seed_large_operator(houses=args.houses, months=args.months)
        print(f"seed_bench --houses {args.houses} --months {args.months}:")
        print(f"  built in {seconds:.1f} s")
        _counts()
        _measure(args.repeat)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _export(kind: str, repeat: int) -> None:
    """In a fresh process, so that its peak resident size is the export's own: the figures and
    the file, timed (best of ``repeat``), then the process's peak size."""
    from reports import exports, figures
    from reports.forms import latest_month
    from residents.models import House

    houses = list(House.objects.all())
    month = latest_month(houses)
    write = {"csv": exports.to_csv, "xlsx": exports.to_xlsx, "pdf": exports.to_pdf}[kind]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        content = write(figures.build(houses, month))
        times.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(
        f"  {kind.upper()}: {min(times):.2f} s with the figures (best of {repeat}; all: "
        f"{', '.join(f'{t:.2f}' for t in times)}), {len(content) / 1024:.0f} KiB; peak "
        f"memory of the process {peak:.0f} MiB"
    )


def _counts() -> None:
    from chores.models import Assignment
    from meetings.models import Attendance, Meeting, OutsideMeeting
    from peerlog.models import Entry, Pairing
    from residents.models import House, Stay

    for model in (House, Stay, Assignment, Meeting, Attendance, OutsideMeeting, Pairing, Entry):
        print(f"  {model._meta.verbose_name_plural}: {model.objects.count():,}")


def _measure(repeat: int) -> None:
    from reports import figures
    from reports.forms import latest_month
    from residents.models import House

    houses = list(House.objects.all())
    beds = sum(house.beds for house in houses)
    month = latest_month(houses)
    print(f"report: {month.label}, {len(houses)} houses, {beds} beds")

    client = _staff_client()
    pages = [_page(client, month) for _ in range(repeat)]
    best = min(pages)
    print(
        f"  page: {best[0] * 1000:.0f} ms (best of {repeat}; all: "
        f"{', '.join(f'{p[0] * 1000:.0f}' for p in pages)}), {best[1]} queries, "
        f"{best[2] / 1024:.0f} KiB of HTML"
    )
    started = time.perf_counter()
    figures.build(houses, month)
    print(f"  figures alone: {(time.perf_counter() - started) * 1000:.0f} ms")
    url = database_url(connection.settings_dict)
    for name in ("csv", "xlsx", "pdf"):
        child = subprocess.run(  # noqa: S603 - this script, with the same Python
            [sys.executable, __file__, "--export", name, "--repeat", str(repeat)],
            env={**os.environ, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            check=True,
        )
        print(child.stdout.rstrip().splitlines()[-1])


if __name__ == "__main__":
    main()
