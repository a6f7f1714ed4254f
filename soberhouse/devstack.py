"""``./dev run``, ``./dev demo``, ``./dev test``, ``./dev backup`` and ``./dev restore``: bring up
what the app needs, run it, take it all down again.

``run`` migrates, loads the demo into a new, empty database (never over one people use) and runs
the web app (Django's development server), a Celery worker and Celery beat. ``demo --reset``
deletes everything in the database and builds the demo again. ``test`` runs the whole pytest
suite. They use ``DATABASE_URL`` and ``REDIS_URL`` when they are set and otherwise start the
embedded servers (see :mod:`soberhouse.embedded`). On
Ctrl-C, SIGTERM or the death of any part, every process this command started is stopped.
``backup`` and ``restore`` dump the app's database to a file and load one back (see
:mod:`soberhouse.backups`); they need only PostgreSQL.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psutil

from soberhouse import backups
from soberhouse.embedded import (
    ROOT,
    EmbeddedPostgres,
    EmbeddedValkey,
    exit_on_sigterm,
    hold_signals,
    say,
    var_dir,
    wait_for,
)

DEMO_SIGN_INS = """
Soberhouse is running at {url}
  staff      staff@demo.test
  managers   manager.harbor@demo.test, manager.cedar@demo.test
  residents  resident.harbor1@demo.test … resident.harbor8@demo.test (and cedar1 … cedar8)
  password   sober-demo-2026 for every demo account
