#!/usr/bin/env python
"""Django's command-line utility. Without DATABASE_URL it starts (or joins) the embedded PostgreSQL
under var/ for as long as the command runs."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "soberhouse.settings")
    debug_off = os.environ.get("DEBUG", "").strip().lower() in {"0", "false", "no", "off"}
    # The embedded database is for development only: with DEBUG off, settings insist on a URL.
    if not os.environ.get("DATABASE_URL") and not debug_off:
        from soberhouse.embedded import EmbeddedPostgres, exit_on_sigterm

        exit_on_sigterm()
        os.environ.setdefault("DEBUG", "true")
        os.environ["DATABASE_URL"] = EmbeddedPostgres().url  # let go at exit (atexit)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
