"""Forms a person fills in about themselves."""

from __future__ import annotations

from django import forms

from residents.models import Resident


class PreferencesForm(forms.ModelForm):
    """What a resident lets housemates see of them."""

    class Meta:
        model = Resident
        fields = ["share_milestones", "share_phone"]
        widgets = {
            "share_milestones": forms.CheckboxInput(),
            "share_phone": forms.CheckboxInput(),
        }
