"""Settings for the load test (bench/load.py): the app's own settings from the environment, with
a URL map that adds one minimal page to measure the app against."""

import os

from soberhouse.settings import *  # noqa: F403
from soberhouse.settings import STATIC_ROOT

ROOT_URLCONF = "bench.loadsite.urls"
# The load test collects the static files into a folder of its own, not var/static.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT
