"""A person's own pages: profile and preferences, and the house directory for residents."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.http import Http404
from django.shortcuts import redirect, render

from residents import access
from residents.me_forms import PreferencesForm
from residents.models import Resident, Stay
from soberhouse import audit
from soberhouse.forms import posted

PREFERENCE_FIELDS = tuple(PreferencesForm.Meta.fields)


@login_required
def me(request):
    resident = Resident.objects.filter(user=request.user).first()
    if resident is None:
        if request.method == "POST":
            raise Http404
        return render(request, "residents/me.html", {"form": None})
    # A ModelForm writes the posted values onto its instance while validating: take the
    # snapshot first.
    before = _preferences(resident)
    form = PreferencesForm(posted(request), instance=resident)
    if request.method == "POST" and form.is_valid():
        changed = _preferences_save(form=form, before=before, request=request)
        messages.success(request, "Your preferences are saved." if changed else "Nothing changed.")
        return redirect("me")
    return render(request, "residents/me.html", {"form": form})


def _preferences(resident: Resident) -> dict[str, bool]:
    return {field: getattr(resident, field) for field in PREFERENCE_FIELDS}


@transaction.atomic
def _preferences_save(*, form: PreferencesForm, before: dict[str, bool], request) -> bool:
    """Save the form and record what changed; False when nothing did."""
    resident = form.save()
    changes = audit.diff(before, _preferences(resident))
    if changes:
        audit.record(action="resident.preferences", request=request, obj=resident, changes=changes)
    return bool(changes)


@dataclass(frozen=True)
class DirectoryEntry:
    name: str
    phone: str
    is_you: bool
    listed: bool


@access.resident_required
def house_directory(request):
    """Housemates living in the viewer's house now who chose to share their number. Nobody who
    did not opt in appears, not even as a placeholder: being there is itself private."""
    stay = access.roles(request).stay
    stays = (
        Stay.objects.current()
        .filter(house=stay.house_id)
        .filter(Q(resident__share_phone=True) | Q(resident=stay.resident_id))
        .select_related("resident")
        .order_by(
            Lower(
                Coalesce(NullIf(F("resident__preferred_name"), Value("")), "resident__legal_name")
            ),
            "resident_id",
        )
    )
    entries = [
        DirectoryEntry(
            name=other.resident.name,
            phone=other.resident.phone,
            is_you=other.resident_id == stay.resident_id,
            listed=other.resident.share_phone,
        )
        for other in stays
    ]
    return render(
        request,
        "residents/directory.html",
        {
            "house": stay.house,
            "entries": entries,
            "others": sum(1 for entry in entries if not entry.is_you),
        },
    )
