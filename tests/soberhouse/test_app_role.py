"""The role the app runs as in production owns no table (``manage.py grant_app_role``): it reads
and writes rows, adds to the audit trail, and is refused TRUNCATE, UPDATE and DELETE of the trail
and ALTER TABLE … DISABLE TRIGGER.

The test database's owner (the role the suite connects as) stands for the owner that runs the
migrations; the app's role is made here and dropped after. The app runs as that role in a child
process, on rows this test commits (``transactional_db``)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from psycopg import sql

from soberhouse import audit
from soberhouse.embedded import ROOT
from soberhouse.env import database_url
from soberhouse.models import AuditEvent
from tests.soberhouse.test_env import production_env

pytestmark = pytest.mark.slow

AS_THE_APP = """
import json, django
django.setup()
from django.core.cache import cache
from django.db import connection, transaction
from residents.models import House
from soberhouse import audit

# What the app does every day: rows written, changed and deleted, the trail added to, the cache.
with transaction.atomic():
    house = House.objects.create(slug="role-test", name="Role Test House", beds=4)
    audit.record(action="house.create", obj=house)
    House.objects.filter(pk=house.pk).update(beds=5)
cache.set("role-test", "kept", 60)
read = cache.get("role-test")
House.objects.filter(pk=house.pk).delete()
trail = list(connection.cursor().execute("SELECT count(*) FROM soberhouse_auditevent"))[0][0]

refused = {}
for statement in [
    "TRUNCATE soberhouse_auditevent",
    "DELETE FROM soberhouse_auditevent",
    "UPDATE soberhouse_auditevent SET action = 'nothing.happened'",
    "ALTER TABLE soberhouse_auditevent DISABLE TRIGGER soberhouse_auditevent_append_only",
    "ALTER TABLE soberhouse_auditevent DISABLE TRIGGER ALL",
    "DROP TRIGGER soberhouse_auditevent_append_only ON soberhouse_auditevent",
    "TRUNCATE residents_house",
    "DROP TABLE residents_house",
    "CREATE TABLE soberhouse_extra (id int)",
]:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
        refused[statement] = None
    except Exception as error:
        refused[statement] = str(error).splitlines()[0]
print("RESULT " + json.dumps({"read": read, "trail": trail, "refused": refused}))
"""


@pytest.fixture
def app_role(transactional_db):
    role = f"soberhouse_app_{uuid.uuid4().hex[:8]}"
    password = uuid.uuid4().hex
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(password)
            )
        )
    try:
        yield role, password
    finally:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def _as_the_app(role: str, password: str) -> dict:
    url = database_url({**connection.settings_dict, "USER": role, "PASSWORD": password})
    env = production_env(DATABASE_URL=url, DATABASE_CONN_MAX_AGE="0")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", AS_THE_APP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    return json.loads(line.removeprefix("RESULT "))


def test_the_app_role_writes_rows_and_cannot_empty_the_audit_trail(app_role):
    role, password = app_role
    kept = audit.record(action="house.update", changes={"beds": [8, 9]})
    call_command("grant_app_role", role, stdout=io.StringIO())

    seen = _as_the_app(role, password)

    assert seen["read"] == "kept"
    assert seen["trail"] == 2  # this test's event and the app's own
    refused = seen["refused"]
    for statement in (
        "TRUNCATE soberhouse_auditevent",
        "DELETE FROM soberhouse_auditevent",
        "UPDATE soberhouse_auditevent SET action = 'nothing.happened'",
        "TRUNCATE residents_house",
    ):
        # Refused by the grants, before the append-only trigger is reached.
        assert refused[statement] and "permission denied" in refused[statement], statement
    for statement in (
        "ALTER TABLE soberhouse_auditevent DISABLE TRIGGER soberhouse_auditevent_append_only",
        "ALTER TABLE soberhouse_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER soberhouse_auditevent_append_only ON soberhouse_auditevent",
        "DROP TABLE residents_house",
    ):
        assert refused[statement] and "must be owner" in refused[statement], statement
    assert refused["CREATE TABLE soberhouse_extra (id int)"], "the app role may create tables"
    assert AuditEvent.objects.filter(pk=kept.pk, action="house.update").exists()
    assert AuditEvent.objects.filter(action="house.create").exists()


def test_it_refuses_to_grant_the_role_it_runs_as(db):
    with pytest.raises(CommandError, match="owner"):
        call_command("grant_app_role", connection.settings_dict["USER"])


def test_create_makes_a_login_role_that_can_do_nothing_else(transactional_db, monkeypatch):
    role = f"soberhouse_app_{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("APP_DATABASE_PASSWORD", uuid.uuid4().hex)
    try:
        call_command("grant_app_role", role, create=True, stdout=io.StringIO())
        call_command("grant_app_role", role, create=True, stdout=io.StringIO())  # again: no error
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole FROM pg_roles"
                " WHERE rolname = %s",
                [role],
            )
            assert cursor.fetchone() == (True, False, False, False)
            cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = %s", [role])
            assert cursor.fetchone() == (0,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_create_needs_the_password(db, monkeypatch):
    monkeypatch.delenv("APP_DATABASE_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="APP_DATABASE_PASSWORD"):
        call_command("grant_app_role", "soberhouse_app_nobody", create=True)
