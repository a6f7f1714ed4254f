"""The pair's pages on the phone: a mentor's mentees and a mentee's mentor (/peerlog/), the pair's
log with acknowledgements and replies, and "log a check-in" in three taps plus the words.

Who sees what comes from ``peerlog.visibility``. The house's managers may read a pair's log
(shared notes and replies, never a private note), and every such read is audited. Staff read no
entries here: the monthly report gives them counts. Plain forms: everything works without
JavaScript.
"""

from __future__ import annotations

import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from peerlog import selectors, services, visibility
from peerlog.models import Entry, MentorRequest, Pairing
from residents import access
from soberhouse import audit
from soberhouse.forms import Problem, posted

ENTRIES_PER_PAGE = 50
LATEST_SHOWN = 3
MINUTES_QUICK = [(15, "15 min"), (30, "30 min"), (45, "45 min"), (60, "1 hour")]
WELLBEING = [(1, "1"), (2, "2"), (3, "3"), (4, "4"), (5, "5")]
ENDED_MESSAGE = "This pairing has ended: its log can be read, not added to."


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of contact",
        choices=Entry.Kind.choices,
        widget=forms.RadioSelect,
        initial=Entry.Kind.CHECK_IN,
        error_messages={"required": "Choose what kind of contact it was."},
    )
    minutes = forms.TypedChoiceField(
        label="How long",
        choices=MINUTES_QUICK,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    minutes_other = forms.IntegerField(
        label="Or minutes",
        required=False,
        min_value=1,
        max_value=600,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Write the minutes as a number, like 20.",
            "min_value": "Between 1 minute and 10 hours.",
            "max_value": "Between 1 minute and 10 hours.",
        },
    )
    at = forms.DateTimeField(
        label="When",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "required": "Say when you talked.",
            "invalid": "Enter the day and time, like 2026-03-14 18:30.",
        },
    )
    wellbeing = forms.TypedChoiceField(
        label="How the mentee is doing",
        choices=WELLBEING,
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    shared_note = forms.CharField(
        label="A note for the log",
        required=False,
        strip=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Keep the note under 4,000 characters."},
    )
    private_note = forms.CharField(
        label="A private note",
        required=False,
        strip=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note under 4,000 characters."},
    )
    next_contact_on = forms.DateField(
        label="Next contact",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter the day as a date, like 2026-03-14."},
    )

    def clean(self):
        data = super().clean()
        if "minutes_other" in self.errors:
            return data
        minutes = data.get("minutes_other") or data.get("minutes")
        if minutes is None:
            self.add_error("minutes", "How long did you talk? Tap a time or type the minutes.")
        data["minutes"] = minutes
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("minutes_other", None)
        return data


class AskForm(forms.Form):
    note = forms.CharField(
        label="Anything the house manager should know",
        required=False,
        max_length=280,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "Keep the note under 280 characters."},
    )


def _me(request):
    return getattr(request.user, "resident", None)


def _member_pairing(request, pk) -> Pairing:
    """A pairing the user is the mentor or mentee of, active or ended; otherwise 404."""
    pairings = visibility.pairings_of_member(request.user).select_related(
        "house", "mentor__user", "mentee__user"
    )
    return get_object_or_404(pairings, pk=pk)


def _readable_pairing(request, pk) -> Pairing:
    """A pairing the user is a member of, or one of a house they manage; otherwise 404."""
    pairings = visibility.pairings_visible_to(request.user).select_related(
        "house", "mentor__user", "mentee__user"
    )
    return get_object_or_404(pairings, pk=pk)


def _index_context(request, ask_form: AskForm | None = None) -> dict:
    roles = access.roles(request)
    me = _me(request)
    if me is None:
        raise Http404
    mine = list(
        visibility.pairings_of_member(request.user).select_related("mentor", "mentee", "house")
    )
    if roles.stay is None and not any(p.mentor_id == me.pk for p in mine):
        raise Http404
    now = timezone.now()
    mentees = selectors.my_mentees(me, now=now)
    mentor = next((p for p in mine if p.mentee_id == me.pk and p.is_active), None)
    latest = []
    if mentor is not None:
        latest = list(mentor.entries.select_related("author")[:LATEST_SHOWN])
    waiting = None
    if roles.stay is not None and mentor is None:
        waiting = MentorRequest.objects.filter(
            resident=me, status=MentorRequest.Status.WAITING
        ).first()
    house = roles.stay.house if roles.stay is not None else mine[0].house
    return {
        "zone": zoneinfo.ZoneInfo(house.time_zone),
        "me": me,
        "stay": roles.stay,
        "mentees": mentees,
        "mentor_pairing": mentor,
        "latest": latest,
        "waiting": waiting,
        "ask_form": ask_form or AskForm(),
        "earlier": [p for p in mine if not p.is_active],
    }


