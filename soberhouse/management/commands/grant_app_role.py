"""Give the role the app runs as what it needs and no more: ``manage.py grant_app_role ROLE``.

In production two PostgreSQL roles share the database. The owner (the one ``migrate`` runs as)
owns every table; the app's role (web, worker, beat) does not own any, so it cannot ``TRUNCATE``,
``ALTER TABLE … DISABLE TRIGGER`` or drop anything. It may read and write the app's rows, and on
the audit trail only add and read them (the append-only trigger refuses UPDATE and DELETE for the
owner too). Run it as the owner after every ``migrate``: tables that a migration made are granted
then. ``--create`` makes the role first (with ``LOGIN`` and the password in the environment
variable ``--password-from``) when it does not exist yet, and otherwise sets that password again.
"""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from psycopg import sql

from soberhouse.models import AuditEvent

READ_WRITE = "SELECT, INSERT, UPDATE, DELETE"
APPEND_ONLY = "SELECT, INSERT"


def grant_app_role(role: str) -> list[str]:
    """Grant ``role`` the app's privileges in the current database; returns the tables granted."""
    name = sql.Identifier(role)
    audit = sql.Identifier(AuditEvent._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT current_schema()")
        schema = sql.Identifier(cursor.fetchone()[0])
        statements = [
            sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                sql.Identifier(connection.settings_dict["NAME"]), name
            ),
            sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, name),
            # Whatever was granted before (by hand, or by an older version of this command) goes.
            sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(schema, name),
            sql.SQL("GRANT " + READ_WRITE + " ON ALL TABLES IN SCHEMA {} TO {}").format(
                schema, name
            ),
            sql.SQL("REVOKE ALL ON {} FROM {}").format(audit, name),
            sql.SQL("GRANT " + APPEND_ONLY + " ON {} TO {}").format(audit, name),
            sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(schema, name),
        ]
        for statement in statements:
            cursor.execute(statement)
    return tables


def _ensure_role(role: str, password: str) -> bool:
    """A login role that owns nothing and can make nothing, with ``password`` (set again when it
    exists, so a password changed in .env takes effect); True when it was created."""
    name, secret = sql.Identifier(role), sql.Literal(password)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        if cursor.fetchone():
            cursor.execute(sql.SQL("ALTER ROLE {} LOGIN PASSWORD {}").format(name, secret))
            return False
        cursor.execute(
            sql.SQL(
                "CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD {}"
            ).format(name, secret)
        )
    return True


class Command(BaseCommand):
    help = "Grant the app's PostgreSQL role what it needs: rows, not tables (run after migrate)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role web, worker and beat connect as")
        parser.add_argument(
            "--create",
            action="store_true",
            help="create the role (LOGIN) when it does not exist yet",
        )
        parser.add_argument(
            "--password-from",
            default="APP_DATABASE_PASSWORD",
            metavar="VARIABLE",
            help="with --create: the environment variable holding its password "
            "(default APP_DATABASE_PASSWORD)",
        )

    def handle(self, *args, role: str, create: bool, password_from: str, **options):
        if role == connection.settings_dict["USER"]:
            raise CommandError(
                f"{role} is the role this command runs as, the tables' owner: the app must run "
                "as another role."
            )
        if create:
            password = os.environ.get(password_from, "")
            if not password:
                raise CommandError(f"--create needs the role's password in {password_from}.")
            if _ensure_role(role, password):
                self.stdout.write(f"Created the role {role}.")
        tables = grant_app_role(role)
        self.stdout.write(
            f"{role} may read and write the rows of {len(tables)} tables (the audit trail: add "
            "and read only), and owns none of them."
        )
