"""A resident's record and what a manager does with it: admit, edit, transfer, discharge,
re-admit, change the sobriety date, and find someone by name."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from residents import access, milestones, services
from residents.forms import (
    AdmitForm,
    DischargeForm,
    EmergencyContactFormSet,
    NewPersonForm,
    PersonForm,
    ReadmitForm,
    SearchForm,
    SobrietyDateForm,
    StayDatesForm,
    TransferForm,
)
from residents.models import PERSON_FIELDS
from residents.selectors import Matches, likely_matches, search_residents
from soberhouse import audit, moments
from soberhouse.forms import posted

# The database's words for a conflicting stay, and which field each is about.
_BED_TAKEN = "Someone else has this bed on these dates."
_DATES_OVERLAP = "These dates overlap another stay of this person."


def _add_errors(form, error: ValidationError, *, date_field: str) -> None:
    """Put a service's refusal beside the field it is about: a field the form has, the bed for a
    double-booked bed, the date for overlapping stays; anything else above the form."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for field, messages_ in by_field.items():
        for message in messages_:
            if field in form.fields:
                form.add_error(field, message)
            elif message == _BED_TAKEN and "bed" in form.fields:
                form.add_error("bed", message)
            elif message == _DATES_OVERLAP and date_field in form.fields:
                form.add_error(date_field, message)
            else:
                form.add_error(None, message)


def _latest_stay(resident):
    # A transfer on the day of moving in leaves two stays with one move-in date; the later row
    # is the one under way.
    return resident.stays.select_related("house").order_by("-move_in", "-pk").first()


def _show(request, resident, template: str, context: dict):
    """Render a page that shows a resident's record, and leave the read in the audit trail.

    The read is recorded where the page is drawn, not where the resident is looked up: a form
    posted with a mistake shows the record again just as opening the page does, and a change
    that succeeds redirects without showing it (its service records the change)."""
    audit.record(action="resident.view", request=request, obj=resident)
    return render(request, template, {"resident": resident, **context})


def _resident_to_manage(request, pk):
    """The resident a manager is about to change, or 404."""
    return access.access_resident(request.user, pk, manage=True)


@login_required
def resident_detail(request, pk):
    resident = access.access_resident(request.user, pk)
    stays = list(access.stays_visible_to(request.user, resident).order_by("-move_in", "-pk"))
    current = next((stay for stay in stays if not stay.is_over()), None)
    can_manage = access.residents_managed_by(request.user).filter(pk=pk).exists()
    context = {"stays": stays, "current": current, "can_manage": can_manage}
    # A manager whose house the person has left sees their time there, not how they are now.
    if can_manage or resident.user_id == request.user.pk:
        today = (current or stays[0]).house.today() if stays else None
        sober = resident.sobriety_date
        context.update(
            full_record=True,
            house_zone=(current or stays[0]).house.time_zone if stays else "UTC",
            contacts=resident.emergency_contacts.all(),
            sobriety_changes=resident.sobriety_changes.select_related("changed_by"),
            days_sober=milestones.days_sober(sober, today) if sober and today else None,
            next_milestone=milestones.next_milestone(sober, today) if sober and today else None,
        )
    return _show(request, resident, "residents/resident_detail.html", context)


@access.manager_required
def resident_admit(request, slug):
    """Admit someone new. Every mistake is said in one round: the three parts of the form are
    checked together with what the service would refuse (an email on record, no bed free), and
    anyone on record who may be the same person is shown with a way to re-admit them instead."""
    house = access.access_house(request.user, slug)
    today = house.today()
    data = posted(request)
    person = PersonForm(data, today=today, prefix="person")
    stay = AdmitForm(data, today=today, prefix="stay")
    contacts = EmergencyContactFormSet(data, prefix="contacts")
    new_person = NewPersonForm(data, prefix="match")
    matches = Matches(shown=[])
    if request.method == "POST":
        parts = [person, stay, contacts, new_person]
        for part in parts:
            part.is_valid()
        _add_admission_problems(house, stay)
        matches = _matches_for(request, person, stay)
        if matches and not new_person.cleaned_data.get("different_person"):
            new_person.add_error("different_person", NewPersonForm.MESSAGE)
        if not any(_has_errors(part) for part in parts):
            new_stay = _admit(request, house, person=person, stay=stay, contacts=contacts)
            if new_stay is not None:
                name = new_stay.resident.name
                messages.success(request, f"{name} is admitted; their invitation is on its way.")
                return redirect("resident_detail", pk=new_stay.resident.pk)
    return render(
        request,
        "residents/resident_admit.html",
        {
            # In the order of the page, which the error summary follows.
            "house": house,
            "matches": matches,
            "new_person": new_person,
            "person": person,
            "stay": stay,
            "contacts": contacts,
        },
    )


