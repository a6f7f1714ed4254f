"""Personas shared by every test: a resident and a manager of Harbor House, the same of Cedar House,
and operator staff. Managers and staff have two-factor turned on (it is required in tests, as in
production); ``totp_code(user)`` gives a valid code."""

from __future__ import annotations

import contextlib
import os
import re
import time
import uuid

import django.test
import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from tests.factories import HouseFactory, UserFactory, make_manager, make_resident

# Playwright's sync API runs an event loop in the test thread; the ORM calls made beside it are
# still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class Client(django.test.Client):
    """A test client whose ``force_login`` also records the second factor for people who have one,
    as signing in through allauth would; the two-factor middleware asks for that record."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            session = self.session
            session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {"method": "mfa", "at": time.time(), "type": "totp"}
            ]
            session["account_authentication_methods_user"] = str(user.pk)
            session.save()


@pytest.fixture
def client():
    return Client()


@pytest.fixture(autouse=True)
def _fresh_cache(request):
    """Rate-limit counters live in the database cache; each test starts with none."""
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("transactional_db" if "transactional_db" in uses_db else "db")
        cache.clear()
    yield


def turn_on_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret = authenticator.data["secret"]
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(decrypt(secret), counter))


def emailed_sign_in_code(to: str) -> str:
    """The sign-in code in the newest email sent to ``to``."""
    sent = [message for message in mail.outbox if to in message.to]
    assert sent, f"No email went to {to}; the outbox holds {len(mail.outbox)}."
    found = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", sent[-1].body, re.MULTILINE)
    assert found, f"No sign-in code in the email:\n{sent[-1].body}"
    return found.group(1)


@pytest.fixture
def harbor(db):
    return HouseFactory(slug="harbor", name="Harbor House", time_zone="America/Los_Angeles")


@pytest.fixture
def cedar(db):
    return HouseFactory(slug="cedar", name="Cedar House", time_zone="America/Denver")


@pytest.fixture
def resident_harbor(harbor):
    return make_resident(harbor, email="resident.a@example.test", full_name="Alex Harbor")


@pytest.fixture
def resident_cedar(cedar):
    return make_resident(cedar, email="resident.b@example.test", full_name="Blair Cedar")


@pytest.fixture
def manager_harbor(harbor):
    user = make_manager(harbor, email="manager.a@example.test", full_name="Morgan Harbor")
    turn_on_totp(user)
    return user


@pytest.fixture
def manager_cedar(cedar):
    user = make_manager(cedar, email="manager.b@example.test", full_name="Casey Cedar")
    turn_on_totp(user)
    return user


@pytest.fixture
def staff(db):
    user = UserFactory(email="staff@example.test", full_name="Sage Staff", is_operator_staff=True)
    turn_on_totp(user)
    return user


@pytest.fixture
def everyone(resident_harbor, resident_cedar, manager_harbor, manager_cedar, staff):
    """Every persona by name, as the access-control matrix uses them."""
    return {
        "anonymous": None,
        "resident_harbor": resident_harbor.user,
        "resident_cedar": resident_cedar.user,
        "manager_harbor": manager_harbor,
        "manager_cedar": manager_cedar,
        "staff": staff,
    }


@contextlib.contextmanager
def tasks_sent_to_a_queue():
    """While it lasts, tasks are sent to a queue of this test's own on the real broker
    (REDIS_URL) instead of running in place; yields the queue's name."""
    from soberhouse.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    try:
        yield queue
    finally:
        app.conf.update(
            task_always_eager=settings.CELERY_TASK_ALWAYS_EAGER, task_default_queue="celery"
        )


@contextlib.contextmanager
def worker_for(queue: str):
    """A real Celery worker in this process, taking ``queue``'s tasks while it lasts."""
    from celery.contrib.testing.worker import start_worker

    from soberhouse.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, queues=[queue]):
        yield


@pytest.fixture
def real_worker(transactional_db):
    """A real Celery worker in this process, on a queue of its own, against the real broker."""
    with tasks_sent_to_a_queue() as queue, worker_for(queue):
        yield
