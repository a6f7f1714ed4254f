"""What keeping database connections open buys: request times on gunicorn (production settings,
two sync workers) with DATABASE_CONN_MAX_AGE=0 (a new connection for every request) and 60 (one
kept per worker, tested before each request by CONN_HEALTH_CHECKS).

Run: ./dev bench bench/conn_max_age.py [--requests 300]
It builds the demo in a throwaway test database, asks for a resident's Today page and for
/healthz one request at a time, and prints the times; it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soberhouse.settings_test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from soberhouse.env import database_url  # noqa: E402
from tests.appserver import free_port, get, gunicorn, server_env, session_for  # noqa: E402

RESIDENT = "resident.harbor2@demo.test"
PAGES = [("Today (resident)", "/today/"), ("/healthz", "/healthz")]


def _times(port: int, path: str, session: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status = get(port, path, session=session)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    return times


def _line(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return (
        f"  {label:<18} median {statistics.median(times):6.1f} ms   mean "
        f"{statistics.fmean(times):6.1f} ms   p95 {p95:6.1f} ms   ({len(times)} requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("seed_demo", allow_without_debug=True, stdout=io.StringIO())
        url = database_url(connection.settings_dict)
        connection.close()
        print(f"gunicorn, 2 sync workers, DEBUG off, {os.cpu_count()} cores; one request at a time")
        with tempfile.TemporaryDirectory(prefix="soberhouse-conn-") as folder:
            work = Path(folder)
            for age in ("0", "60"):
                port = free_port()
                env = server_env(
                    database_url=url,
                    redis_url=settings.REDIS_URL,
                    port=port,
                    work=work,
                    DATABASE_CONN_MAX_AGE=age,
                )
                session = session_for(env, RESIDENT)
                with gunicorn(env, port, workers=2, log=work / f"gunicorn-{age}.log"):
                    for _, path in PAGES:
                        _times(port, path, session, 20)  # warm: templates, first connections
                    print(f"\nDATABASE_CONN_MAX_AGE={age}")
                    for label, path in PAGES:
                        print(_line(label, _times(port, path, session, args.requests)))
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