def _admit(request, house, *, person, stay, contacts):
    """The new stay, or None with the service's refusal put beside its field."""
    try:
        return services.resident_admit(
            house=house,
            by=request.user,
            request=request,
            email=stay.cleaned_data["email"],
            person=person.cleaned_data,
            sobriety_date=stay.cleaned_data["sobriety_date"],
            contacts=contacts.contacts(),
            move_in=stay.cleaned_data["move_in"],
            bed=stay.cleaned_data["bed"],
            expected_move_out=stay.cleaned_data["expected_move_out"],
        )
    except ValidationError as error:
        _add_errors(stay, error, date_field="move_in")
        return None


def _has_errors(part) -> bool:
    # A formset's ``errors`` is a list with one (perhaps empty) dict per row.
    return bool(part.total_error_count() if hasattr(part, "total_error_count") else part.errors)


def _add_admission_problems(house, stay: AdmitForm) -> None:
    """What the service would refuse, beside its field, for the fields that are valid so far."""
    cleaned = stay.cleaned_data
    problems = services.admission_problems(
        house=house,
        email=cleaned.get("email"),
        move_in=cleaned.get("move_in"),
        bed=cleaned.get("bed"),
    )
    for field, message in problems.items():
        stay.add_error(field, message)


def _matches_for(request, person: PersonForm, stay: AdmitForm) -> Matches:
    """People on record who may be the one being admitted. Showing them shows their records,
    so the read is in the audit trail, as a search is."""
    typed = person.cleaned_data
    matches = likely_matches(
        request.user,
        email=stay.cleaned_data.get("email") or "",
        phone=typed.get("phone") or "",
        names=(typed.get("legal_name") or "", typed.get("preferred_name") or ""),
        date_of_birth=typed.get("date_of_birth"),
    )
    if matches.shown:
        audit.record(
            action="resident.search",
            request=request,
            changes={"found": [match.resident.pk for match in matches.shown], "at": "admission"},
        )
    return matches


@login_required
def resident_edit(request, pk):
    resident = _resident_to_manage(request, pk)
    latest = _latest_stay(resident)
    today = latest.house.today() if latest else None
    data = posted(request)
    person = PersonForm(data, instance=resident, today=today or _utc_today(), prefix="person")
    initial = list(resident.emergency_contacts.values("name", "relation", "phone"))
    contacts = EmergencyContactFormSet(data, initial=initial, prefix="contacts")
    if request.method == "POST" and person.is_valid() and contacts.is_valid():
        services.resident_update(
            resident=resident,
            by=request.user,
            request=request,
            person={field: person.cleaned_data[field] for field in PERSON_FIELDS},
            contacts=contacts.contacts(),
        )
        messages.success(request, "Saved.")
        return redirect("resident_detail", pk=resident.pk)
    return _show(
        request,
        resident,
        "residents/resident_edit.html",
        {"person": person, "contacts": contacts},
    )


def _utc_today():
    return timezone.now().date()


def _open_stay_or_404(resident):
    """The stay under way (or the next to begin): with a transfer ahead two stays are open, the
    one in the old house until the move and the one in the new house after it."""
    stay = resident.stays.open().select_related("house").order_by("move_in", "pk").first()
    if stay is None:
        raise Http404
    return stay


def _show_changes(request, changes: list[str]) -> None:
    """Tell the manager everything the departure ended or handed over, one line each."""
    if not changes:
        messages.info(request, "They held nothing else in the house that needed handing over.")
    for line in changes:
        messages.info(request, line)


@login_required
def resident_discharge(request, pk):
    resident = _resident_to_manage(request, pk)
    stay = _open_stay_or_404(resident)
    form = DischargeForm(posted(request), stay=stay)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.resident_discharge(
                stay=stay, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error, date_field="move_out")
        else:
            messages.success(request, f"{resident.name}'s stay at {stay.house} has ended.")
            _show_changes(request, result.changes)
            return redirect("resident_detail", pk=resident.pk)
    return _show(
        request,
        resident,
        "residents/resident_discharge.html",
        {"stay": stay, "form": form},
    )


