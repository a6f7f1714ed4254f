"""The app under gunicorn in a child process, with production settings (DEBUG off), for the tests
and benchmarks that need a real server: the restart test and the CONN_MAX_AGE benchmark."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from soberhouse.embedded import ROOT

SECRET_KEY = "app-server-child-7Hq2-vX9e-Lr4M-pZ8w-Kc3N-tY6b-Jd1F-sG5h-Wm0Q-aR2u"  # noqa: S105

# Makes a session for one person and prints its key (the last line).
_SESSION_FOR = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from soberhouse.models import User
user = User.objects.get(email={email!r})
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(*, database_url: str, redis_url: str, port: int, work: Path, **extra: str):
    """Production settings on plain http (a proxy would end TLS); static files collected into
    ``work``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "SECRET_KEY", "EMAIL_URL"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.loadsite.settings",
        BENCH_STATIC_ROOT=str(work / "static"),
        DEBUG="false",
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SITE_URL=f"http://127.0.0.1:{port}",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        REQUIRE_MFA="true",
        EMAIL_URL="locmem:",
        DEFAULT_FROM_EMAIL="Soberhouse <houses@example.test>",
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 300) -> str:
    result = subprocess.run(  # noqa: S603 - manage.py with this Python
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def session_for(env: dict[str, str], email: str) -> str:
    """A signed-in session key for ``email`` (no second factor: a resident)."""
    return manage(env, "shell", "-c", _SESSION_FOR.format(email=email)).strip().splitlines()[-1]


def get(port: int, path: str, *, session: str | None = None, timeout: float = 15) -> int | str:
    """The status of one GET, or the error's name when no answer came at all."""
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError as error:
        return type(error).__name__


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, *, workers: int, log: Path) -> Iterator[None]:
    """gunicorn with ``workers`` sync workers (as in docker-compose), stopped on leaving."""
    manage(env, "collectstatic", "--noinput", "--verbosity", "0")
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603 - gunicorn from this Python's environment
            [
                sys.executable,
                "-m",
                "gunicorn",
                "soberhouse.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--no-control-socket",  # one per machine by default; several servers run at once
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while get(port, "/accounts/login/", timeout=2) != 200:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
