"""Scripts run with node that read our files with parsers other programs use (ical.js,
postal-mime, from npm: package.json at the root). The packages are installed with ``npm ci`` when
missing; without node and npm the tests that need them skip, except in CI, where they fail."""

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


def _unavailable(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def run(script: str, stdin: bytes, *, package: str) -> Any:
    """Run ``tests/<script>`` with node on ``stdin`` and return the JSON it prints. ``package``
    is the npm package it needs, installed with ``npm ci`` when missing."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed; the parsers from npm need it.")
    if not (ROOT / "node_modules" / package).exists() and shutil.which("npm"):
        subprocess.run(  # noqa: S603
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund"],  # noqa: S607
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    if not (ROOT / "node_modules" / package).exists():
        _unavailable(f"{package} is not installed in node_modules; run npm ci.")
    done = subprocess.run(  # noqa: S603 - our own script
        [node, str(TESTS / script)], input=stdin, capture_output=True, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)
