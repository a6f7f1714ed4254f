"""A person's name is one line: control characters are refused wherever a name is typed."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from residents.forms import (
    AcceptInvitationForm,
    EmergencyContactForm,
    InvitationForm,
    PersonForm,
)
from residents.models import EmergencyContact, Resident
from residents.rules_views import SignForm
from soberhouse.models import User
from soberhouse.names import MESSAGE, NameField, validate_name

BAD = ["Dana\nWhitfield", "Dana\rWhitfield", "Dana\x00Whitfield", "Dana\tW", "Dana\u202eW", "D\x85"]


@pytest.mark.parametrize("name", BAD)
def test_control_characters_are_refused(name):
    with pytest.raises(ValidationError) as refused:
        validate_name(name)
    assert refused.value.messages == [MESSAGE]


@pytest.mark.parametrize("name", ["Dana Whitfield", "Zoë O'Brien-Núñez", "محمد", "李小龙", "J.J."])
def test_names_people_have_pass(name):
    validate_name(name)


def test_a_nul_is_refused_once_in_one_message():
    with pytest.raises(ValidationError) as refused:
        NameField().clean("Dana\x00Whitfield")
    assert refused.value.messages == [MESSAGE]


def _name_fields() -> list[tuple[type[forms.Form], str, dict]]:
    import datetime as dt

    today = {"today": dt.date(2026, 12, 1)}
    return [
        (PersonForm, "legal_name", today),
        (PersonForm, "preferred_name", today),
        (PersonForm, "sponsor_name", today),
        (EmergencyContactForm, "name", {}),
        (InvitationForm, "full_name", {"can_invite_managers": False}),
        (AcceptInvitationForm, "full_name", {"email": "a@example.test"}),
        (SignForm, "typed_name", {"resident": Resident(legal_name="Dana")}),
    ]


@pytest.mark.parametrize(("form_class", "field", "kwargs"), _name_fields())
def test_every_form_that_takes_a_name_refuses_a_line_break(form_class, field, kwargs):
    form = form_class(data={field: "Dana\nWhitfield"}, **kwargs)
    form.is_valid()
    assert MESSAGE in form.errors.get(field, []), form.errors


def test_every_stored_name_has_the_validator():
    fields = [
        User._meta.get_field("full_name"),
        Resident._meta.get_field("legal_name"),
        Resident._meta.get_field("preferred_name"),
        Resident._meta.get_field("sponsor_name"),
        EmergencyContact._meta.get_field("name"),
    ]
    assert all(validate_name in field.validators for field in fields)
