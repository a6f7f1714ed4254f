"""Phone numbers: read as people type them, checked with the ``phonenumbers`` library (Google's
numbering plans, not a pattern), stored in E.164 (``+14155550123``), shown in the national format
of the install's region (``(415) 555-0123``) or the international one for a number from abroad.

A number without a country code is read in ``settings.PHONE_REGION`` (default ``US``). An
extension is kept after the number as RFC 3966 writes it (``+14155550123;ext=12``).
"""

from __future__ import annotations

import re

import phonenumbers
from django import forms
from django.conf import settings
from phonenumbers import PhoneNumberFormat, ValidationResult

TOO_SHORT = "That doesn't look like a full phone number — include the area code."
TOO_LONG = "That number has too many digits; a number abroad starts with + and its country code."
NOT_A_NUMBER = "That doesn't look like a phone number; type it as you would dial it."
BAD_COUNTRY = "We don't know that country code; start with + and the country's code, as in +44."
NO_SUCH_NUMBER = "No phone number is given out like that; check the area code and the digits."

_REASONS = {
    ValidationResult.TOO_SHORT: TOO_SHORT,
    ValidationResult.IS_POSSIBLE_LOCAL_ONLY: TOO_SHORT,
    ValidationResult.INVALID_LENGTH: TOO_SHORT,
    ValidationResult.TOO_LONG: TOO_LONG,
    ValidationResult.INVALID_COUNTRY_CODE: BAD_COUNTRY,
}


_PARSE_ERRORS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: BAD_COUNTRY,
    phonenumbers.NumberParseException.TOO_SHORT_NSN: TOO_SHORT,
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: TOO_SHORT,
    phonenumbers.NumberParseException.TOO_LONG: TOO_LONG,
}
# How a number looks once stored: E.164, perhaps with an extension.
STORED = re.compile(r"\+[0-9]{2,15}(;ext=[0-9]+)?")


def _parse(text: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, settings.PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    stored = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return f"{stored};ext={number.extension}" if number.extension else stored


def normalize(text: str) -> str:
    """The number in E.164, or :class:`forms.ValidationError` with a message a person can act
    on. An empty text stays empty."""
    text = text.strip()
    if not text:
        return ""
    try:
        number = phonenumbers.parse(text, settings.PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        message = _PARSE_ERRORS.get(error.error_type, NOT_A_NUMBER)
        raise forms.ValidationError(message, code="invalid") from error
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason != ValidationResult.IS_POSSIBLE:
        raise forms.ValidationError(_REASONS.get(reason, NOT_A_NUMBER), code="invalid")
    if not phonenumbers.is_valid_number(number):
        raise forms.ValidationError(NO_SUCH_NUMBER, code="invalid")
    return _e164(number)


def normalize_or_keep(text: str) -> str:
    """E.164 when the text reads as a number, otherwise the text as it was (for data written
    before numbers were checked)."""
    try:
        return normalize(text)
    except forms.ValidationError:
        return text


def display(stored: str) -> str:
    """The number as people read it: national format for a number of the install's region,
    international for one from elsewhere; anything else (a number stored before they were
    checked) as it was stored."""
    number = _parse(stored) if stored else None
    if number is None or not phonenumbers.is_valid_number(number):
        return stored
    home = phonenumbers.region_code_for_number(number) == settings.PHONE_REGION
    style = PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def tel(stored: str) -> str:
    """The number for a ``tel:`` link: E.164 with no spaces (and ``;ext=`` for an extension), or
    the digits and a leading + of something unreadable."""
    number = _parse(stored) if stored else None
    if number is None or not phonenumbers.is_valid_number(number):
        plus = "+" if stored.strip().startswith("+") else ""
        return plus + "".join(ch for ch in stored if ch.isdigit())
    return _e164(number)


class PhoneField(forms.CharField):
    """A phone number as typed, cleaned to E.164."""

    widget = forms.TelInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value):
        return normalize(super().to_python(value))

    def prepare_value(self, value):
        # A stored number is shown as people write it; a refused one as it was typed.
        if isinstance(value, str) and STORED.fullmatch(value):
            return display(value)
        return value
