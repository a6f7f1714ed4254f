"""Phone numbers read with phonenumbers, stored in E.164, shown as people write them."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template

from soberhouse import phones


@pytest.mark.parametrize(
    "typed",
    ["(415) 555-0123", "+1 415 555 0123", "415.555.0123", "415-555-0123", " 4155550123 "],
)
def test_common_typings_are_stored_in_e164(typed):
    assert phones.normalize(typed) == "+14155550123"


def test_a_number_from_abroad_keeps_its_country():
    assert phones.normalize("+44 20 7946 0018") == "+442079460018"


def test_an_extension_is_kept_as_rfc_3966_writes_it():
    assert phones.normalize("415 555 0123 ext. 12") == "+14155550123;ext=12"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("555", phones.TOO_SHORT),
        ("555-0123", phones.TOO_SHORT),
        ("call me", phones.NOT_A_NUMBER),
        ("+1 415 555 01234", phones.TOO_LONG),
        ("+999 1234 5678", phones.BAD_COUNTRY),
        # Possible in length, but no area code 555 is given out.
        ("(555) 010-2030", phones.NO_SUCH_NUMBER),
    ],
)
def test_impossible_numbers_are_refused_in_words(typed, message):
    with pytest.raises(forms.ValidationError) as refused:
        phones.normalize(typed)
    assert refused.value.messages == [message]


def test_the_message_for_555_asks_for_the_area_code():
    field = phones.PhoneField(required=True)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("555")
    assert refused.value.messages == [
        "That doesn't look like a full phone number — include the area code."
    ]


def test_the_region_is_a_setting(settings):
    settings.PHONE_REGION = "GB"
    assert phones.normalize("020 7946 0018") == "+442079460018"
    assert phones.display("+442079460018") == "020 7946 0018"
    assert phones.display("+14155550123") == "+1 415-555-0123"


def test_numbers_are_shown_nationally_and_dialled_in_e164():
    page = Template('{% load phones %}<a href="tel:{{ n|tel }}">{{ n|phone }}</a>').render(
        Context({"n": "+14155550123"})
    )
    assert page == '<a href="tel:+14155550123">(415) 555-0123</a>'


def test_a_number_stored_before_the_checks_is_shown_as_it_was_and_dialled_without_spaces():
    assert phones.display("555 0101 x") == "555 0101 x"
    assert phones.tel("+1 (555) 010-2030") == "+15550102030"
    assert phones.tel("555-0101") == "5550101"


def test_a_form_shows_a_stored_number_as_people_write_it():
    class Form(forms.Form):
        phone = phones.PhoneField(required=False)

    assert 'value="(415) 555-0123"' in str(Form(initial={"phone": "+14155550123"})["phone"])
    # What was typed and refused comes back as typed.
    assert 'value="555"' in str(Form(data={"phone": "555"})["phone"])
