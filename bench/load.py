"""Proof under load: residents and managers on gunicorn against a large operator's data
(``manage.py seed_bench``), next to the same number of users on a minimal Django page.

Run: ./dev bench bench/load.py [--users 200 --managers 20 --seconds 60 --workers N]

It builds the data in a throwaway database, makes ready sessions (sign-in is rate limited and
is not what is measured; managers' sessions carry the second factor), collects the static
files, starts gunicorn with production settings (DEBUG off) plus one bench-only page
(``bench/loadsite/``), and drives it with locust, headless, in three phases of the same length:

  A  the mix: residents open Today, tick a chore done (or undo the tick), open Today again,
     open their outside meetings and log one; managers open their house's dashboard, the
     rotation preview and a house meeting;
  B  Today alone: the same number of residents opening Today;
  C  minimal: the same number of users on ``/bench/minimal/`` (one indexed query, no session).

By default every user runs closed loop with no think time (a request as soon as the last one
answers), so each phase shows how much the server serves at most and the phases' throughputs
compare: that is the run for the ratio. With ``--think S`` each person waits between S/2 and 3S/2
seconds (S on average) after every answer, as people pause between taps: that is the run for the
response times people would see (the goal's p95). A failure is any
answer that is not the one asked for: another status (a redirect to sign-in included), a page
without its heading, a tick that did not go through, a meeting that was not logged.
It prints figures and asserts nothing. gunicorn and the database are gone at the end, also on an
error or Ctrl-C (the work runs in a process of its own, which ``./dev``'s quick stop on Ctrl-C
does not cut short; when ``./dev`` had started PostgreSQL itself and stops it at once, the
database is left behind and the next run replaces it).

The load generator runs on the same machine as gunicorn and PostgreSQL and takes a share of the
same cores; the figures say how much.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEST_DATABASE = "test_soberhouse_load"  # not the test suite's, which may be in use meanwhile
HX = {"HX-Request": "true"}

# What each page must contain to count as the page asked for.
TODAY = "<h1>Today</h1>"
OUTSIDE = "<h1>Outside meetings</h1>"
DASHBOARD = 'id="roster-title"'
ROTATION = "<h1>Rotation: the next two weeks</h1>"
MEETING = "<h1>House meeting</h1>"
DAY_FIELD = re.compile(r'name="day" value="(\d{4}-\d{2}-\d{2})"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200, help="residents in phase A")
    parser.add_argument("--managers", type=int, default=20, help="managers in phase A")
    parser.add_argument("--seconds", type=int, default=60, help="length of each phase")
    parser.add_argument(
        "--warmup", type=int, default=10, help="seconds each phase runs before it counts"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * (os.cpu_count() or 1) + 1, help="gunicorn workers"
    )
    parser.add_argument("--houses", type=int, default=40)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument(
        "--think", type=float, default=0.0, help="average seconds a person waits between requests"
    )
    # The two kinds of child process: the work itself, and locust driving one phase.
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--plan", help=argparse.SUPPRESS)
    parser.add_argument("--host", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        _drive(args)
        return 0
    if args.inner:
        return _inner(args)
    return _outer()


# The process the command started ------------------------------------------------------------


def _outer() -> int:
    """Run the work in a process of its own session: on Ctrl-C ``./dev`` gives this one a
    quarter of a second before killing it, too short to stop gunicorn and drop the database.
    The inner process notices that this one has gone and cleans up by itself."""
    inner = subprocess.Popen(  # noqa: S603 - this script, with the same Python
        [sys.executable, __file__, "--inner", *sys.argv[1:]], cwd=ROOT, start_new_session=True
    )
    try:
        return inner.wait()
    except KeyboardInterrupt:
        inner.send_signal(signal.SIGINT)
        with contextlib.suppress(KeyboardInterrupt):
            inner.wait()
        return 130


def _watch_parent() -> None:
    """Interrupt this process when the one that started it is gone (Ctrl-C there)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGINT)

    import threading

    threading.Thread(target=watch, daemon=True).start()


# The work: data, sessions, gunicorn, the phases, the figures -------------------------------------