@require_GET
@login_required
def peerlog_index(request):
    return render(request, "peerlog/index.html", _index_context(request))


@require_POST
@access.resident_required
def mentor_ask(request):
    stay = access.roles(request).stay
    form = AskForm(request.POST)
    if form.is_valid():
        try:
            services.mentor_ask(
                resident=stay.resident,
                house=stay.house,
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(
                request, "You have asked for a mentor. The house manager will be in touch."
            )
        return redirect("peerlog")
    return render(request, "peerlog/index.html", _index_context(request, form))


@require_POST
@access.resident_required
def mentor_ask_withdraw(request):
    stay = access.roles(request).stay
    asked = MentorRequest.objects.filter(
        resident=stay.resident, status=MentorRequest.Status.WAITING
    ).first()
    if asked is None:
        messages.info(request, "There is no request waiting.")
        return redirect("peerlog")
    try:
        services.mentor_request_answer(
            asked=asked, status=MentorRequest.Status.WITHDRAWN, by=request.user, request=request
        )
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, "Your request is withdrawn. You can ask again any time.")
    return redirect("peerlog")


@require_POST
@login_required
def check_in_ask(request, pk):
    pairing = _member_pairing(request, pk)
    try:
        services.check_in_ask(pairing=pairing, by=_me(request), request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{pairing.mentor.name} will see that you asked for a check-in.")
    return redirect("peerlog")


def _pair_page(request, pairing: Pairing, *, reply_to=None, reply_text="", reply_error=""):
    member = visibility.is_member(request.user, pairing)
    page = Paginator(visibility.entries_for(request.user, pairing), ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    entries = list(page.object_list)
    if not member:
        audit.record(
            action="peerlog.read",
            request=request,
            obj=pairing,
            changes={"entries": len(entries)},
        )
    me = _me(request) if member else None
    context = {
        "pairing": pairing,
        "page": page,
        "entries": entries,
        "member": member,
        "me": me,
        "can_write": member and pairing.is_active,
        "reply_to": reply_to,
        "reply_text": reply_text,
        "reply_error": reply_error,
        "error_problems": (
            [Problem(f"Your reply: {reply_error}", f"#reply-{reply_to}")] if reply_error else []
        ),
        "zone": pairing.house.time_zone,
    }
    return render(request, "peerlog/pair.html", context)


@require_GET
@login_required
def pair_log(request, pk):
    return _pair_page(request, _readable_pairing(request, pk))


@login_required
def entry_new(request, pk):
    pairing = _member_pairing(request, pk)
    zone = zoneinfo.ZoneInfo(pairing.house.time_zone)
    with timezone.override(zone):
        form = None
        if pairing.is_active:
            initial = {"at": timezone.localtime(timezone.now()).replace(second=0, microsecond=0)}
            form = EntryForm(posted(request), initial=initial)
            if request.method == "POST" and form.is_valid():
                try:
                    services.entry_add(
                        pairing=pairing,
                        author=_me(request),
                        request=request,
                        **form.service_kwargs(),
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, "Your check-in is in the log. Thank you for it.")
                    return redirect("peerlog_pair", pk=pairing.pk)
        elif request.method == "POST":
            messages.error(request, ENDED_MESSAGE)
        me = _me(request)
        other = pairing.mentee if me.pk == pairing.mentor_id else pairing.mentor
        context = {"pairing": pairing, "form": form, "other": other}
        return render(request, "peerlog/entry_form.html", context)


def _member_entry(request, pk) -> Entry:
    entries = Entry.objects.filter(
        pairing__in=visibility.pairings_of_member(request.user)
    ).select_related("pairing__house", "pairing__mentor__user", "pairing__mentee__user")
    return get_object_or_404(entries, pk=pk)


@require_POST
@login_required
def entry_ack(request, pk):
    entry = _member_entry(request, pk)
    if not entry.pairing.is_active:
        messages.error(request, ENDED_MESSAGE)
    else:
        try:
            services.entry_acknowledge(entry=entry, by=_me(request), request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Acknowledged. They will see that you read it.")
    return redirect(f"/peerlog/pairs/{entry.pairing_id}/#entry-{entry.pk}")


@require_POST
@login_required
def entry_reply(request, pk):
    entry = _member_entry(request, pk)
    text = request.POST.get("text", "")
    try:
        services.reply_add(entry=entry, by=_me(request), text=text, request=request)
    except ValidationError as error:
        if not entry.pairing.is_active:
            messages.error(request, ENDED_MESSAGE)
            return redirect("peerlog_pair", pk=entry.pairing_id)
        return _pair_page(
            request,
            entry.pairing,
            reply_to=entry.pk,
            reply_text=text,
            reply_error=" ".join(error.messages),
        )
    messages.success(request, "Your reply is in the log.")
    return redirect(f"/peerlog/pairs/{entry.pairing_id}/#entry-{entry.pk}")
