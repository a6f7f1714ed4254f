"""``manage.py healthcheck web|worker|beat``, the container health checks of docker-compose.yml."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from soberhouse.celery import app as celery_app
from soberhouse.management.commands.healthcheck import Command

ROOT = Path(__file__).resolve().parent.parent.parent


def run(*args: str) -> tuple[int, str]:
    """Run the command; return its exit code and everything it printed."""
    out, err = StringIO(), StringIO()
    try:
        call_command("healthcheck", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


# beat


def test_beat_is_healthy_with_a_fresh_schedule_file(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    schedule.write_bytes(b"")

    code, output = run("beat", "--schedule", str(schedule))

    assert code == 0
    assert "beat: healthy" in output


@pytest.mark.parametrize("suffixes", [[".db"], [".dat", ".dir", ".bak"]])
def test_beat_finds_the_file_under_the_suffix_dbm_adds(tmp_path, suffixes):
    schedule = tmp_path / "celerybeat-schedule"
    for suffix in suffixes:
        Path(f"{schedule}{suffix}").write_bytes(b"")

    assert run("beat", "--schedule", str(schedule))[0] == 0


def test_beat_is_unhealthy_with_an_old_schedule_file(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    schedule.write_bytes(b"")
    _age(schedule, 600)

    code, output = run("beat", "--schedule", str(schedule))

    assert code == 1
    assert "beat: unhealthy" in output
    assert "over 300s" in output


def test_beat_judges_by_the_newest_of_its_files(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    for suffix in (".dat", ".dir", ".bak"):
        Path(f"{schedule}{suffix}").write_bytes(b"")
    _age(Path(f"{schedule}.bak"), 600)

    assert run("beat", "--schedule", str(schedule))[0] == 0


def test_beat_honours_max_age(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    schedule.write_bytes(b"")
    _age(schedule, 100)

    assert run("beat", "--schedule", str(schedule))[0] == 0
    assert run("beat", "--schedule", str(schedule), "--max-age", "60")[0] == 1


def test_beat_is_unhealthy_without_a_schedule_file(tmp_path):
    code, output = run("beat", "--schedule", str(tmp_path / "celerybeat-schedule"))

    assert code == 1
    assert "no schedule file" in output


@pytest.mark.slow
def test_beat_is_healthy_while_a_real_beat_runs(tmp_path):
    schedule = tmp_path / "celerybeat-schedule"
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "soberhouse", "beat", "--schedule", str(schedule)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not Command().check_beat(str(schedule), max_age=300).healthy:
            assert beat.poll() is None, "beat exited"
            assert time.monotonic() < deadline, "beat wrote no schedule file within 30s"
            time.sleep(0.2)
    finally:
        beat.terminate()
        beat.wait(10)


# web


@pytest.mark.django_db(transaction=True)
def test_web_is_healthy_when_healthz_answers_200(live_server):
    code, output = run("web", "--url", f"{live_server.url}/healthz")

    assert code == 0
    assert "answered 200" in output


@pytest.mark.django_db(transaction=True)
def test_web_asks_as_localhost_whatever_address_it_dials(live_server, settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    port = live_server.url.rsplit(":", 1)[1]

    assert run("web", "--url", f"http://127.0.0.1:{port}/healthz")[0] == 0


@pytest.mark.django_db(transaction=True)
def test_web_is_unhealthy_when_healthz_answers_503(live_server, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{_free_port()}/0"

    code, output = run("web", "--url", f"{live_server.url}/healthz")

    assert code == 1
    assert "answered 503" in output


def test_web_is_unhealthy_when_nothing_listens():
    code, output = run("web", "--url", f"http://127.0.0.1:{_free_port()}/healthz", "--timeout", "2")

    assert code == 1
    assert "did not answer" in output


def test_web_refuses_a_url_that_is_not_http():
    code, output = run("web", "--url", "file:///etc/passwd")

    assert code == 1
    assert "not an http" in output


# worker


def test_worker_is_unhealthy_when_no_worker_answers():
    code, output = run("worker", "--timeout", "0.5")

    assert code == 1
    assert "no worker answered" in output


def test_worker_is_healthy_when_a_worker_on_this_host_answers(monkeypatch):
    replies = [{f"celery@{socket.gethostname()}": {"ok": "pong"}}]
    monkeypatch.setattr(celery_app.control, "ping", lambda timeout: replies)

    code, output = run("worker")

    assert code == 0
    assert f"celery@{socket.gethostname()} answered" in output


def test_worker_on_another_host_counts_only_with_any(monkeypatch):
    replies = [{"celery@elsewhere": {"ok": "pong"}}]
    monkeypatch.setattr(celery_app.control, "ping", lambda timeout: replies)

    code, output = run("worker")
    assert code == 1
    assert "only celery@elsewhere" in output

    assert run("worker", "--any")[0] == 0


def test_worker_is_unhealthy_when_the_broker_fails(monkeypatch):
    def refuse(timeout):
        raise ConnectionRefusedError("connection refused")

    monkeypatch.setattr(celery_app.control, "ping", refuse)

    code, output = run("worker")

    assert code == 1
    assert "broker did not take the ping" in output


@pytest.mark.slow
def test_worker_is_healthy_while_a_real_worker_runs():
    # Its own queue, so that it takes no task meant for anyone else on this broker.
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "soberhouse",
            "worker",
            "--pool",
            "solo",
            "--queues",
            "healthcheck-test",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not Command().check_worker(timeout=1).healthy:
            assert worker.poll() is None, "the worker exited"
            assert time.monotonic() < deadline, "the worker did not answer within 30s"
    finally:
        worker.terminate()
        worker.wait(15)
