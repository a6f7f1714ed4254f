from __future__ import annotations

from django import template

from reports.tables import show

register = template.Library()


@register.filter
def cells(row: list, columns) -> list[dict]:
    """A table row's cells as the page shows them, each with its column's kind."""
    return [
        {"text": show(value, column.kind), "kind": column.kind, "numeric": column.numeric}
        for value, column in zip(row, columns, strict=True)
    ]
