from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth import password_validation

from residents.models import PERSON_FIELDS, Invitation, Resident, Stay
from soberhouse import moments
from soberhouse.names import NameField
from soberhouse.phones import PhoneField


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    full_name = NameField(label="Full name", max_length=150, required=False)
    role = forms.ChoiceField(label="Invite as", choices=Invitation.Role.choices)

    def __init__(self, *args, can_invite_managers: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_invite_managers:
            self.fields["role"].choices = [(Invitation.Role.RESIDENT, "Resident")]
            self.fields["role"].initial = Invitation.Role.RESIDENT


class AcceptInvitationForm(forms.Form):
    full_name = NameField(label="Your full name", max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="The password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ; type the same one twice.")
        elif first:
            from soberhouse.models import User

            probe = User(email=self.email, full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(first, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _phone_field(label: str, *, required: bool, help_text: str = "") -> PhoneField:
    return PhoneField(label=label, required=required, help_text=help_text)


class PersonForm(forms.ModelForm):
    """The person: names, contact, birth date and sponsor."""

    phone = _phone_field(
        "Phone",
        required=False,
        help_text="With the area code, as in (562) 555-0143; from abroad, + and the country code.",
    )
    sponsor_phone = _phone_field("Sponsor's phone", required=False)

    class Meta:
        model = Resident
        fields = PERSON_FIELDS
        widgets = {"date_of_birth": DateInput()}
        field_classes = dict.fromkeys(("legal_name", "preferred_name", "sponsor_name"), NameField)

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_date_of_birth(self):
        born = self.cleaned_data.get("date_of_birth")
        if born and born > self.today - dt.timedelta(days=365 * 16):
            raise forms.ValidationError("Check the year: that would make them younger than 16.")
        if born and born.year < 1900:
            raise forms.ValidationError("Check the year: it is before 1900.")
        return born


class EmergencyContactForm(forms.Form):
    name = NameField(label="Name", max_length=150)
    relation = forms.CharField(label="Relation", max_length=60)
    phone = _phone_field("Phone", required=True)


class _ContactsBase(forms.BaseFormSet):
    row_name = "Emergency contact"  # how the error summary names a row

    def _kept(self) -> list[forms.Form]:
        # A row counts when it holds a contact, whether typed now or shown from the record and
        # left as it was (has_changed() is False for those); the blank extra row does not.
        return [
            form
            for form in self.forms
            if form.cleaned_data.get("name") and not self._should_delete_form(form)
        ]

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        if not self._kept():
            raise forms.ValidationError("Add at least one emergency contact.")

    def contacts(self) -> list[dict[str, str]]:
        return [
            {key: form.cleaned_data[key] for key in ("name", "relation", "phone")}
            for form in self._kept()
        ]


# Two rows free: a second contact can be given at admission without a round trip.
EmergencyContactFormSet = forms.formset_factory(
    EmergencyContactForm, formset=_ContactsBase, extra=2, can_delete=True, max_num=6
)


def _not_after(day: dt.date | None, limit: dt.date, message: str) -> dt.date | None:
    if day and day > limit:
        raise forms.ValidationError(message)
    return day


class StayDatesForm(forms.Form):
    """Where and from when: shared by admission and re-admission."""

    bed = forms.CharField(label="Bed or room", max_length=40, required=False)
    move_in = forms.DateField(label="Move-in date", widget=DateInput())
    expected_move_out = forms.DateField(
        label="Expected move-out", required=False, widget=DateInput()
    )

    def clean(self):
        cleaned = super().clean()
        move_in, expected = cleaned.get("move_in"), cleaned.get("expected_move_out")
        if move_in and expected and expected <= move_in:
            self.add_error("expected_move_out", "The expected move-out comes after the move-in.")
        return cleaned


class AdmitForm(StayDatesForm):
    email = forms.EmailField(
        label="Email address",
        help_text="Their sign-in. The invitation goes here.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    sobriety_date = forms.DateField(
        label="Sobriety date",
        required=False,
        widget=DateInput(),
        help_text="Their first day sober.",
    )
    field_order = ["email", "sobriety_date", "bed", "move_in", "expected_move_out"]

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["move_in"].initial = today

    def clean_sobriety_date(self):
        return _not_after(
            self.cleaned_data.get("sobriety_date"), self.today, "A sobriety date cannot be ahead."
        )


class NewPersonForm(forms.Form):
    """Shown when someone on record may be the person being admitted: the manager says it is
    someone else before a second record is made."""

    different_person = forms.BooleanField(
        label="This is a different person: admit them as someone new",
        required=False,
    )

    summary_labels = {"different_person": "Stayed before"}
    MESSAGE = (
        "Someone on record may be this person. Re-admit them, or tick the box if this is "
        "someone new."
    )


class ReadmitForm(StayDatesForm):
    house = forms.ModelChoiceField(label="House", queryset=None, empty_label=None)
    field_order = ["house", "bed", "move_in", "expected_move_out"]

    def __init__(self, *args, houses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = houses


class DischargeForm(forms.Form):
    move_out = forms.DateField(label="Move-out date", widget=DateInput())
    exit_reason = forms.ChoiceField(label="Reason", choices=Stay.ExitReason.choices)
    exit_notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, stay, **kwargs):
        super().__init__(*args, **kwargs)
        self.stay = stay
        self.fields["move_out"].initial = stay.house.today()
        # A transfer has its own page, which opens the stay in the other house.
        self.fields["exit_reason"].choices = [
            choice for choice in self.fields["exit_reason"].choices if choice[0] != "transferred"
        ]

    def clean_move_out(self):
        move_out = self.cleaned_data["move_out"]
        if move_out < self.stay.move_in:
            raise forms.ValidationError(
                "The move-out cannot come before the move-in "
                f"({moments.shown(self.stay.move_in, 'date')})."
            )
        return move_out


class TransferForm(forms.Form):
    to_house = forms.ModelChoiceField(label="To house", queryset=None, empty_label=None)
    on = forms.DateField(label="Date of the move", widget=DateInput())
    bed = forms.CharField(label="Bed or room there", max_length=40, required=False)

    def __init__(self, *args, houses, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_house"].queryset = houses
        self.fields["on"].initial = today


class SobrietyDateForm(forms.Form):
    new_date = forms.DateField(label="New sobriety date", widget=DateInput())
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept with the history. Returning to use is part of many recoveries.",
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_new_date(self):
        return _not_after(
            self.cleaned_data["new_date"], self.today, "A sobriety date cannot be ahead."
        )


class SearchForm(forms.Form):
    q = forms.CharField(label="Name or email", max_length=100, required=False)
