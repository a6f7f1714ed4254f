"""The manager's (and chore coordinator's) side: the catalogue and the house's chore settings, the
rotation preview with pins, the chore history with its swaps, and the chore chart (which the
house's residents see too).

The house's chore coordinator, while living in the house, manages its chores like a manager:
these pages only, nothing else of the house.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet, Value
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chores import dashboard, services
from chores.forms import ChoreForm, ChoreSettingsForm, HistoryForm, PinForm, current_residents
from chores.generation import DAYS_AHEAD, assignments_generate
from chores.models import WEEKDAYS, Assignment, Chore
from chores.services import OPEN, chore_settings
from residents import access
from residents.models import House, Membership, Resident, Stay
from soberhouse import audit, moments
from soberhouse.forms import Problem, posted

PREVIEW_DAYS = 14


def _houses_for_chores(user) -> QuerySet[House]:
    """Houses whose chores the user may manage, each with ``user_manages``: staff and managers
    (True), and the house's chore coordinator while living there (False)."""
    if access.is_staff(user):
        return House.objects.annotate(user_manages=Value(True))
    manages = Membership.objects.filter(
        house=OuterRef("pk"), user=user, role=Membership.Role.MANAGER
    )
    coordinates = Stay.objects.current().filter(
        house=OuterRef("pk"), resident__user=user, house__chore_settings__coordinator=F("resident")
    )
    return House.objects.annotate(user_manages=Exists(manages)).filter(
        Exists(manages) | Exists(coordinates)
    )


def _access_chores(request: HttpRequest, slug: str) -> House:
    return get_object_or_404(_houses_for_chores(request.user), slug=slug)


def schedule_in_words(chore: Chore) -> str:
    first = WEEKDAYS[min(chore.weekdays)] if chore.weekdays else WEEKDAYS[0]
    match chore.schedule:
        case Chore.Schedule.DAILY:
            return "Every day"
        case Chore.Schedule.WEEKDAYS:
            return ", ".join(WEEKDAYS[day] for day in sorted(chore.weekdays)) or "No day chosen"
        case Chore.Schedule.WEEKLY:
            return f"Every {first}"
        case Chore.Schedule.EVERY_N_WEEKS:
            every = "Every other" if chore.every_n_weeks == 2 else f"Every {chore.every_n_weeks}"
            weeks = "" if chore.every_n_weeks == 2 else " weeks on"
            if chore.every_n_weeks == 1:
                return f"Every {first}"
            return f"{every}{weeks} {first}, from {moments.shown(chore.starts_on, 'date')}"
        case Chore.Schedule.MONTHLY:
            if chore.day_of_month > 28:
                return f"Day {chore.day_of_month} of each month (or its last day)"
            return f"Day {chore.day_of_month} of each month"
    return chore.get_schedule_display()


# The catalogue and the house's chore settings