def _inner(args) -> int:
    # Ctrl-C, SIGTERM and the end of the parent all stop the run the same way (and a shell's
    # background job starts with SIGINT ignored).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    _watch_parent()
    # The sessions made here are read by gunicorn: both sign with the same key.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soberhouse.settings_test")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    from django.db import connection
    from django.test.utils import setup_test_environment

    from bench.throwaway import seed_large_operator
    from soberhouse.env import database_url

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = TEST_DATABASE
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    work = Path(tempfile.mkdtemp(prefix="soberhouse-load-"))
    children: list[subprocess.Popen] = []
    stack = contextlib.ExitStack()
    try:
        seconds = seed_large_operator(houses=args.houses, months=args.months)
        print(
            f"seed_bench --houses {args.houses} --months {args.months}: built in {seconds:.0f} s",
            flush=True,
        )
        # Phase B's residents are as many as phase A's people.
        plan = _plan(residents=args.users + args.managers, managers=args.managers)
        print(
            f"sessions: {len(plan['residents'])} residents living in a house now, each with a "
            f"chore to tick ({', '.join(f'{n} {kind}' for kind, n in plan['chores'].items())}); "
            f"{len(plan['managers'])} managers with two-factor",
            flush=True,
        )
        _page_costs(plan)
        plan_file = work / "plan.json"
        plan_file.write_text(json.dumps(plan))
        plan_file.chmod(0o600)  # session keys

        port = _free_port()
        host = f"http://127.0.0.1:{port}"
        env = _server_env(host, database_url(connection.settings_dict), work / "static")
        connection.close()  # gunicorn's workers hold their own
        subprocess.run(  # noqa: S603 - manage.py with the same Python
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        log = stack.enter_context((work / "gunicorn.log").open("w"))
        _gunicorn(env, port, args.workers, children, log)
        print(
            f"gunicorn: {args.workers} sync workers on {host}, DEBUG off, "
            f"{os.cpu_count()} cores; "
            + (
                f"think time {args.think / 2:g} to {args.think * 3 / 2:g} s after each answer"
                if args.think
                else "no think time (closed loop)"
            ),
            flush=True,
        )
        users = args.users + args.managers
        phases = [
            ("A", f"the mix: {args.users} residents and {args.managers} managers", "mix", users),
            ("B", f"Today alone: {users} residents", "today", users),
            ("C", f"minimal: {users} users on /bench/minimal/", "minimal", users),
        ]
        results = {}
        for letter, title, phase, count in phases:
            print(f"\nphase {letter}, {title}, {args.seconds} s after {args.warmup} s warm-up")
            result = _phase(args, phase, count, plan_file, host, work, children)
            _print_phase(result)
            results[phase] = result
        _print_goals(results, think=args.think)
        _print_app_errors(work / "gunicorn.log")
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted: stopping gunicorn and dropping the database", flush=True)
        return 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for child in reversed(children):
            _stop(child)
        stack.close()
        shutil.rmtree(work, ignore_errors=True)
        try:
            connection.close()
            connection.creation.destroy_test_db(old_name, verbosity=0)
        except Exception as error:  # noqa: BLE001 - the server may be stopping too
            print(f"the database {TEST_DATABASE} was not dropped ({error}); the next run will")


def _plan(*, residents: int, managers: int) -> dict:
    """Who the simulated people are: their session keys, CSRF secrets, and what they act on."""
    from django.conf import settings
    from django.middleware.csrf import _get_new_csrf_string

    from chores.models import Assignment
    from chores.selectors import MISSED_SHOWN_DAYS
    from chores.services import OPEN
    from meetings.models import Meeting
    from residents.models import House, Stay
    from soberhouse.models import User
    from tests.conftest import Client, turn_on_totp  # records the second factor in the session

    def session(user) -> dict:
        client = Client()
        client.force_login(user)
        return {
            "email": user.email,
            "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "csrf": _get_new_csrf_string(),
        }

    # Residents living in a house now, taken from each house in turn, each with a chore to
    # tick: one open today if they have it, else one missed in the days their chores page
    # shows, else one of the coming days (ticked early).
    by_house: dict[int, list] = {}
    kinds: Counter[str] = Counter()
    stays = Stay.objects.current().select_related("house", "resident__user")
    for stay in stays.order_by("house__slug", "resident__user__email"):
        today = stay.house.today()
        candidates = Assignment.objects.filter(
            resident_id=stay.resident_id,
            house_id=stay.house_id,
            status__in=[*OPEN, Assignment.Status.MISSED],
            day__gte=today - dt.timedelta(days=MISSED_SHOWN_DAYS),
            day__lte=today + dt.timedelta(days=6),
        )
        ranked = sorted(
            candidates,
            key=lambda a: (a.day != today, a.day > today, abs((a.day - today).days), a.due_at),
        )
        if ranked:
            chore = ranked[0]
            kind = "today" if chore.day == today else "missed" if chore.day < today else "ahead"
            by_house.setdefault(stay.house_id, []).append((stay, chore, kind))
    chosen = []
    while len(chosen) < residents and any(by_house.values()):
        for queue in by_house.values():
            if queue and len(chosen) < residents:
                chosen.append(queue.pop(0))
                kinds[chosen[-1][2]] += 1
    if len(chosen) < residents:
        raise SystemExit(f"Only {len(chosen)} residents have a chore to tick; asked {residents}.")

    people = {"residents": [], "managers": []}
    for stay, assignment, _ in chosen:
        people["residents"].append({**session(stay.resident.user), "assignment": assignment.pk})
    for house in House.objects.order_by("slug")[:managers]:
        user = User.objects.get(email=f"bench.h{house.slug.split('-')[1]}.manager@bench.test")
        turn_on_totp(user)
        meetings = Meeting.objects.filter(house=house)
        meeting = (
            meetings.filter(status=Meeting.Status.SCHEDULED).order_by("starts_at").first()
            or meetings.order_by("-starts_at").first()
        )
        people["managers"].append({**session(user), "slug": house.slug, "meeting": meeting.pk})
    if len(people["managers"]) < managers:
        raise SystemExit(f"Only {len(people['managers'])} houses have a manager.")
    people["chores"] = dict(kinds)
    people["cookies"] = {"session": settings.SESSION_COOKIE_NAME, "csrf": settings.CSRF_COOKIE_NAME}
    first = House.objects.order_by("slug").first()
    people["minimal_slug"], people["minimal_name"] = first.slug, first.name
    return people


def _page_costs(plan: dict) -> None:
    """Each page once in this process, after a first call to warm it: its SQL queries and time,
    which say where a slow page's time goes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from soberhouse.models import User
    from tests.conftest import Client

    resident = Client()
    resident.force_login(User.objects.get(email=plan["residents"][0]["email"]))
    manager = Client()
    manager.force_login(User.objects.get(email=plan["managers"][0]["email"]))
    slug, meeting = plan["managers"][0]["slug"], plan["managers"][0]["meeting"]
    pages = [
        (resident, "/today/"),
        (resident, "/meetings/outside/"),
        (manager, f"/houses/{slug}/"),
        (manager, f"/houses/{slug}/chores/rotation/"),
        (manager, f"/meetings/{meeting}/"),
        (Client(), f"/bench/minimal/?slug={plan['minimal_slug']}"),
    ]
    print("each page alone, in-process (queries, best of 3):")
    with override_settings(ROOT_URLCONF="bench.loadsite.urls"):
        for client, url in pages:
            client.get(url)
            times = []
            for _ in range(3):
                started = time.perf_counter()
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                times.append(time.perf_counter() - started)
            status = "" if response.status_code == 200 else f"  (answered {response.status_code})"
            best = min(times) * 1000
            print(f"  {_label(url):<34} {len(queries):>3} queries {best:>6.0f} ms{status}")


def _label(url: str) -> str:
    """A URL with its ids and slugs as placeholders, as the figures group them."""
    url = url.split("?")[0]
    url = re.sub(r"/houses/[^/]+/", "/houses/<slug>/", url)
    return re.sub(r"/\d+/", "/<id>/", url)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _server_env(host: str, database_url: str, static: Path) -> dict[str, str]:
    """Production settings (DEBUG off, two-factor required, Secure cookies) on plain http: the
    load sends its cookies itself. No redirect to https, which a proxy would end here."""
    env = {**os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="bench.loadsite.settings",
        DEBUG="false",
        DATABASE_URL=database_url,
        SITE_URL=host,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        REQUIRE_MFA="true",
        EMAIL_URL="locmem:",
        DEFAULT_FROM_EMAIL="Soberhouse <houses@bench.test>",
        LOG_LEVEL="WARNING",
        BENCH_STATIC_ROOT=str(static),
    )
    return env


def _gunicorn(env: dict[str, str], port: int, workers: int, children: list, log) -> None:
    """Start gunicorn, its output to ``log`` (the app's errors are read from there)."""
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
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    children.append(server)
    url = f"http://127.0.0.1:{port}/bench/minimal/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.flush()
            raise RuntimeError(
                f"gunicorn stopped at start (exit code {server.returncode}):\n"
                + Path(log.name).read_text()[-3000:]
            )
        if _answers(url):
            return
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _answers(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local http
            return response.status == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _phase(args, phase: str, users: int, plan: Path, host: str, work: Path, children) -> dict:
    """One phase in a locust process of its own (gevent patches the whole process)."""
    out = work / f"{phase}.json"
    before, started = _cpu_by_part(children[0]), time.perf_counter()
    child = subprocess.Popen(  # noqa: S603 - this script, with the same Python
        [
            sys.executable,
            __file__,
            "--phase",
            phase,
            "--users",
            str(users),
            "--managers",
            str(args.managers if phase == "mix" else 0),
            "--seconds",
            str(args.seconds),
            "--warmup",
            str(args.warmup),
            "--think",
            str(args.think),
            "--plan",
            str(plan),
            "--host",
            host,
            "--out",
            str(out),
        ],
        cwd=ROOT,
        start_new_session=True,
    )
    children.append(child)
    child.wait()
    children.remove(child)
    if child.returncode != 0:
        raise RuntimeError(f"the load of phase {phase} failed (exit code {child.returncode})")
    after, elapsed = _cpu_by_part(children[0]), time.perf_counter() - started
    result = json.loads(out.read_text())
    used: Counter[str] = Counter()
    for (part, pid), seconds in after.items():
        used[part] += max(seconds - before.get((part, pid), 0.0), 0.0)
    result["cores"] = {
        part: used[part] / elapsed for part in ("gunicorn", "postgres", "generator", "machine")
    }
    return result


def _cpu_by_part(server: subprocess.Popen) -> dict[tuple[str, int], float]:
    """CPU seconds used so far, by part and process: gunicorn's, the PostgreSQL processes
    serving the throwaway database, the load generator (this process's finished children) and
    the whole machine. A database process that ends meanwhile (gunicorn reconnects after
    CONN_MAX_AGE) takes its share along, so PostgreSQL's figure is a floor."""
    import psutil

    def seconds(times) -> float:
        return times.user + times.system

    used: dict[tuple[str, int], float] = {}
    with contextlib.suppress(psutil.Error):
        master = psutil.Process(server.pid)
        for process in [master, *master.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                used["gunicorn", process.pid] = seconds(process.cpu_times())
    for process in psutil.process_iter(["cmdline"]):
        with contextlib.suppress(psutil.Error):
            title = " ".join(process.info["cmdline"] or [])
            if title.startswith("postgres:") and f" {TEST_DATABASE} " in title:
                used["postgres", process.pid] = seconds(process.cpu_times())
    finished = resource.getrusage(resource.RUSAGE_CHILDREN)
    used["generator", 0] = finished.ru_utime + finished.ru_stime
    machine = psutil.cpu_times()
    used["machine", 0] = sum(
        getattr(machine, name, 0.0)
        for name in ("user", "nice", "system", "irq", "softirq", "steal")
    )
    return used


def _print_phase(result: dict) -> None:
    header = f"  {'endpoint':<36} {'requests':>8} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    print(f"{header} {'failures':>8}   (times in ms)")
    for row in [*result["endpoints"], result["total"]]:
        print(
            f"  {row['name']:<36} {row['requests']:>8} {row['rps']:>7.1f} {row['p50']:>6.0f} "
            f"{row['p95']:>6.0f} {row['p99']:>6.0f} {row['failures']:>8}"
        )
    for error in result["errors"][:8]:
        print(f"  failed {error['occurrences']}×: {error['name']}: {error['error'][:160]}")
    cores = result["cores"]
    rest = cores["machine"] - cores["gunicorn"] - cores["postgres"] - cores["generator"]
    print(
        f"  counted over {result['seconds']:.1f} s. Cores busy over the phase (of "
        f"{os.cpu_count()}): gunicorn {cores['gunicorn']:.2f}, PostgreSQL "
        f"{cores['postgres']:.2f}, load generator {cores['generator']:.2f}, anything else "
        f"{max(rest, 0):.2f}"
    )


def _print_app_errors(log: Path) -> None:
    """What the app itself logged as errors during the run (a 500's traceback), if anything."""
    lines = log.read_text().splitlines()
    errors = [line for line in lines if " ERROR " in line]
    if errors:
        print(f"\nthe app logged {len(errors)} errors; the first:")
        first = lines.index(errors[0])
        print("\n".join(lines[first : first + 30]))


def _print_goals(results: dict, *, think: float) -> None:
    mix, today, minimal = results["mix"], results["today"], results["minimal"]
    errors = sum(result["total"]["failures"] for result in results.values())
    p95 = mix["total"]["p95"]
    today_alone = today["total"]["rps"]
    today_in_mix = next(row["rps"] for row in mix["endpoints"] if row["name"] == "GET /today/")
    ratio = today_alone / minimal["total"]["rps"] if minimal["total"]["rps"] else 0.0
    slow = [row["name"] for row in mix["endpoints"] if row["p95"] >= 300]

    def verdict(met: bool) -> str:
        return "met" if met else "MISSED"

    print("\ngoals")
    print(f"  zero errors (all phases): {errors} failed requests: {verdict(errors == 0)}")
    print(f"  p95 under 300 ms (the mix, all requests): {p95:.0f} ms: {verdict(p95 < 300)}")
    if slow:
        print(f"    at or over 300 ms at p95: {', '.join(slow)}")
    if think:
        print(
            "  Today's throughput against the minimal view's: measured closed loop only (run "
            "without --think); here each phase served what its people asked for"
        )
        return
    print(
        f"  Today's throughput at least half the minimal view's: Today alone "
        f"{today_alone:.1f} req/s ÷ minimal {minimal['total']['rps']:.1f} req/s = {ratio:.2f}: "
        f"{verdict(ratio >= 0.5)}"
    )
    print(
        f"    (Today within the mix: {today_in_mix:.1f} req/s, "
        f"{today_in_mix / minimal['total']['rps']:.2f} of the minimal view's, sharing the "
        f"server with the other pages)"
    )


# A locust process: one phase ------------------------------------------------------------------


def _drive(args) -> None:
    """Run one phase with locust's library (headless) and write its figures as JSON."""
    import logging

    import gevent
    from locust import FastHttpUser, between, constant, task
    from locust.env import Environment

    logging.basicConfig(level=logging.WARNING, format="locust: %(message)s")
    plan = json.loads(Path(args.plan).read_text())
    names = plan["cookies"]
    origin = args.host
    pause = between(args.think / 2, args.think * 3 / 2) if args.think else constant(0)

    class Person(FastHttpUser):
        abstract = True
        host = origin
        wait_time = pause
        people: list[dict] = []

        def on_start(self):
            # The session cookie is Secure and this is plain http: the cookies go in the
            # headers, as the browser behind an https proxy would send them.
            self.client.client.cookiejar = None
            self.number = len(plan["residents"]) - len(self.people)
            self.me = self.people.pop(0)
            cookie = f"{names['session']}={self.me['session']}; {names['csrf']}={self.me['csrf']}"
            self.headers = {"Cookie": cookie}
            self.post_headers = {**self.headers, "Origin": origin, "X-CSRFToken": self.me["csrf"]}

        def page(self, url: str, name: str, marker: str):
            with self.client.get(
                url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")
                elif marker not in (response.text or ""):
                    response.failure("not the page asked for")
                else:
                    response.success()
                return response

    class Resident(Person):
        fixed_count = args.users - args.managers
        people = list(plan["residents"][:fixed_count])

        def on_start(self):
            super().on_start()
            self.ticked = False
            self.logged = 0

        @task
        def day(self):
            # A pause (the think time) after every answer, as after every tap.
            self.page("/today/", "/today/", TODAY)
            self.wait()
            self.tick()
            self.wait()
            self.page("/today/", "/today/", TODAY)
            self.wait()
            self.log_meeting()

        def tick(self):
            """Tick the chore done, or undo the tick the time before (within Undo's five
            minutes), so that every tick is one the app accepts."""
            action = "undo" if self.ticked else "done"
            with self.client.post(
                f"/chores/{self.me['assignment']}/{action}/",
                name=f"/chores/<id>/{action}/",
                data={},
                headers={**self.post_headers, **HX},
                allow_redirects=False,
                catch_response=True,
            ) as response:
                # htmx gets the chore's fragment, moved to its new list when the tick went
                # through, or in place with the reason when it did not.
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")
                elif not response.headers.get("HX-Retarget"):
                    response.failure(f"the {action} did not go through")
                    self.ticked = not self.ticked  # the app says it is the other way round
                else:
                    response.success()
                    self.ticked = not self.ticked

        def log_meeting(self):
            response = self.page("/meetings/outside/", "/meetings/outside/", OUTSIDE)
            found = DAY_FIELD.search(response.text or "")
            if not found:
                return
            self.wait()  # filling in the form
            self.logged += 1
            form = {
                "csrfmiddlewaretoken": self.me["csrf"],
                "fellowship": "aa",
                "format": "in_person",
                "day": found.group(1),  # today in the house's own zone
                "name": f"Bench meeting {self.number}.{self.logged}",
                "note": "",
            }
            with self.client.post(
                "/meetings/outside/",
                name="/meetings/outside/",
                data=form,
                headers=self.post_headers,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                where = response.headers.get("Location") or ""
                if response.status_code != 302 or not where.endswith("/meetings/outside/"):
                    response.failure(f"not logged (answered {response.status_code})")
                else:
                    response.success()

    class Manager(Person):
        fixed_count = args.managers
        people = list(plan["managers"][: args.managers])

        @task
        def round(self):
            slug = self.me["slug"]
            self.page(f"/houses/{slug}/", "/houses/<slug>/", DASHBOARD)
            self.wait()
            self.page(
                f"/houses/{slug}/chores/rotation/", "/houses/<slug>/chores/rotation/", ROTATION
            )
            self.wait()
            self.page(f"/meetings/{self.me['meeting']}/", "/meetings/<id>/", MEETING)

    class Reader(Person):
        fixed_count = args.users
        people = list(plan["residents"][: args.users])

        @task
        def today(self):
            self.page("/today/", "/today/", TODAY)

    class Anonymous(FastHttpUser):
        fixed_count = args.users
        host = origin
        wait_time = pause

        @task
        def minimal(self):
            with self.client.get(
                f"/bench/minimal/?slug={plan['minimal_slug']}",
                name="/bench/minimal/",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"answered {response.status_code}")
                elif response.text != plan["minimal_name"]:
                    response.failure("not the page asked for")
                else:
                    response.success()

    classes = {"mix": [Resident, Manager], "today": [Reader], "minimal": [Anonymous]}
    env = Environment(user_classes=classes[args.phase], host=origin)
    runner = env.create_local_runner()
    runner.start(args.users, spawn_rate=min(args.users, 100))  # locust warns above 100 a second
    while runner.user_count < args.users:
        gevent.sleep(0.1)
    gevent.sleep(args.warmup)
    env.stats.reset_all()
    started = time.perf_counter()
    gevent.sleep(args.seconds)
    elapsed = time.perf_counter() - started
    figures = _figures(env.stats, elapsed)
    runner.quit()
    Path(args.out).write_text(json.dumps(figures))


def _figures(stats, elapsed: float) -> dict:
    def row(entry, name: str) -> dict:
        return {
            "name": name,
            "requests": entry.num_requests,
            "rps": entry.num_requests / elapsed,
            "p50": entry.get_response_time_percentile(0.5) or 0,
            "p95": entry.get_response_time_percentile(0.95) or 0,
            "p99": entry.get_response_time_percentile(0.99) or 0,
            "failures": entry.num_failures,
        }

    entries = sorted(stats.entries.values(), key=lambda entry: (entry.name, entry.method))
    return {
        "seconds": elapsed,
        "endpoints": [row(entry, f"{entry.method} {entry.name}") for entry in entries],
        "total": row(stats.total, "all"),
        "errors": [
            {
                "name": f"{error.method} {error.name}",
                "error": str(error.error),
                "occurrences": error.occurrences,
            }
            for error in sorted(stats.errors.values(), key=lambda error: -error.occurrences)
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