@login_required
def resident_stay_edit(request, pk):
    resident = _resident_to_manage(request, pk)
    stay = _open_stay_or_404(resident)
    form = StayDatesForm(
        posted(request),
        initial={
            "bed": stay.bed,
            "move_in": stay.move_in,
            "expected_move_out": stay.expected_move_out,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.stay_update(stay=stay, by=request.user, request=request, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error, date_field="move_in")
        else:
            messages.success(request, "The stay is updated.")
            return redirect("resident_detail", pk=resident.pk)
    return _show(request, resident, "residents/resident_stay.html", {"stay": stay, "form": form})


@login_required
def resident_transfer(request, pk):
    resident = _resident_to_manage(request, pk)
    stay = _open_stay_or_404(resident)
    # A manager of both houses, or staff: the target must be one the user manages too.
    houses = access.houses_managed_by(request.user).exclude(pk=stay.house_id).order_by("name")
    form = TransferForm(posted(request), houses=houses, today=stay.house.today())
    if request.method == "POST" and form.is_valid():
        try:
            result = services.resident_transfer(
                stay=stay, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error, date_field="on")
        else:
            new_stay = result.new_stay
            messages.success(
                request,
                f"{resident.name} moves to {new_stay.house} "
                f"on {moments.shown(new_stay.move_in, 'day_month')}.",
            )
            _show_changes(request, result.changes)
            return redirect("resident_detail", pk=resident.pk)
    return _show(
        request,
        resident,
        "residents/resident_transfer.html",
        {"stay": stay, "form": form, "has_houses": houses.exists()},
    )


@login_required
def resident_readmit(request, pk):
    resident = _resident_to_manage(request, pk)
    houses = access.houses_managed_by(request.user).order_by("name")
    form = ReadmitForm(posted(request), houses=houses)
    if request.method == "GET":
        latest = _latest_stay(resident)
        if latest:
            form.initial.update(house=latest.house_id, move_in=latest.house.today())
    if request.method == "POST" and form.is_valid():
        try:
            stay = services.resident_readmit(
                resident=resident, by=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error, date_field="move_in")
        else:
            messages.success(
                request,
                f"Welcome back, {resident.name}: {stay.house} "
                f"from {moments.shown(stay.move_in, 'day_month')}.",
            )
            return redirect("resident_detail", pk=resident.pk)
    return _show(request, resident, "residents/resident_readmit.html", {"form": form})


@login_required
def resident_sobriety_date(request, pk):
    resident = _resident_to_manage(request, pk)
    latest = _latest_stay(resident)
    form = SobrietyDateForm(posted(request), today=latest.house.today() if latest else _utc_today())
    if request.method == "POST" and form.is_valid():
        services.sobriety_date_change(
            resident=resident, by=request.user, request=request, **form.cleaned_data
        )
        messages.success(request, "The sobriety date is updated; the earlier one is kept.")
        return redirect("resident_detail", pk=resident.pk)
    return _show(request, resident, "residents/resident_sobriety.html", {"form": form})


@access.manager_required
def resident_search(request):
    # The words typed are a person's name or email: they are posted, so that they stay out of
    # the address, and so out of the browser's history and the access logs.
    form = SearchForm(posted(request))
    results = []
    if form.is_valid() and form.cleaned_data["q"]:
        latest = (
            access.residents_visible_to(request.user).select_related("user").order_by("legal_name")
        )
        results = list(search_residents(latest, form.cleaned_data["q"])[:100])
        _attach_latest_stays(request.user, results)
        # Who looked for whom: the names found, not the words typed.
        audit.record(
            action="resident.search",
            request=request,
            changes={"found": [resident.pk for resident in results]},
        )
    return render(request, "residents/resident_search.html", {"form": form, "results": results})


def _attach_latest_stays(user, residents) -> None:
    """Each resident's latest stay among those the user may see."""
    latest = {}
    for stay in (
        access.stays_visible_to_in_bulk(user, residents)
        .select_related("house")
        .order_by("resident", "-move_in", "-pk")
    ):
        latest.setdefault(stay.resident_id, stay)
    for resident in residents:
        resident.latest_stay = latest.get(resident.pk)