@login_required
def chore_list(request, slug):
    house = _access_chores(request, slug)
    settings = chore_settings(house)
    form = ChoreSettingsForm(
        posted(request),
        instance=settings,
        residents=current_residents(house),
        may_choose_coordinator=house.user_manages,
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            settings = form.save()
            audit.record(
                action="chore.settings",
                request=request,
                obj=settings,
                changes={name: _plain(form.cleaned_data[name]) for name in form.changed_data},
            )
        messages.success(request, "The chore settings are saved.")
        return redirect("chore_list", slug=house.slug)
    chores = [(chore, schedule_in_words(chore)) for chore in house.chores.all()]
    return render(
        request,
        "chores/chore_list.html",
        {"house": house, "chores": chores, "settings_form": form},
    )


def _plain(value):
    return value.pk if isinstance(value, Resident) else value


@login_required
def chore_edit(request, slug, pk=None):
    house = _access_chores(request, slug)
    chore = get_object_or_404(house.chores, pk=pk) if pk is not None else None
    form = ChoreForm(posted(request), instance=chore, house=house)
    if request.method == "POST" and form.is_valid():
        chore = form.save()
        messages.success(request, f"“{chore.name}” is saved.")
        return redirect("chore_list", slug=house.slug)
    return render(request, "chores/chore_form.html", {"house": house, "form": form, "chore": chore})


# The rotation: preview, save the next days, pin


def _render_preview(request, house: House, *, pin_error: tuple[int, str] | None = None):
    today = house.today()
    chores, days = dashboard.rotation_preview(house, start=today, days=PREVIEW_DAYS)
    return render(
        request,
        "chores/rotation_preview.html",
        {
            "house": house,
            "today": today,
            "chores": chores,
            "days": days,
            "residents": list(current_residents(house, today)),
            # A pin refused: which assignment, and why (shown beside its form).
            "pin_error_pk": pin_error[0] if pin_error else None,
            "pin_error": pin_error[1] if pin_error else "",
            "error_problems": (
                [Problem(f"Who does it: {pin_error[1]}", f"#pin-{pin_error[0]}")]
                if pin_error
                else []
            ),
            "days_ahead": DAYS_AHEAD,
            "open_statuses": OPEN,
        },
    )


@login_required
def rotation_preview(request, slug):
    house = _access_chores(request, slug)
    if request.method == "POST":
        created = assignments_generate(house)
        audit.record(action="chore.generate", request=request, obj=house, changes={"new": created})
        if created:
            messages.success(request, f"Saved {created} chore{'s' if created != 1 else ''}.")
        else:
            messages.info(request, f"The next {DAYS_AHEAD} days were saved already.")
        return redirect("rotation_preview", slug=house.slug)
    return _render_preview(request, house)


@require_POST
@login_required
def assignment_pin(request, slug, pk):
    house = _access_chores(request, slug)
    assignment = get_object_or_404(
        Assignment.objects.filter(house=house).select_related("chore", "resident"), pk=pk
    )
    form = PinForm(request.POST, residents=current_residents(house), assignment=assignment)
    if assignment.status not in OPEN:
        return _render_preview(
            request, house, pin_error=(assignment.pk, "It is done already, so it stays as it is.")
        )
    if not form.is_valid():
        return _render_preview(
            request, house, pin_error=(assignment.pk, " ".join(form.errors["resident"]))
        )
    resident = form.cleaned_data["resident"]
    try:
        services.assignment_pin(
            assignment=assignment, resident=resident, by=request.user, request=request
        )
    except ValidationError as error:
        return _render_preview(request, house, pin_error=(assignment.pk, " ".join(error.messages)))
    messages.success(
        request,
        f"{assignment.chore.name} on {moments.shown(assignment.day, 'day')} "
        f"is pinned to {resident}.",
    )
    return redirect("rotation_preview", slug=house.slug)


# The chart of the week, for the managers and the residents of the house


def _monday_of(value: str | None, today: dt.date) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    if not dt.date(2000, 1, 10) <= day <= dt.date(9000, 1, 1):
        day = today
    return dashboard.week_start(day)


@login_required
def chore_chart(request, slug):
    house = get_object_or_404(access.houses_visible_to(request.user), slug=slug)
    today = house.today()
    monday = _monday_of(request.GET.get("week"), today)
    roles = access.roles(request)
    mine = roles.stay.resident_id if roles.stay and roles.stay.house_id == house.pk else None
    week = [monday + dt.timedelta(days=offset) for offset in range(7)]
    rows = dashboard.week_chart(house, monday=monday)
    return render(
        request,
        "chores/chart.html",
        {
            "house": house,
            "today": today,
            "week": week,
            "rows": rows,
            "days": dashboard.chart_days(rows, monday=monday, today=today),
            "previous_week": monday - dt.timedelta(days=7),
            "next_week": monday + dt.timedelta(days=7),
            "this_week": dashboard.week_start(today),
            "my_resident_id": mine,
            "may_manage": roles.is_staff or house in roles.managed_houses,
        },
    )


# The history: what became of the chores, and the swaps


@login_required
def chore_history(request, slug):
    house = _access_chores(request, slug)
    form = HistoryForm(request.GET, house=house, today=house.today())
    start, end, resident = form.period()
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "chores/history.html",
        {
            "house": house,
            "form": form,
            "history": dashboard.history(
                house, start=start, end=end, resident=resident, page=request.GET.get("page")
            ),
            "resident": resident,
            "query": query.urlencode(),
        },
    )
