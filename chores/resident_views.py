"""A resident's chores on the phone: today's and overdue ones, ticking done, undo, swaps, and the
checks waiting for them.

Ticking done and undo answer htmx with the chore's fragment, moved to the list it now belongs in;
without JavaScript the same forms post, redirect back and say what happened.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from chores import selectors, services
from chores.models import Assignment
from residents import access
from residents.models import Resident, Stay
from soberhouse.forms import posted


class CheckForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Looks good"), ("redo", "Needs a redo")],
        error_messages={"required": "Choose “Looks good” or “Needs a redo”."},
    )
    note = forms.CharField(
        label="A note for them",
        max_length=280,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SwapAskForm(forms.Form):
    asked_of = forms.ModelChoiceField(
        queryset=Resident.objects.none(),
        label="Who would you like to ask?",
        empty_label="Choose a housemate",
        error_messages={"required": "Choose the housemate to ask."},
    )
    message = forms.CharField(
        label="A message", max_length=280, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, housemates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["asked_of"].queryset = housemates


class SwapAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("accept", "Yes, I'll take it"), ("decline", "Not this time")],
        error_messages={"required": "Choose yes or no."},
    )


def _clock(stay: Stay) -> dict:
    """What the chore fragments need to say "due today at 8 pm" and whether Undo still works."""
    now = timezone.now()
    return {
        "now": now,
        "today": stay.house.today(now),
        "time_zone": stay.house.time_zone,
        "undo_after": selectors.undo_after(now),
    }


@access.resident_required
def my_chores(request):
    stay = access.roles(request).stay
    context = {"stay": stay, "mine": selectors.my_chores(stay), **_clock(stay)}
    return render(request, "chores/my_chores.html", context)


def _answer_tick(request, stay: Stay, assignment: Assignment, *, said: str, error=None):
    """htmx gets the chore's fragment: moved to the list it now belongs in, or, when the tick did
    not go through, in place with the reason. A plain form gets a redirect and a message."""
    if not request.htmx:
        if error is None:
            messages.success(request, said)
        else:
            messages.error(request, " ".join(error.messages))
        return redirect("my_chores")
    assignment.refresh_from_db()
    context = {"assignment": assignment, "moved": error is None, "error": error, **_clock(stay)}
    response = render(request, "chores/_assignment.html", context)
    if error is None:
        section = selectors.section_of(assignment).replace("_", "-")
        retarget(response, f"#chores-{section}")
        reswap(response, "afterbegin")
    return response


def _mine(request, pk: int) -> tuple[Stay, Assignment]:
    stay = access.roles(request).stay
    assignment = get_object_or_404(selectors.my_assignments(stay).select_related("chore"), pk=pk)
    return stay, assignment


@require_POST
@access.resident_required
def assignment_done(request, pk):
    stay, assignment = _mine(request, pk)
    try:
        services.chore_mark_done(
            assignment=assignment, by=stay.resident, note=request.POST.get("note", "")
        )
    except ValidationError as error:
        return _answer_tick(request, stay, assignment, said="", error=error)
    said = f"“{assignment.chore.name}” is done. Thank you."
    return _answer_tick(request, stay, assignment, said=said)


@require_POST
@access.resident_required
def assignment_undo(request, pk):
    stay, assignment = _mine(request, pk)
    try:
        services.chore_undo(assignment=assignment, by=stay.resident)
    except ValidationError as error:
        return _answer_tick(request, stay, assignment, said="", error=error)
    said = f"“{assignment.chore.name}” is back on your list."
    return _answer_tick(request, stay, assignment, said=said)


@access.resident_required
def swap_ask(request, pk):
    stay = access.roles(request).stay
    open_ones = selectors.my_assignments(stay).filter(status__in=services.OPEN)
    assignment = get_object_or_404(open_ones.select_related("chore"), pk=pk)
    form = SwapAskForm(posted(request), housemates=selectors.housemates(stay))
    if request.method == "POST" and form.is_valid():
        try:
            swap = services.swap_ask(
                assignment=assignment,
                by=stay.resident,
                of=form.cleaned_data["asked_of"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"You asked {swap.asked_of} to take “{assignment.chore}”.")
            return redirect("my_chores")
    context = {"assignment": assignment, "form": form, **_clock(stay)}
    return render(request, "chores/swap_ask.html", context)


@access.resident_required
def swap_answer(request, pk):
    stay = access.roles(request).stay
    swap = get_object_or_404(selectors.swaps_asked_of(stay.resident), pk=pk)
    form = SwapAnswerForm(posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            services.swap_answer(swap=swap, by=stay.resident, accept=accept)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            chore = swap.assignment.chore
            said = (
                f"Thank you: “{chore}” is yours now."
                if accept
                else f"You said no to “{chore}”; {swap.asked_by} keeps it."
            )
            messages.success(request, said)
            return redirect("my_chores")
    return render(request, "chores/swap_answer.html", {"swap": swap, "form": form})


@require_POST
@access.resident_required
def swap_withdraw(request, pk):
    stay = access.roles(request).stay
    swap = get_object_or_404(selectors.swaps_asked_by(stay.resident), pk=pk)
    try:
        services.swap_withdraw(swap=swap, by=stay.resident)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"You withdrew your request; “{swap.assignment.chore}” stays yours."
        )
    return redirect("my_chores")


def _checkable(request):
    roles = access.roles(request)
    return selectors.waiting_for_check_by(
        request.user,
        managed_house_ids=[house.pk for house in roles.managed_houses],
        stay=roles.stay,
    )


@login_required
def checks(request):
    rows = [
        (assignment, CheckForm(auto_id=f"check-{assignment.pk}-%s"))
        for assignment in _checkable(request)
    ]
    return render(request, "chores/checks.html", {"rows": rows, "single": False})


@login_required
def assignment_check(request, pk):
    assignment = get_object_or_404(_checkable(request), pk=pk)
    managed = {house.pk for house in access.roles(request).managed_houses}
    if not services.can_check(request.user, assignment, is_manager=assignment.house_id in managed):
        raise Http404
    form = CheckForm(posted(request), auto_id=f"check-{assignment.pk}-%s")
    if request.method == "POST" and form.is_valid():
        approved = form.cleaned_data["decision"] == "approve"
        try:
            services.chore_check(
                assignment=assignment,
                by=request.user,
                approved=approved,
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            who = assignment.resident or "them"
            said = (
                f"“{assignment.chore}” is checked. Thank you."
                if approved
                else f"“{assignment.chore}” goes back to {who} with your note."
            )
            messages.success(request, said)
            return redirect("chore_checks")
    return render(request, "chores/checks.html", {"rows": [(assignment, form)], "single": True})
