"""``{{ number|phone }}`` shows a stored phone number as people read it; ``{{ number|tel }}`` is
the same number for a ``tel:`` link (E.164, no spaces)."""

from __future__ import annotations

from django import template

from soberhouse import phones

register = template.Library()


@register.filter
def phone(stored: str) -> str:
    return phones.display(stored or "")


@register.filter
def tel(stored: str) -> str:
    return phones.tel(stored or "")
