"""What the benchmarks share: a large operator built in the throwaway database they run in,
and that database's URL for the processes they start."""

from __future__ import annotations

import io
import time
from urllib.parse import quote


def seed_large_operator(*, houses: int, months: int) -> float:
    """``manage.py seed_bench`` into the current database, quietly; returns its seconds."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(
        "seed_bench", houses=houses, months=months, allow_without_debug=True, stdout=io.StringIO()
    )
    return time.perf_counter() - started


def database_url(db: dict) -> str:
    """The URL of the database ``db`` (a ``DATABASES`` entry), for a child process: gunicorn,
    or a script run again in a fresh process. A Unix socket's folder goes in ``?host=``."""
    auth = quote(db["USER"], safe="") + (
        f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    )
    host, port = db["HOST"] or "", f":{db['PORT']}" if db["PORT"] else ""
    query = {
        key: value for key, value in db["OPTIONS"].items() if key in {"sslmode", "sslrootcert"}
    }
    if host.startswith("/"):  # a Unix socket's folder
        query["host"] = host
        host = ""
    tail = "&".join(f"{key}={quote(str(value), safe='/')}" for key, value in query.items())
    return f"postgresql://{auth}@{host}{port}/{quote(db['NAME'])}" + (f"?{tail}" if tail else "")
