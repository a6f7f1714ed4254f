"""``manage.py healthcheck web|worker|beat``: the container health checks of docker-compose.yml.

Exits 0 when the process is healthy and 1 when it is not, after printing one line saying why (Docker
keeps that line in ``docker inspect``). Each check runs inside the container it judges:

- ``web`` asks this container's gunicorn for ``/healthz`` (which itself asks the database and the
  broker);
- ``worker`` broadcasts a Celery ping and wants an answer from the worker on this host;
- ``beat`` wants beat's schedule file to have been written lately: beat writes it after every task
  it sends (``CELERY_BEAT_SYNC_EVERY = 1``) and sends the heartbeat every minute.
"""

from __future__ import annotations

import os
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandParser

DEFAULT_URL = "http://127.0.0.1:8000/healthz"
DEFAULT_SCHEDULE = "/tmp/celerybeat-schedule"  # noqa: S108 - beat's --schedule in docker-compose.yml
# Python's dbm modules may store the shelve under the given name or add one of these suffixes
# (the same list Celery's PersistentScheduler removes).
SCHEDULE_SUFFIXES = ("", ".db", ".dat", ".dir", ".bak")


@dataclass(frozen=True)
class Health:
    healthy: bool
    reason: str


class Command(BaseCommand):
    help = "Exit 0 if this container's web, worker or beat process is healthy, 1 if not."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("process", choices=["web", "worker", "beat"])
        parser.add_argument(
            "--url", default=DEFAULT_URL, help=f"web: the health URL (default {DEFAULT_URL})."
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=5.0,
            help="web and worker: seconds to wait for an answer (default 5).",
        )
        parser.add_argument(
            "--any",
            action="store_true",
            dest="any_worker",
            help="worker: any worker's answer will do, not only this host's.",
        )
        parser.add_argument(
            "--schedule",
            default=DEFAULT_SCHEDULE,
            help=f"beat: the schedule file given to beat (default {DEFAULT_SCHEDULE}).",
        )
        parser.add_argument(
            "--max-age",
            type=int,
            default=300,
            help="beat: seconds since the schedule file was last written (default 300).",
        )

    def handle(self, *args, **options) -> None:
        process = options["process"]
        if process == "web":
            health = self.check_web(options["url"], timeout=options["timeout"])
        elif process == "worker":
            health = self.check_worker(timeout=options["timeout"], any_worker=options["any_worker"])
        else:
            health = self.check_beat(options["schedule"], max_age=options["max_age"])
        if health.healthy:
            self.stdout.write(f"{process}: healthy: {health.reason}")
            return
        self.stderr.write(f"{process}: unhealthy: {health.reason}")
        raise SystemExit(1)

    def check_web(self, url: str, *, timeout: float) -> Health:
        if urlsplit(url).scheme not in {"http", "https"}:
            return Health(False, f"{url} is not an http:// or https:// address")
        # The Host header must pass ALLOWED_HOSTS, whatever public name the site has.
        request = urllib.request.Request(url, headers={"Host": "localhost"})  # noqa: S310
        # No proxy: an HTTP_PROXY in the container's environment must not carry a loopback request.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=timeout) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (OSError, ValueError) as error:
            return Health(False, f"{url} did not answer ({error})")
        if status == 200:
            return Health(True, f"{url} answered 200")
        return Health(False, f"{url} answered {status}")

    def check_worker(self, *, timeout: float, any_worker: bool = False) -> Health:
        from soberhouse.celery import app as celery_app

        try:
            replies = celery_app.control.ping(timeout=timeout)
        except Exception as error:  # noqa: BLE001 - a broker that fails in any way is unhealthy
            return Health(False, f"the broker did not take the ping ({error})")
        names = self._replying_workers(replies)
        host = socket.gethostname()
        ours = names if any_worker else [name for name in names if self._is_on_host(name, host)]
        if ours:
            return Health(True, f"{', '.join(sorted(ours))} answered the ping")
        if names:
            return Health(False, f"no worker on {host} answered; only {', '.join(sorted(names))}")
        return Health(False, f"no worker answered the ping within {timeout:g}s")

    def check_beat(self, schedule: str, *, max_age: int, now: float | None = None) -> Health:
        written = self._schedule_written_at(schedule)
        if written is None:
            return Health(False, f"no schedule file at {schedule}")
        age = (time.time() if now is None else now) - written
        if age > max_age:
            return Health(False, f"{schedule} was last written {age:.0f}s ago (over {max_age}s)")
        return Health(True, f"{schedule} was written {max(age, 0):.0f}s ago")

    @staticmethod
    def _replying_workers(replies: list[dict] | None) -> list[str]:
        """Node names (``celery@host``) in a ``control.ping`` answer."""
        return [name for reply in replies or [] for name in reply]

    @staticmethod
    def _is_on_host(node_name: str, host: str) -> bool:
        return node_name.partition("@")[2] == host

    @staticmethod
    def _schedule_written_at(schedule: str) -> float | None:
        """The newest modification time among the schedule's files, or None if there are none."""
        times = []
        for suffix in SCHEDULE_SUFFIXES:
            # dbm.dumb replaces its files as it writes, so one may vanish between two looks.
            try:
                times.append(os.stat(schedule + suffix).st_mtime)
            except OSError:
                continue
        return max(times, default=None)
