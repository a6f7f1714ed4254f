"""A person's name, wherever one is typed: one line of printable text.

Line breaks, NUL and the other control characters (and the Unicode marks that reverse or
isolate the direction of text) have no place in a name, and they break what a name is written
into: a CSV row, an email header, a PDF table. Every model field and form field that holds a
person's name uses :func:`validate_name` (form fields through :class:`NameField`).
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

MESSAGE = "A name is one line of letters: take out line breaks, tabs and other control characters."

# Line and paragraph separators, and the bidirectional embeddings, overrides and isolates that
# can make a name read differently from what it holds.
_FORMAT_MARKS = {
    "\u2028",
    "\u2029",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
}


def validate_name(value: str) -> None:
    if any(unicodedata.category(ch) == "Cc" or ch in _FORMAT_MARKS for ch in value):
        raise ValidationError(MESSAGE, code="control_characters")


class NameField(forms.CharField):
    """A form field for a person's name. It refuses control characters with one message (NUL
    among them, so Django's own "Null characters are not allowed" is not said twice)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]
        if validate_name not in self.validators:
            self.validators.append(validate_name)
