"""House rules: a manager publishes versions; each resident reads and signs on their phone."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from residents import access
from residents import rules as house_rules
from residents.models import Resident, Stay
from residents.selectors import current_rules
from soberhouse.forms import posted
from soberhouse.names import NameField


class RulesForm(forms.Form):
    text = forms.CharField(
        label="House rules",
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text="Publishing makes a new version; every resident is asked to read and sign it.",
    )


class SignForm(forms.Form):
    typed_name = NameField(
        label="Your full name",
        max_length=150,
        widget=forms.TextInput(
            attrs={"autocomplete": "name", "autocapitalize": "words", "spellcheck": "false"}
        ),
    )
    agree = forms.BooleanField(
        label="I have read the house rules and agree to keep them",
        error_messages={"required": "Tick the box to say you have read the rules and agree."},
    )
    # The version the person read, so that a version published meanwhile is not signed unread.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, resident: Resident, **kwargs):
        super().__init__(*args, **kwargs)
        self.resident = resident

    def clean_typed_name(self) -> str:
        # The service checks again; checking here too shows every mistake in one round.
        typed_name = self.cleaned_data["typed_name"]
        try:
            house_rules.check_typed_name(self.resident, typed_name)
        except ValidationError as error:
            raise ValidationError(error.message_dict["typed_name"]) from error
        return typed_name


@access.manager_required
def rules_manage(request, slug):
    house = access.access_house(request.user, slug)
    versions = list(house.rules_versions.select_related("published_by").order_by("-version"))
    current = versions[0] if versions else None
    form = RulesForm(posted(request), initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            rules = house_rules.rules_publish(
                house=house, text=form.cleaned_data["text"], by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Version {rules.version} is published. Residents will be asked to read and sign "
                "it.",
            )
            return redirect("rules_manage", slug=house.slug)
    return render(
        request,
        "residents/rules_manage.html",
        {
            "house": house,
            "current": current,
            "older": versions[1:],
            "unsigned": list(house_rules.unsigned_residents(house, current)),
            "living_here": Stay.objects.current().filter(house=house).count(),
            "form": form,
        },
    )


@access.resident_required
def rules_sign(request):
    stay = access.roles(request).stay
    current = current_rules(stay.house)
    signatures = list(house_rules.signed_versions(stay.resident))
    signed_now = next((s for s in signatures if current and s.rules_id == current.pk), None)
    if request.method == "POST" and signed_now is not None:
        # A second tap on a slow connection: the first one already did the work.
        return _signed(request, stay)
    form = None
    if current is not None and signed_now is None:
        form = SignForm(
            posted(request), resident=stay.resident, initial={"version": current.version}
        )
    if request.method == "POST" and form is not None and form.is_valid():
        if form.cleaned_data["version"] != current.version:
            messages.info(
                request,
                "The house rules changed while you were reading. Please read this version, "
                "then sign it.",
            )
            return redirect("rules_sign")
        try:
            house_rules.rules_sign(
                rules=current,
                resident=stay.resident,
                typed_name=form.cleaned_data["typed_name"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _signed(request, stay)
    return render(
        request,
        "residents/rules_sign.html",
        {
            "house": stay.house,
            "current": current,
            "signed_now": signed_now,
            "earlier": [s for s in signatures if s is not signed_now],
            "form": form,
        },
    )


def _signed(request, stay: Stay):
    messages.success(
        request,
        f"Thank you for signing the {stay.house.name} rules. Keeping them together is what makes "
        "the house a safe place to recover.",
    )
    return redirect("today")
