"""The manager's side of peer mentoring: a house's pairs and who waits for a mentor, making and
ending pairings, answering requests, the house's mentoring settings and its alumni mentors.

The house's managers and staff use these pages. None of them shows a word of any entry: counts,
minutes and days only.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from peerlog import selectors, services, visibility
from peerlog.models import AlumniMentor, MentoringSettings, MentorRequest, Pairing
from residents import access
from residents.models import BY_SHOWN_NAME, House, Resident
from residents.selectors import stays_on
from soberhouse import audit
from soberhouse.forms import posted


def _house(request: HttpRequest, slug: str) -> House:
    """A house the user manages (staff: any house), or 404."""
    return access.access_house(request.user, slug)


# Who may be chosen


def mentor_choices(house: House, today: dt.date, settings: MentoringSettings) -> list[Resident]:
    """Current residents with the house's days sober and the house's active alumni mentors, each
    with ``mentees`` (their active pairings anywhere). One query."""
    cutoff = today - dt.timedelta(days=settings.mentor_days_sober)
    living = stays_on(house, today).values("resident_id")
    alumni = AlumniMentor.objects.filter(house=house, resident=OuterRef("pk"), active=True)
    return list(
        Resident.objects.filter(
            Q(pk__in=living, sobriety_date__lte=cutoff) | Q(Exists(alumni) & ~Q(pk__in=living))
        )
        .annotate(mentees=Count("mentoring", filter=Q(mentoring__ends_on__isnull=True)))
        .order_by(BY_SHOWN_NAME, "pk")
    )


def former_residents(house: House, today: dt.date) -> QuerySet[Resident]:
    """Everyone whose stay in the house has ended and who does not live there now."""
    living = stays_on(house, today).values("resident_id")
    return (
        Resident.objects.filter(stays__house=house, stays__move_out__lte=today)
        .exclude(pk__in=living)
        .distinct()
        .order_by(BY_SHOWN_NAME, "pk")
    )


class _ResidentChoiceField(forms.TypedChoiceField):
    """A choice among the residents listed on the page; any resident of the house is accepted
    so that the service, not the list, explains why someone cannot be chosen."""

    def __init__(self, *, residents: QuerySet[Resident], **kwargs):
        self.residents = residents
        super().__init__(coerce=int, **kwargs)

    def valid_value(self, value) -> bool:
        return True

    def clean(self, value):
        pk = super().clean(value)
        if pk in (None, ""):
            return None
        found = self.residents.filter(pk=pk).first()
        if found is None:
            raise ValidationError("Choose someone from the list.")
        return found


class PairingForm(forms.Form):
    mentor = _ResidentChoiceField(
        residents=Resident.objects.none(),
        label="Mentor",
        error_messages={"required": "Choose a mentor."},
    )
    mentee = _ResidentChoiceField(
        residents=Resident.objects.none(),
        label="Mentee",
        error_messages={"required": "Choose who they will mentor."},
    )
    starts_on = forms.DateField(
        label="Starting on",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Give the day the pairing starts."},
    )
    for_request = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, house: House, mentors, mentees, settings, **kwargs):
        super().__init__(*args, **kwargs)
        for_request = self.data.get("for_request") or self.initial.get("for_request")
        if for_request:
            # One form per request on the page: ids of their own.
            self.auto_id = f"id_request{for_request}_%s"
        in_house = Resident.objects.filter(stays__house=house).distinct()
        mentor = self.fields["mentor"]
        mentor.residents = in_house
        mentor.choices = [("", "Choose a mentor")] + [
            (person.pk, f"{person.name} ({person.mentees} of {settings.max_mentees} mentees)")
            for person in mentors
        ]
        mentee = self.fields["mentee"]
        mentee.residents = in_house
        mentee.choices = [("", "Choose a mentee")] + [
            (person.pk, person.name) for person in mentees
        ]
        self.fields["starts_on"].initial = house.today()


class EndForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why it ends",
        choices=[("", "Choose a reason")] + Pairing.EndReason.choices,
        error_messages={"required": "Choose why the pairing ends."},
    )
    note = forms.CharField(label="A note", max_length=200, required=False)


# The mentoring page


def _render_mentoring(
    request: HttpRequest,
    house: House,
    *,
    new_form: PairingForm | None = None,
    request_form: PairingForm | None = None,
    end_form: tuple[int, EndForm] | None = None,
):
    today = house.today()
    settings = services.mentoring_settings_to_read(house)
    view = selectors.house_mentoring(house)
    mentors = mentor_choices(house, today, settings)

    def form(data=None, **initial) -> PairingForm:
        return PairingForm(
            data,
            house=house,
            mentors=mentors,
            mentees=view.without_mentor,
            settings=settings,
            initial=initial,
        )

    failed_request = request_form.data.get("for_request") if request_form else None
    requests = [
        (
            asked,
            request_form
            if failed_request == str(asked.pk)
            else form(mentee=asked.resident_id, for_request=asked.pk),
        )
        for asked in view.requests
    ]
    failed_end = end_form[0] if end_form else None
    pairs = [
        (row, end_form[1] if row.pairing.pk == failed_end else EndForm(auto_id=False))
        for row in view.pairs
    ]
    return render(
        request,
        "peerlog/manage_mentoring.html",
        {
            "house": house,
            "settings": settings,
            "view": view,
            "pairs": pairs,
            "requests": requests,
            "new_form": new_form or form(),
            "reads_logs": visibility.reads_house_logs(request.user, house),
        },
    )


@login_required
def mentoring(request, slug):
    house = _house(request, slug)
    if request.method != "POST":
        return _render_mentoring(request, house)
    today = house.today()
    settings = services.mentoring_settings_to_read(house)
    form = PairingForm(
        request.POST,
        house=house,
        mentors=mentor_choices(house, today, settings),
        mentees=selectors.house_mentoring(house).without_mentor,
        settings=settings,
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            pairing = services.pairing_create(
                house=house,
                mentor=data["mentor"],
                mentee=data["mentee"],
                starts_on=data["starts_on"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"{pairing.mentor.name} and {pairing.mentee.name} are paired. Welcome!"
            )
            return redirect("mentoring_manage", slug=house.slug)
    if form.data.get("for_request"):
        return _render_mentoring(request, house, request_form=form)
    return _render_mentoring(request, house, new_form=form)


@require_POST
@login_required
def request_decline(request, slug, pk):
    house = _house(request, slug)
    asked = get_object_or_404(house.mentor_requests.select_related("resident"), pk=pk)
    try:
        services.mentor_request_answer(
            asked=asked, status=MentorRequest.Status.DECLINED, by=request.user, request=request
        )
    except ValidationError:
        messages.info(request, "That request has been answered already.")
    else:
        messages.success(
            request, f"{asked.resident.name}'s request is set aside for now. They can ask again."
        )
    return redirect("mentoring_manage", slug=house.slug)


@require_POST
@login_required
def pairing_end(request, slug, pk):
    house = _house(request, slug)
    pairing = get_object_or_404(house.pairings.select_related("house", "mentor", "mentee"), pk=pk)
    form = EndForm(request.POST, auto_id=False)
    if form.is_valid():
        try:
            services.pairing_end(
                pairing=pairing,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"The pairing of {pairing.mentor.name} and {pairing.mentee.name} has ended. "
                "Both can still read their log.",
            )
        return redirect("mentoring_manage", slug=house.slug)
    return _render_mentoring(request, house, end_form=(pairing.pk, form))


# Settings and alumni mentors


class MentoringSettingsForm(forms.ModelForm):
    class Meta:
        model = MentoringSettings
        fields = ["mentor_days_sober", "max_mentees", "overdue_days"]
        labels = {
            "mentor_days_sober": "Days sober to mentor",
            "max_mentees": "Most mentees per mentor",
            "overdue_days": "Days before a mentee is overdue for a check-in",
        }


class AlumniForm(forms.Form):
    resident = forms.ModelChoiceField(
        label="Former resident",
        queryset=Resident.objects.none(),
        empty_label="Choose someone",
        error_messages={"required": "Choose who to invite back."},
    )

    def __init__(self, *args, house: House, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = former_residents(house, house.today())


def _render_settings(request, house, *, form=None, alumni_form=None):
    settings = services.mentoring_settings_to_read(house)
    alumni = list(
        AlumniMentor.objects.filter(house=house, active=True)
        .select_related("resident")
        .order_by("created_at")
    )
    return render(
        request,
        "peerlog/manage_settings.html",
        {
            "house": house,
            "form": form or MentoringSettingsForm(instance=settings),
            "alumni_form": alumni_form or AlumniForm(house=house),
            "alumni": alumni,
        },
    )


@login_required
def mentoring_settings(request, slug):
    house = _house(request, slug)
    if request.method != "POST":
        return _render_settings(request, house)
    form = MentoringSettingsForm(posted(request), instance=services.mentoring_settings(house))
    if form.is_valid():
        with transaction.atomic():
            settings = form.save()
            audit.record(
                action="peerlog.settings",
                request=request,
                obj=settings,
                changes={name: form.cleaned_data[name] for name in form.changed_data},
            )
        messages.success(request, "The mentoring settings are saved.")
        return redirect("mentoring_settings", slug=house.slug)
    return _render_settings(request, house, form=form)


@require_POST
@login_required
def alumni_invite(request, slug):
    house = _house(request, slug)
    form = AlumniForm(request.POST, house=house)
    if form.is_valid():
        resident = form.cleaned_data["resident"]
        try:
            services.alumni_mentor_invite(
                house=house, resident=resident, by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error("resident", error)
        else:
            messages.success(
                request, f"{resident.name} is welcome back as a mentor at {house.name}."
            )
            return redirect("mentoring_settings", slug=house.slug)
    return _render_settings(request, house, alumni_form=form)
