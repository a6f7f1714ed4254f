"""The tools the tests take from npm (package.json at the root): axe-core, the Nu HTML checker,
and the parsers other programs use (ical.js, postal-mime), run by scripts with node. They are
installed with ``npm ci`` when missing; without node and npm the tests that need them skip,
except in CI, where they fail."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"


def unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def npm_file(path: str) -> Path:
    """``node_modules/<path>``, installed with ``npm ci`` (package.json) when it is missing.
    Without it the test skips, except in CI, where it fails."""
    wanted = ROOT / "node_modules" / path
    if not wanted.exists() and shutil.which("npm"):
        subprocess.run(  # noqa: S603
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    if not wanted.exists():
        unavailable(f"{wanted} is not installed; run npm ci.")
    return wanted


def run(script: str, stdin: bytes, *, package: str) -> Any:
    """Run ``tests/<script>`` with node on ``stdin`` and return the JSON it prints. ``package``
    is the npm package it needs, installed with ``npm ci`` when missing."""
    node = shutil.which("node")
    if node is None:
        unavailable("node is not installed; the parsers from npm need it.")
    npm_file(package)
    done = subprocess.run(  # noqa: S603 - our own script
        [node, str(TESTS / script)], input=stdin, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)
