"""The embedded default: with no DATABASE_URL or REDIS_URL, ``./dev run`` brings up its own
PostgreSQL and Valkey under var/, and leaves no server behind when it stops."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import psutil
import pytest

from soberhouse.embedded import ROOT, wait_for
from tests.processes import manage

pytestmark = pytest.mark.slow


def _environment(var_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
        and not key.startswith(("SECRET_KEY", "EMAIL_URL", "SITE_URL", "ALLOWED_HOSTS"))
    }
    env["SOBERHOUSE_VAR_DIR"] = str(var_dir)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310
            return response.status
    except OSError:
        return None


def _postmaster_pid(var_dir: Path) -> int:
    return int((var_dir / "pgdata" / "postmaster.pid").read_text().splitlines()[0])


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _start_run(var_dir: Path, port: int, log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "soberhouse.devstack", "run", "--port", str(port)],
            cwd=ROOT,
            env=_environment(var_dir),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait_until_ready(log: Path) -> None:
    # The demo sign-ins are printed once the sign-in page answers.
    assert wait_for(lambda: "sober-demo-2026" in log.read_text(), timeout=240), log.read_text()


def _everything_started(runner: subprocess.Popen, var_dir: Path) -> set[int]:
    started = {process.pid for process in psutil.Process(runner.pid).children(recursive=True)}
    started.add(_postmaster_pid(var_dir))
    started.add(int((var_dir / "run" / "valkey.pid").read_text()))
    return started


def _kill_everything(runner: subprocess.Popen, var_dir: Path) -> None:
    """A run that failed its test leaves nothing behind: its children (server, worker, beat)
    and anything working in its var folder (PostgreSQL, Valkey) are killed, then the run."""
    if not _alive(runner.pid):
        return
    doomed = psutil.Process(runner.pid).children(recursive=True)
    doomed += [
        process
        for process in psutil.process_iter(["cmdline"])
        if str(var_dir) in " ".join(process.info["cmdline"] or [])
    ]
    for process in doomed:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()
    runner.kill()
    runner.wait(30)


def _assert_all_gone(pids: set[int]) -> None:
    assert wait_for(lambda: not any(_alive(pid) for pid in pids), timeout=15), [
        psutil.Process(pid).cmdline() for pid in pids if _alive(pid)
    ]


@pytest.mark.parametrize(
    ("how", "exit_codes"),
    [
        pytest.param("sigterm", {128 + signal.SIGTERM}, id="SIGTERM"),
        # Ctrl-C in a terminal sends SIGINT to the whole foreground process group.
        pytest.param("ctrl-c", {0, 130}, id="Ctrl-C"),
        # Closing the terminal sends SIGHUP.
        pytest.param("sighup", {128 + signal.SIGHUP}, id="SIGHUP"),
    ],
)
def test_run_starts_from_an_empty_var_and_leaves_nothing_when_stopped(tmp_path, how, exit_codes):
    var_dir = tmp_path / "var"
    port = _free_port()
    log = tmp_path / "run.log"
    runner = _start_run(var_dir, port, log)
    try:
        _wait_until_ready(log)
        assert _status(f"http://127.0.0.1:{port}/accounts/login/") == 200
        assert _status(f"http://127.0.0.1:{port}/healthz") == 200
        started = _everything_started(runner, var_dir)
        names = " ".join(" ".join(psutil.Process(pid).cmdline()) for pid in started)
        for part in ("runserver", "worker", "beat", "valkey-server", "postgres"):
            assert part in names
        if how == "ctrl-c":
            os.killpg(runner.pid, signal.SIGINT)
        else:
            runner.send_signal(signal.SIGHUP if how == "sighup" else signal.SIGTERM)
        runner.wait(90)
    finally:
        if runner.poll() is None:
            _kill_everything(runner, var_dir)
    assert runner.returncode in exit_codes, log.read_text()
    _assert_all_gone(started)
    leftovers = [
        process.pid
        for process in psutil.process_iter(["cmdline"])
        if str(var_dir) in " ".join(process.info["cmdline"] or [])
    ]
    assert leftovers == []


CHANGE_PASSWORD = """
from soberhouse.models import User
user = User.objects.get(email="manager.harbor@demo.test")
user.set_password("a-password-someone-chose-2026")
user.save()
"""
PASSWORD_KEPT = """
from soberhouse.models import User
user = User.objects.get(email="manager.harbor@demo.test")
print("KEPT", user.check_password("a-password-someone-chose-2026"))
"""


def _shell(var_dir: Path, script: str) -> str:
    result = manage("shell", "-c", script, env={**_environment(var_dir), "DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_next_run_cleans_up_after_a_run_killed_outright(tmp_path):
    """It also keeps what a person changed: the demo goes only into an empty database."""
    var_dir = tmp_path / "var"
    port = _free_port()
    first = _start_run(var_dir, port, tmp_path / "first.log")
    _wait_until_ready(tmp_path / "first.log")
    left_behind = _everything_started(first, var_dir) - {_postmaster_pid(var_dir)}
    first.kill()  # SIGKILL: no cleanup at all
    first.wait()
    _shell(var_dir, CHANGE_PASSWORD)  # the embedded PostgreSQL outlived the killed run
    second = _start_run(var_dir, port, tmp_path / "second.log")
    try:
        _wait_until_ready(tmp_path / "second.log")
        _assert_all_gone(left_behind)
        assert "the demo is not loaded over it" in (tmp_path / "second.log").read_text()
        assert "KEPT True" in _shell(var_dir, PASSWORD_KEPT)
        started = _everything_started(second, var_dir)
        second.send_signal(signal.SIGTERM)
        second.wait(90)
    finally:
        if second.poll() is None:
            _kill_everything(second, var_dir)
    _assert_all_gone(started)


HOLDER = textwrap.dedent(
    """
    import sys, time
    from soberhouse.embedded import EmbeddedPostgres
    server = EmbeddedPostgres()
    print(server.pid, flush=True)
    if sys.argv[1] == "hold":
        time.sleep(600)
    server.stop()
    """
)


def test_a_killed_holder_does_not_keep_the_server_running_forever(tmp_path):
    env = _environment(tmp_path / "var")
    holder = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", HOLDER, "hold"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    server_pid = int(holder.stdout.readline())
    holder.kill()  # SIGKILL: no exit handler runs, its pid stays in .handle_pids.json
    holder.wait()
    handles = json.loads((tmp_path / "var" / "pgdata" / ".handle_pids.json").read_text())
    assert holder.pid in handles
    assert _alive(server_pid)

    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", HOLDER, "stop"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == server_pid  # it joined the running server
    assert wait_for(lambda: not _alive(server_pid), timeout=15)
