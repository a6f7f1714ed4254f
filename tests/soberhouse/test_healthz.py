import json
import os
import subprocess
import sys

from tests.soberhouse.test_env import production_env


def test_it_answers_ok_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "ok"}


def test_it_names_the_broker_when_the_broker_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "down", "database": "ok", "broker": "down"}


def test_it_names_the_database_when_the_database_is_down():
    """A real app whose database address has no server behind it."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client(HTTP_HOST='soberhouse.example.org').get('/healthz', secure=True);"
        "print(r.status_code, r.content.decode())"
    )
    env = production_env(
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nothing", REDIS_URL=os.environ["REDIS_URL"]
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"status": "down", "database": "down", "broker": "ok"}
