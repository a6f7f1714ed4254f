"""What the benchmarks share: a large operator built in the throwaway database they run in.
(Their child processes reach that database by ``soberhouse.env.database_url``.)"""

from __future__ import annotations

import io
import time


def seed_large_operator(*, houses: int, months: int) -> float:
    """``manage.py seed_bench`` into the current database, quietly; returns its seconds."""
    from django.core.management import call_command

    started = time.perf_counter()
    call_command(
        "seed_bench", houses=houses, months=months, allow_without_debug=True, stdout=io.StringIO()
    )
    return time.perf_counter() - started
