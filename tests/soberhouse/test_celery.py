"""Celery against the real broker (REDIS_URL) and a real worker running in this process."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail

from residents.invitations import invitation_create
from residents.models import Invitation
from soberhouse.celery import app
from soberhouse.embedded import wait_for
from soberhouse.tasks import dispatch_notifications


def test_the_app_speaks_json_only_with_late_acks_and_time_limits():
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_serializer == "json"
    assert app.conf.task_acks_late is True
    assert app.conf.task_time_limit and app.conf.task_soft_time_limit < app.conf.task_time_limit
    assert app.conf.broker_url == settings.REDIS_URL
    assert app.conf.result_backend is None  # Redis carries messages only


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name


@pytest.mark.slow
def test_the_dispatch_task_on_a_real_worker_sends_an_invitation(
    real_worker, harbor, manager_harbor
):
    invitation_create(
        house=harbor, email="queued@example.test", role=Invitation.Role.RESIDENT, by=manager_harbor
    )
    dispatch_notifications.delay()
    assert wait_for(lambda: len(mail.outbox) == 1, timeout=20)
    assert mail.outbox[0].to == ["queued@example.test"]


def test_publishing_gives_up_within_seconds_on_a_broker_that_does_not_answer():
    """A frozen broker takes the connection and never answers: every wait on it is bounded,
    and a publish is tried again once at most (the beat's sweep runs what was not sent)."""
    options = app.conf.broker_transport_options
    assert 0 < app.conf.broker_connection_timeout <= 5
    assert 0 < options["socket_connect_timeout"] <= 5
    assert 0 < options["socket_timeout"] <= 5
    assert app.conf.task_publish_retry_policy["max_retries"] <= 1