Email (sign-in codes, invitations, password resets) is written to {mail}/
Press Ctrl-C to stop the app, the worker, beat and the servers it started.
"""


@contextlib.contextmanager
def backing_services(*, broker: bool = True) -> Iterator[None]:
    """Set DATABASE_URL and REDIS_URL for child processes, starting embedded servers if unset
    (the broker only when ``broker`` is true)."""
    started = []
    try:
        if not os.environ.get("DATABASE_URL"):
            say("starting the embedded PostgreSQL under var/pgdata …")
            postgres = EmbeddedPostgres()
            started.append(postgres)
            os.environ["DATABASE_URL"] = postgres.url
        if broker and not os.environ.get("REDIS_URL"):
            say("starting the embedded Valkey (Redis-compatible) broker …")
            valkey = EmbeddedValkey()
            started.append(valkey)
            os.environ["REDIS_URL"] = valkey.url
        yield
    finally:
        hold_signals()
        for server in reversed(started):
            with contextlib.suppress(Exception):
                server.stop()


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603


def _spawn(args: list[str]) -> subprocess.Popen:
    # Each child leads its own process group so that its own children (the reloader's server,
    # Celery's pool) are stopped with it.
    return subprocess.Popen(args, cwd=ROOT, start_new_session=True)  # noqa: S603


def _children_file():
    return var_dir() / "run" / "children.json"


def _stop_leftover_children() -> None:
    """Stop the server, worker and beat of an earlier run that was killed outright (SIGKILL)."""
    record = _children_file()
    if not record.exists():
        return
    for pid in json.loads(record.read_text() or "[]"):
        with contextlib.suppress(psutil.Error, ProcessLookupError):
            process = psutil.Process(pid)
            command = " ".join(process.cmdline())
            if process.cwd() == str(ROOT) and ("runserver" in command or "celery" in command):
                os.killpg(pid, signal.SIGTERM)
    record.unlink(missing_ok=True)


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def run(port: int) -> int:
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SITE_URL", f"http://127.0.0.1:{port}")
    with backing_services():
        _manage("migrate", "--noinput")
        # Only into an empty database: a password or a record someone changed stays as it is.
        _manage("seed_demo", "--if-empty")
        celery = [sys.executable, "-m", "celery", "-A", "soberhouse"]
        schedule = str(var_dir() / "celerybeat-schedule")
        _stop_leftover_children()
        processes = [
            _spawn([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"]),
            _spawn([*celery, "worker", "--loglevel", "info", "--concurrency", "2"]),
            _spawn([*celery, "beat", "--loglevel", "info", "--schedule", schedule]),
        ]
        _children_file().parent.mkdir(exist_ok=True)
        _children_file().write_text(json.dumps([process.pid for process in processes]))
        try:
            url = f"http://127.0.0.1:{port}"
            if wait_for(lambda: _answers(f"{url}/accounts/login/"), timeout=60):
                print(DEMO_SIGN_INS.format(url=url, mail=var_dir() / "mail"), flush=True)
            while all(process.poll() is None for process in processes):
                with contextlib.suppress(subprocess.TimeoutExpired):
                    processes[0].wait(1)
            say("a part of the app stopped; stopping the rest")
            return 1
        except KeyboardInterrupt:
            return 0
        finally:
            hold_signals()
            _stop(processes)
            _children_file().unlink(missing_ok=True)
            say("stopped")


def demo(*, reset: bool) -> int:
    """Build the demo into an empty database, or with ``reset`` into one emptied first."""
    os.environ.setdefault("DEBUG", "true")
    with backing_services(broker=False):
        _manage("migrate", "--noinput")
        try:
            _manage("seed_demo", *(["--reset"] if reset else []))
        except subprocess.CalledProcessError:
            return 1
    return 0


def test(pytest_args: list[str]) -> int:
    # Importing this package set DJANGO_SETTINGS_MODULE for the app; the suite picks its own
    # (pyproject.toml).
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    with backing_services():
        env.update(DATABASE_URL=os.environ["DATABASE_URL"], REDIS_URL=os.environ["REDIS_URL"])
        command = [sys.executable, "-m", "pytest", *pytest_args]
        return subprocess.call(command, cwd=ROOT, env=env)  # noqa: S603


def bench(script: str, args: list[str]) -> int:
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    with backing_services():
        env.update(DATABASE_URL=os.environ["DATABASE_URL"], REDIS_URL=os.environ["REDIS_URL"])
        return subprocess.call([sys.executable, script, *args], cwd=ROOT, env=env)  # noqa: S603


def _default_backup_file() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return var_dir() / "backups" / f"soberhouse-{stamp}.dump"


def _report(done: str, outcome: backups.Outcome) -> None:
    size = (
        f"{outcome.size / 1000:.0f} kB"
        if outcome.size < 1_000_000
        else f"{outcome.size / 1e6:.1f} MB"
    )
    print(f"{done} {outcome.path} ({size}) in {outcome.seconds:.1f} s", flush=True)


def backup(file: str | None) -> int:
    path = Path(file).resolve() if file else _default_backup_file()
    try:
        with backing_services(broker=False):
            outcome = backups.dump(url=os.environ["DATABASE_URL"], path=path)
    except backups.BackupError as error:
        say(f"backup failed: {error}")
        return 1
    _report("backed up the database to", outcome)
    return 0


def restore(file: str, *, replace: bool) -> int:
    path = Path(file).resolve()
    try:
        backups.check_dump_file(path)  # before starting a server for nothing
        with backing_services(broker=False):
            outcome = backups.restore(url=os.environ["DATABASE_URL"], path=path, replace=replace)
    except backups.BackupError as error:
        say(f"restore failed: {error}")
        return 1
    _report("restored the database from", outcome)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="run the app, worker and beat with the demo")
    run_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    demo_parser = commands.add_parser(
        "demo", help="build the demo into an empty database (--reset: delete everything first)"
    )
    demo_parser.add_argument(
        "--reset",
        action="store_true",
        help="delete every account and record in the database, then build the demo again",
    )
    commands.add_parser("test", help="run the whole test suite (extra arguments go to pytest)")
    bench_parser = commands.add_parser("bench", help="run a benchmark script from bench/")
    bench_parser.add_argument("script")
    backup_parser = commands.add_parser(
        "backup", help="dump the database to FILE (default var/backups/soberhouse-<UTC time>.dump)"
    )
    backup_parser.add_argument("file", nargs="?", metavar="FILE")
    restore_parser = commands.add_parser(
        "restore", help="load a dump made by backup into the database"
    )
    restore_parser.add_argument("file", metavar="FILE")
    restore_parser.add_argument(
        "--replace", action="store_true", help="drop and recreate a database that has tables first"
    )
    args, rest = parser.parse_known_args(argv)
    exit_on_sigterm()
    try:
        if args.command == "run":
            return run(args.port)
        if args.command == "bench":
            return bench(args.script, rest)
        if args.command == "demo":
            if rest:
                parser.error(f"unrecognized arguments: {' '.join(rest)}")
            return demo(reset=args.reset)
        if args.command in {"backup", "restore"}:
            if rest:
                parser.error(f"unrecognized arguments: {' '.join(rest)}")
            if args.command == "backup":
                return backup(args.file)
            return restore(args.file, replace=args.replace)
        return test(rest)
    except SystemExit as stop:  # SIGTERM, after the cleanup above has run
        return stop.code if isinstance(stop.code, int) else 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
