"""PostgreSQL restarts under a running app (gunicorn, production settings, a PostgreSQL of the
test's own): the first request after it is back succeeds, and while it is down a page answers
503, not 500."""

from __future__ import annotations

import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connections

from soberhouse.embedded import EmbeddedPostgres
from tests.appserver import free_port, get, gunicorn, manage, server_env, session_for
from tests.faults import frozen_server

pytestmark = pytest.mark.slow

RESIDENT = "resident.harbor2@demo.test"


class _Client(threading.Thread):
    """Asks for a page again and again (at most ``limit`` times) until told to stop; keeps when
    each request started and ended, and its answer."""

    def __init__(self, ask, limit: int = 2000):
        super().__init__(daemon=True)
        self.ask, self.limit = ask, limit
        self.answers: list[tuple[float, float, int | str]] = []
        self.done = threading.Event()

    def run(self):
        for _ in range(self.limit):
            if self.done.is_set():
                return
            started = time.monotonic()
            status = self.ask()
            self.answers.append((started, time.monotonic(), status))

    def stop(self) -> list[tuple[float, float, int | str]]:
        self.done.set()
        self.join(60)
        return self.answers


@pytest.fixture
def postgres(monkeypatch):
    # Not under tmp_path: each pytest run (another checkout's too) sets its base folder back to
    # 0700, and the server runs as its own user, which must reach the data folder throughout.
    with tempfile.TemporaryDirectory(prefix="soberhouse-restart-") as folder:
        monkeypatch.setenv("SOBERHOUSE_VAR_DIR", str(Path(folder) / "var"))
        server = EmbeddedPostgres()
        try:
            yield server
        finally:
            server.stop()


def test_requests_recover_when_postgresql_restarts(postgres, tmp_path):
    port = free_port()
    env = server_env(
        database_url=postgres.url, redis_url=settings.REDIS_URL, port=port, work=tmp_path
    )
    manage(env, "migrate", "--noinput")
    manage({**env, "DEBUG": "true"}, "seed_demo")
    session = session_for(env, RESIDENT)

    def today():
        return get(port, "/today/", session=session)

    with gunicorn(env, port, workers=2, log=tmp_path / "gunicorn.log"):
        # Requests two at a time, so that both workers hold a connection (CONN_MAX_AGE) when the
        # server restarts; nothing asks while it restarts, so the first request after it meets
        # the connection the restart broke.
        with ThreadPoolExecutor(2) as pool:
            assert list(pool.map(lambda _: today(), range(10))) == [200] * 10
        postgres.restart()
        assert [today() for _ in range(20)] == [200] * 20

        # Down for a while, under the requests of a second client.
        background = _Client(today)
        background.start()
        assert [today() for _ in range(5)] == [200] * 5
        going = time.monotonic()
        postgres.shut_down()
        assert [today() for _ in range(5)] == [503] * 5
        assert get(port, "/healthz") == 503
        postgres.start_again()
        back = time.monotonic()
        assert [today() for _ in range(20)] == [200] * 20
        assert get(port, "/healthz") == 200
        answers = background.stop()

    # A request cut off by the restart may fail, but as a 503; none after the server is back.
    assert {status for *_, status in answers} <= {200, 503}, answers
    before = [status for _, ended, status in answers if ended < going]
    assert before and set(before) == {200}, before
    after = [status for started, _, status in answers if started > back]
    assert after and set(after) == {200}, after


def test_a_database_that_takes_the_connection_and_never_answers_is_given_up(django_db_blocker):
    """With PostgreSQL frozen, connecting ends in an error within connect_timeout (the request
    then answers 503) instead of waiting for ever."""
    default = connections["default"]
    outcome = []
    with frozen_server() as (port, taken):

        def connect():
            frozen = default.__class__({**default.settings_dict, "HOST": "127.0.0.1", "PORT": port})
            try:
                with django_db_blocker.unblock():  # a server of its own, not the test database
                    frozen.ensure_connection()
            except OperationalError as error:
                outcome.append(error)
            finally:
                frozen.close()

        thread = threading.Thread(target=connect, daemon=True)
        thread.start()
        thread.join(60)  # without a connect timeout it waits for ever; this bound tells them apart
        assert not thread.is_alive(), "connecting to a frozen PostgreSQL never gave up"
    assert taken and len(outcome) == 1
    assert 0 < default.settings_dict["OPTIONS"]["connect_timeout"] <= 10
