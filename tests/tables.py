"""Every table's content as one digest each: what tests compare to prove that nothing was
written (a refused form) or that everything came back (a restored backup)."""

from __future__ import annotations


def table_digests(cursor, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Each table's row count and an md5 of all its rows in a stable order, in one query.
    ``cursor`` is Django's or psycopg's; ``tables`` are the database's own names, quoted here."""
    if not tables:
        return {}

    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    union = " UNION ALL ".join(
        # The names are the database's own tables, quoted: nothing from outside reaches this SQL.
        "SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "  # noqa: S608
        f"FROM {quoted(name)} t"
        for name in tables
    )
    cursor.execute(union, tables)
    return {name: (count, digest) for name, count, digest in cursor.fetchall()}
