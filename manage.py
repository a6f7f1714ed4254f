#!/usr/bin/env python
"""Django's command-line utility. Without DATABASE_URL it starts (or joins) the embedded PostgreSQL
under var/ for as long as the command runs."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soberhouse.settings")
    if not os.environ.get("DATABASE_URL"):
        from soberhouse.embedded import EmbeddedPostgres, exit_on_sigterm

        exit_on_sigterm()
        os.environ.setdefault("DEBUG", "true")  # the embedded database is for development only
        os.environ["DATABASE_URL"] = EmbeddedPostgres().url  # let go at exit (atexit)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
