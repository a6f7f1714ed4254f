"""A backup holds everything: the demo, dumped from an embedded PostgreSQL of the test's own and
restored into a fresh database on the same server, comes back row for row, table by table, with
its sequences where they were."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import psycopg
import pytest
from django.apps import apps
from psycopg import sql

from soberhouse import backups
from soberhouse.embedded import ROOT, EmbeddedPostgres, wait_for
from tests.processes import manage
from tests.tables import table_digests

pytestmark = pytest.mark.slow


def _environment(var_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
        and not key.startswith(("SECRET_KEY", "EMAIL_URL", "SITE_URL", "ALLOWED_HOSTS"))
    }
    env.update(SOBERHOUSE_VAR_DIR=str(var_dir), DATABASE_URL=database_url, DEBUG="true")
    return env


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _other_database(url: str, name: str) -> str:
    return url.replace("/soberhouse?", f"/{name}?", 1)


@pytest.fixture(scope="module")
def server():
    """An embedded PostgreSQL in a temporary folder, stopped and removed at the end whatever
    happened.

    The folder is not under pytest's own temporary folder: run as root, the server runs as another
    user, and every pytest that starts closes ``/tmp/pytest-of-root`` to all but root again, which
    would cut a server in there off from its data directory when two runs overlap.
    """
    var_dir = Path(tempfile.mkdtemp(prefix="soberhouse-backup-")) / "var"
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SOBERHOUSE_VAR_DIR", str(var_dir))
            postgres = EmbeddedPostgres()
        try:
            yield postgres, var_dir
        finally:
            with contextlib.suppress(Exception):
                postgres.stop()
            if _alive(postgres.pid):
                with contextlib.suppress(psutil.Error):
                    psutil.Process(postgres.pid).kill()
            assert wait_for(lambda: not _alive(postgres.pid), timeout=15)
    finally:
        shutil.rmtree(var_dir.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def demo_url(server):
    """The server's ``soberhouse`` database, migrated and holding the demo."""
    postgres, var_dir = server
    env = _environment(var_dir, postgres.url)
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        result = manage(*command, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
    return postgres.url


def _tables(conn: psycopg.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    return [row[0] for row in rows]


def _fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows, in a stable order."""
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        return table_digests(cursor, _tables(conn))


def _sequences(url: str) -> dict[str, int | None]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT sequencename, last_value FROM pg_sequences").fetchall()
    return dict(rows)


def _model_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True)}


def _assert_new_rows_get_fresh_ids(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        # A real insert into a table that the demo filled: it must not collide with a restored id.
        conn.execute(
            "INSERT INTO django_content_type (app_label, model) VALUES ('backup_test', 'probe')"
        )
        owned = conn.execute(
            "SELECT sequence.oid::regclass::text, owner.relname, attribute.attname"
            " FROM pg_depend"
            " JOIN pg_class sequence ON sequence.oid = pg_depend.objid AND sequence.relkind = 'S'"
            " JOIN pg_class owner ON owner.oid = pg_depend.refobjid"
            " JOIN pg_attribute attribute"
            "   ON attribute.attrelid = owner.oid AND attribute.attnum = pg_depend.refobjsubid"
            " WHERE pg_depend.deptype IN ('a', 'i')"
        ).fetchall()
        assert len(owned) >= 40  # an identity column in nearly every table
        for sequence, table, column in owned:
            highest = conn.execute(
                sql.SQL("SELECT max({}) FROM {}").format(
                    sql.Identifier(column), sql.Identifier(table)
                )
            ).fetchone()[0]
            following = conn.execute("SELECT nextval(%s)", [sequence]).fetchone()[0]
            assert highest is None or following > highest, (table, column, highest, following)


def test_a_restored_dump_holds_every_row_of_every_table(demo_url, tmp_path):
    dump_file = tmp_path / "soberhouse.dump"
    restored_url = _other_database(demo_url, "restored")
    started = time.monotonic()
    dumped = backups.dump(url=demo_url, path=dump_file)
    backups.recreate_database(restored_url)
    backups.restore(url=restored_url, path=dump_file)
    seconds = time.monotonic() - started

    before = _fingerprints(demo_url)
    after = _fingerprints(restored_url)
    assert _model_tables() | {"django_migrations"} <= set(before)
    # The demo fills 29 of the 48 tables (no sessions, invitations or exports, for instance).
    assert sum(1 for count, _ in before.values() if count) >= 25
    assert after == before
    assert _sequences(restored_url) == _sequences(demo_url)
    _assert_new_rows_get_fresh_ids(restored_url)

    rows = sum(count for count, _ in before.values())
    print(
        f"\n{len(before)} tables, {rows} rows, dump {dumped.size} bytes,"
        f" dump and restore {seconds:.1f} s"
    )


def _dev(*args: str, url: str, var_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "soberhouse.devstack", *args],
        cwd=ROOT,
        env=_environment(var_dir, url),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_dev_backup_and_restore_report_what_they_did_and_refuse_to_overwrite(
    server, demo_url, tmp_path
):
    _, var_dir = server
    dump_file = tmp_path / "nightly.dump"
    target_url = _other_database(demo_url, "drill")
    backups.recreate_database(target_url)

    backed_up = _dev("backup", str(dump_file), url=demo_url, var_dir=var_dir)
    assert backed_up.returncode == 0, backed_up.stderr
    assert f"backed up the database to {dump_file}" in backed_up.stdout
    assert dump_file.read_bytes().startswith(b"PGDMP")

    into_empty = _dev("restore", str(dump_file), url=target_url, var_dir=var_dir)
    assert into_empty.returncode == 0, into_empty.stderr
    assert f"restored the database from {dump_file}" in into_empty.stdout

    again = _dev("restore", str(dump_file), url=target_url, var_dir=var_dir)
    assert again.returncode == 1
    assert "already holds" in again.stderr
    assert "--replace" in again.stderr

    replaced = _dev("restore", "--replace", str(dump_file), url=target_url, var_dir=var_dir)
    assert replaced.returncode == 0, replaced.stderr
    assert _fingerprints(target_url) == _fingerprints(demo_url)


def test_dev_restore_explains_a_missing_or_foreign_file_in_one_line(server, tmp_path):
    postgres, var_dir = server
    not_a_dump = tmp_path / "notes.txt"
    not_a_dump.write_text("not a dump\n")
    for path, message in [
        (tmp_path / "missing.dump", "no such file"),
        (not_a_dump, "is not a custom-format dump"),
    ]:
        result = _dev("restore", str(path), url=postgres.url, var_dir=var_dir)
        assert result.returncode == 1
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "Traceback" not in result.stderr
