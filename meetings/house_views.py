"""A house's standing records of its meetings: the decisions log, the officers and their terms,
and (for its managers) the meeting settings."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chores.models import WEEKDAYS
from meetings import selectors, services
from meetings.models import HouseMeetingSettings
from meetings.officers import current_officers
from residents import access
from soberhouse.forms import posted

DECISIONS_PAGE_SIZE = 50


def _house(request, slug):
    """A house the person may see: its residents, its managers, staff."""
    return get_object_or_404(access.houses_visible_to(request.user), slug=slug)


@login_required
def decisions(request, slug):
    house = _house(request, slug)
    query = " ".join(request.GET.get("q", "").split())[:100]
    page = Paginator(selectors.decisions(house, query), DECISIONS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "meetings/decisions.html",
        {
            "house": house,
            "query": query,
            "page": page,
            "pager_query": urlencode({"q": query}) if query else "",
        },
    )


@login_required
def officers(request, slug):
    house = _house(request, slug)
    today = house.today()
    terms = list(selectors.officer_terms(house))
    serving = set(current_officers(house, today).values_list("pk", flat=True))
    return render(
        request,
        "meetings/officers.html",
        {
            "house": house,
            "current": [term for term in terms if term.pk in serving],
            "history": [term for term in terms if term.pk not in serving],
            "may_manage": access.is_staff(request.user)
            or access.houses_managed_by(request.user).filter(pk=house.pk).exists(),
        },
    )


@require_POST
@login_required
def officer_end(request, slug, pk):
    house = access.access_house(request.user, slug)
    term = get_object_or_404(house.officers.select_related("house", "resident"), pk=pk)
    today = house.today()
    if term.ends_on <= today:
        messages.info(request, "That term has ended already.")
    else:
        services.officer_end(term=term, on=today, by=request.user, request=request)
        messages.success(
            request,
            f"{term.resident.name}'s term as {term.get_office_display().lower()} ends today.",
        )
    return redirect("officers", slug=house.slug)


class MeetingSettingsForm(forms.ModelForm):
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
    )
    outside_reminder_weekday = forms.TypedChoiceField(
        label="Remind residents short of outside meetings on",
        coerce=int,
        choices=list(enumerate(WEEKDAYS)),
    )

    class Meta:
        model = HouseMeetingSettings
        fields = [
            "weekday",
            "time",
            "place",
            "quorum",
            "passing",
            "outside_meetings_expected",
            "outside_reminder_weekday",
            "officer_term_months",
        ]
        labels = {
            "time": "Time",
            "quorum": "A vote counts when",
            "passing": "A motion passes with",
            "outside_meetings_expected": "Outside meetings expected each week",
            "officer_term_months": "Officers serve for (months)",
        }
        widgets = {"time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


@login_required
def meeting_settings(request, slug):
    house = access.access_house(request.user, slug)
    settings = (
        services.meeting_settings(house)
        if request.method == "POST"
        else services.meeting_settings_to_read(house)
    )
    form = MeetingSettingsForm(posted(request), instance=settings)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_settings_save(
                form.save(commit=False), request=request, changed=form.changed_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The meeting settings are saved.")
            return redirect("meeting_settings", slug=house.slug)
    return render(request, "meetings/settings.html", {"house": house, "form": form})
