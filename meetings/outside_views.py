"""The outside meeting log on the phone: a resident logs the meetings they went to (three taps,
or one to log a recent one again), and the house's managers, staff and elected secretary see
the house's week and verify entries. Plain forms: everything works without JavaScript."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from chores.dashboard import week_start
from meetings import outside
from meetings.models import OutsideMeeting
from meetings.officers import is_secretary
from residents import access
from residents.models import House
from soberhouse import moments
from soberhouse.forms import posted


class OutsideMeetingForm(forms.Form):
    fellowship = forms.ChoiceField(
        choices=OutsideMeeting.Fellowship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": outside.FELLOWSHIP_REQUIRED},
    )
    format = forms.ChoiceField(
        label="How",
        choices=OutsideMeeting.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": outside.FORMAT_REQUIRED},
    )
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": outside.DAY_REQUIRED,
            "invalid": "Enter the day as a date, like 2026-03-14.",
        },
    )
    name = forms.CharField(
        label="Meeting name",
        # No max_length here: the service says how long it is, and nothing typed is cut off.
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "recent-names"}),
        error_messages={"required": outside.NAME_REQUIRED},
    )
    note = forms.CharField(
        label="A note for yourself",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, first_day: dt.date, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["day"].widget.attrs.update(min=first_day.isoformat(), max=today.isoformat())


def _form(request, mine: outside.MyMeetings) -> OutsideMeetingForm:
    last = mine.last
    initial = {
        "day": mine.today,
        "format": last.format if last else OutsideMeeting.Format.IN_PERSON,
        "fellowship": last.fellowship if last else None,
        "name": last.name if last else "",
    }
    first_day = max(mine.today - dt.timedelta(days=outside.DAYS_BACK), mine.stay.move_in)
    return OutsideMeetingForm(
        posted(request), initial=initial, first_day=first_day, today=mine.today
    )


@access.resident_required
def my_outside_meetings(request):
    stay = access.roles(request).stay
    mine = outside.my_meetings(stay)
    form = _form(request, mine)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = outside.outside_meeting_log(stay=stay, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            count = outside.my_week_count(stay)
            messages.success(request, f"“{meeting.name}” is logged: {count.progress}.")
            return redirect("my_outside_meetings")
    context = {
        "mine": mine,
        "form": form,
        "is_secretary": is_secretary(stay.resident, stay.house, mine.today),
    }
    return render(request, "meetings/outside_mine.html", context)


@require_POST
@access.resident_required
def outside_meeting_delete(request, pk):
    stay = access.roles(request).stay
    meeting = get_object_or_404(
        OutsideMeeting.objects.filter(resident_id=stay.resident_id).select_related("house"), pk=pk
    )
    try:
        outside.outside_meeting_delete(meeting=meeting, by=stay.resident, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"“{meeting.name}” on {moments.shown(meeting.day, 'weekday')} is out of your log.",
        )
    return redirect("my_outside_meetings")


def _access_house_log(request, slug: str) -> House:
    """The house whose log the user may see and verify (its managers, staff, its secretary while
    living there), or 404."""
    roles = access.roles(request)
    house = get_object_or_404(access.houses_visible_to(request.user), slug=slug)
    if roles.is_staff or house in roles.managed_houses:
        return house
    stay = roles.stay
    if stay is not None and stay.house_id == house.pk and is_secretary(stay.resident, house):
        return house
    raise Http404


def _monday_of(value: str | None, today: dt.date) -> dt.date:
    """The Monday of the week asked for; this week for anything unreadable or still ahead."""
    this_week = week_start(today)
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        return this_week
    if day < dt.date(2000, 1, 3):
        return this_week
    return min(week_start(day), this_week)


@require_GET
@login_required
def house_outside_meetings(request, slug):
    house = _access_house_log(request, slug)
    today = house.today()
    week = outside.house_week(house, monday=_monday_of(request.GET.get("week"), today))
    stay = access.roles(request).stay
    context = {
        "house": house,
        "week": week,
        "previous_week": week.monday - dt.timedelta(weeks=1),
        "next_week": week.monday + dt.timedelta(weeks=1),
        "my_resident_id": stay.resident_id if stay is not None else None,
    }
    return render(request, "meetings/outside_house.html", context)


@require_POST
@login_required
def outside_meeting_verify(request, pk):
    seen = OutsideMeeting.objects.filter(house__in=access.houses_visible_to(request.user))
    meeting = get_object_or_404(seen.select_related("house", "resident"), pk=pk)
    if not outside.can_verify(request.user, meeting.house):
        raise Http404
    wanted = request.POST.get("verified")
    verified = meeting.verified_at is None if wanted not in ("1", "0") else wanted == "1"
    try:
        changed = outside.outside_meeting_verify(
            meeting=meeting, by=request.user, verified=verified, request=request
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        who = meeting.resident.name
        if not changed:
            messages.info(request, "Nothing to change: someone else got there first.")
        elif verified:
            messages.success(request, f"{who}'s “{meeting.name}” is verified. Thank you.")
        else:
            messages.success(request, f"{who}'s “{meeting.name}” is no longer marked verified.")
    url = reverse("house_outside_meetings", args=[meeting.house.slug])
    return redirect(f"{url}?week={week_start(meeting.day):%Y-%m-%d}#resident-{meeting.resident_id}")
