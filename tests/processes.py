"""Run ``manage.py`` in a child process with an environment of the test's choosing."""

from __future__ import annotations

import subprocess
import sys

from soberhouse.embedded import ROOT


def manage(*args: str, env: dict[str, str], timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
