"""House meetings on a phone and a laptop: the list of a house's meetings, and the meeting page
with its agenda, attendance, motions and votes, and minutes.

Every object reached from a URL goes through ``meetings.permissions`` (404 for what a person may
not see or may not run). Attendance taps and the minutes' autosave answer htmx with a fragment;
without JavaScript the same forms post and come back to the page. Audit is done by the services.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from meetings import services
from meetings.models import AgendaItem, Attendance, Meeting, Motion, Vote
from meetings.permissions import may_run, meetings_visible_to
from residents import access
from residents.models import Resident
from residents.selectors import residents_on
from soberhouse.clock import wall_clock
from soberhouse.forms import posted

UPCOMING = 4
PAST_PER_PAGE = 20


# Forms


class _Form(forms.Form):
    """Several forms share the meeting page: each names its fields' ids after itself."""

    ids = "id_%s"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", self.ids)
        super().__init__(*args, **kwargs)


class AgendaForm(_Form):
    ids = "agenda-%s"
    text = forms.CharField(
        label="Something for the house to talk about",
        max_length=300,
        error_messages={"required": "Write what you would like the house to talk about."},
    )


class _ResidentsForm(_Form):
    """Fields that choose a resident living in the house. ``people``, when given, is the list the
    page has already loaded: the choices are drawn from it instead of one query per field."""

    def __init__(self, *args, residents, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.queryset = residents
                if people is not None:
                    field.widget.choices = [("", field.empty_label)] + [
                        (person.pk, person.name) for person in people
                    ]


class MotionForm(_ResidentsForm):
    ids = "motion-%s"
    text = forms.CharField(
        label="The motion",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the motion as the house will vote on it."},
    )
    mover = forms.ModelChoiceField(
        queryset=Resident.objects.none(),
        label="Moved by",
        empty_label="Choose who moves it",
        error_messages={"required": "Choose who moves it."},
    )
    seconder = forms.ModelChoiceField(
        queryset=Resident.objects.none(),
        label="Seconded by",
        required=False,
        empty_label="Nobody yet",
    )
    office = forms.ChoiceField(
        label="An election?",
        choices=[("", "No, not an election"), *Motion.Office.choices],
        required=False,
    )
    nominee = forms.ModelChoiceField(
        queryset=Resident.objects.none(), label="Who for", required=False, empty_label="Nobody"
    )


class RecordVoteForm(_ResidentsForm):
    ids = "record-%s"
    resident = forms.ModelChoiceField(
        queryset=Resident.objects.none(),
        label="Vote of",
        empty_label="Choose who",
        error_messages={"required": "Choose whose vote this is."},
    )
    choice = forms.ChoiceField(choices=Vote.Choice.choices, label="Their vote")


class EditForm(_ResidentsForm):
    ids = "edit-%s"
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label="Place", max_length=80)
    chair = forms.ModelChoiceField(
        queryset=Resident.objects.none(), label="Chair", required=False, empty_label="Nobody yet"
    )
    secretary = forms.ModelChoiceField(
        queryset=Resident.objects.none(),
        label="Secretary",
        required=False,
        empty_label="Nobody yet",
    )


class CancelForm(_Form):
    ids = "cancel-%s"
    reason = forms.CharField(
        label="Why it is cancelled",
        max_length=200,
        error_messages={"required": "Say why, so that everyone knows."},
    )


class MinutesForm(_Form):
    ids = "minutes-%s"
    text = forms.CharField(
        label="Minutes",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


# Lookups


def _meeting(request, pk: int, *, run: bool = False) -> Meeting:
    meeting = get_object_or_404(
        meetings_visible_to(request.user).select_related("house", "chair__user", "secretary__user"),
        pk=pk,
    )
    if run and not may_run(request.user, meeting):
        raise Http404
    return meeting


def _motion(request, pk: int, *, run: bool = False) -> Motion:
    motion = get_object_or_404(
        Motion.objects.filter(
            house__in=access.houses_visible_to(request.user).values("pk"), meeting__isnull=False
        ).select_related("meeting__house", "house"),
        pk=pk,
    )
    if run and not may_run(request.user, motion.meeting):
        raise Http404
    return motion


def _my_resident(request, meeting: Meeting) -> Resident | None:
    stay = access.roles(request).stay
    return stay.resident if stay is not None and stay.house_id == meeting.house_id else None


def _back(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meeting_detail", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# The list


@require_GET
@login_required
def meeting_list(request, slug):
    house = get_object_or_404(access.houses_visible_to(request.user), slug=slug)
    now = timezone.now()
    started_before = now - dt.timedelta(hours=services.MEETING_HOURS)
    meetings = Meeting.objects.filter(house=house)
    upcoming = list(
        meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gte=started_before).order_by(
            "starts_at"
        )[:UPCOMING]
    )
    past = meetings.filter(
        Q(starts_at__lt=started_before) | ~Q(status=Meeting.Status.SCHEDULED)
    ).exclude(pk__in=[meeting.pk for meeting in upcoming])
    page = Paginator(past.order_by("-starts_at"), PAST_PER_PAGE).get_page(request.GET.get("page"))
    context = {"house": house, "upcoming": upcoming, "page": page, "now": now}
    return render(request, "meetings/meeting_list.html", context)


@require_GET
@access.resident_required
def my_meetings(request):
    return redirect("meeting_list", slug=access.roles(request).stay.house.slug)


# The meeting page


def _page_context(request, meeting: Meeting, *, runs: bool, **forms_given) -> dict:
    """Everything the meeting page shows, in a fixed number of queries: the agenda, the people
    living there on the day, their attendance, the motions and their votes."""
    house = meeting.house
    now = timezone.now()
    me = _my_resident(request, meeting)
    held = meeting.status == Meeting.Status.HELD
    agenda = list(meeting.agenda.all())
    people = list(residents_on(house, meeting.day()).select_related("user"))
    marks = {mark.resident_id: mark for mark in meeting.attendance.all()}
    motions = list(
        Motion.objects.filter(
            Q(meeting=meeting) | Q(house=house, status=Motion.Status.PROPOSED, meeting__isnull=True)
        )
        .select_related("mover", "seconder", "nominee")
        .order_by("created_at")
    )
    votes = list(Vote.objects.filter(motion__in=[motion.pk for motion in motions]))
    counts = Counter((vote.motion_id, vote.choice) for vote in votes)
    voted = {(vote.motion_id, vote.resident_id): vote for vote in votes}
    present = [person for person in people if marks.get(person.pk) and marks[person.pk].is_there]
    me_there = me is not None and marks.get(me.pk) is not None and marks[me.pk].is_there
    for motion in motions:
        motion.live = {choice: counts[(motion.pk, choice)] for choice in Vote.Choice.values}
        mine = voted.get((motion.pk, me.pk)) if me else None
        motion.my_vote = mine
        motion.i_may_vote = motion.status == Motion.Status.VOTING and me_there and mine is None
        motion.not_voted = [p for p in present if (motion.pk, p.pk) not in voted]
    rows = [(person, marks.get(person.pk)) for person in people]
    started = meeting.has_started(now)
    scheduled = meeting.status == Meeting.Status.SCHEDULED
    queryset = Resident.objects.filter(pk__in=[person.pk for person in people])
    local = meeting.local_start()
    context = {
        "meeting": meeting,
        "house": house,
        "runs": runs,
        "me": me,
        "held": held,
        "started": started,
        "scheduled": scheduled,
        "agenda": agenda,
        "rows": rows,
        "marked": len(marks),
        "motions": motions,
        "show_attendance": runs or held,
        "show_minutes": runs or held,
        "may_add_item": scheduled and not started and (me is not None or runs),
        "may_mark": runs
        and meeting.status != Meeting.Status.CANCELLED
        and house.today(now) >= meeting.day(),
        "statuses": Attendance.Status.choices,
        "choices": Vote.Choice.choices,
        "agenda_form": AgendaForm(),
        "motion_form": MotionForm(residents=queryset, people=people),
        "edit_form": EditForm(
            residents=queryset,
            people=people,
            initial={
                "day": local.date(),
                "time": local.time().replace(second=0, microsecond=0),
                "place": meeting.place,
                "chair": meeting.chair_id,
                "secretary": meeting.secretary_id,
            },
        ),
        "cancel_form": CancelForm(),
        "minutes_form": MinutesForm(
            initial={"text": meeting.minutes, "version": meeting.minutes_version}
        ),
    }
    context.update(forms_given)
    return context


def _render_page(request, meeting: Meeting, *, runs: bool | None = None, **forms_given):
    if runs is None:
        runs = may_run(request.user, meeting)
    context = _page_context(request, meeting, runs=runs, **forms_given)
    return render(request, "meetings/meeting_detail.html", context)


@require_GET
@login_required
def meeting_detail(request, pk):
    return _render_page(request, _meeting(request, pk))


@require_POST
@login_required
def agenda_add(request, pk):
    meeting = _meeting(request, pk)
    runs = may_run(request.user, meeting)
    if _my_resident(request, meeting) is None and not runs:
        raise Http404
    form = AgendaForm(posted(request))
    if form.is_valid():
        try:
            services.agenda_add(
                meeting=meeting, text=form.cleaned_data["text"], by=request.user, request=request
            )
        except ValidationError as error:
            form.add_error("text" if hasattr(error, "error_dict") else None, error)
        else:
            messages.success(request, "Added to the agenda. Thank you for bringing it up.")
            return redirect(_back(meeting, "agenda"))
    return _render_page(request, meeting, runs=runs, agenda_form=form)


@require_POST
@login_required
def agenda_item(request, pk):
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=meetings_visible_to(request.user)).select_related(
            "meeting__house"
        ),
        pk=pk,
    )
    if not may_run(request.user, item.meeting):
        raise Http404
    services.agenda_discussed(
        item=item, discussed=request.POST.get("discussed") == "yes", request=request
    )
    return redirect(_back(item.meeting, "agenda"))


@require_POST
@login_required
def attendance(request, pk):
    meeting = _meeting(request, pk, run=True)
    if not request.POST.get("resident", "").isdigit():
        messages.error(request, "Choose who to mark.")
        return redirect(_back(meeting, "attendance"))
    resident = get_object_or_404(
        residents_on(meeting.house, meeting.day()), pk=request.POST["resident"]
    )
    error = None
    mark = None
    try:
        mark = services.attendance_mark(
            meeting=meeting,
            resident=resident,
            status=request.POST.get("status", ""),
            by=request.user,
            request=request,
        )
    except ValidationError as invalid:
        error = _error_text(invalid)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_back(meeting, "attendance"))
    if mark is None:
        mark = Attendance.objects.filter(meeting=meeting, resident=resident).first()
    context = {
        "meeting": meeting,
        "person": resident,
        "mark": mark,
        "error": error,
        "may_mark": True,
        "statuses": Attendance.Status.choices,
    }
    return render(request, "meetings/_attendance_row.html", context)


@require_POST
@login_required
def minutes(request, pk):
    meeting = _meeting(request, pk, run=True)
    form = MinutesForm(posted(request))
    error = conflict = None
    if form.is_valid():
        try:
            services.minutes_save(
                meeting=meeting,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
                by=request.user,
                request=request,
            )
        except services.MinutesConflict as clash:
            error, conflict = _error_text(clash), clash.meeting
        except ValidationError as invalid:
            error = _error_text(invalid)
    else:
        error = " ".join(message for errors in form.errors.values() for message in errors)
    meeting.refresh_from_db()
    if request.htmx:
        newest = conflict or meeting
        context = {
            "meeting": newest,
            "version": newest.minutes_version,
            "error": error,
            "conflict": conflict,
        }
        return render(request, "meetings/_minutes_status.html", context)
    if error is None:
        messages.success(request, "The minutes are saved.")
        return redirect(_back(meeting, "minutes"))
    # Keep what they wrote in the box; the newest saved copy is shown beside it.
    kept = MinutesForm(
        initial={
            "text": request.POST.get("text", ""),
            "version": (conflict or meeting).minutes_version,
        }
    )
    return _render_page(
        request,
        meeting,
        runs=True,
        minutes_form=kept,
        minutes_error=error,
        minutes_conflict=conflict,
    )


# Motions and votes


@require_POST
@login_required
def motion_new(request, pk):
    meeting = _meeting(request, pk, run=True)
    people = Resident.objects.filter(
        pk__in=residents_on(meeting.house, meeting.house.today()).values("pk")
    )
    form = MotionForm(posted(request), residents=people)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.motion_propose(
                house=meeting.house,
                meeting=meeting,
                text=data["text"],
                mover=data["mover"],
                seconder=data["seconder"],
                office=data["office"],
                nominee=data["nominee"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            for field, problems in getattr(error, "error_dict", {None: [error]}).items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, "The motion is on the table.")
            return redirect(_back(meeting, "motions"))
    return _render_page(request, meeting, runs=True, motion_form=form)


def _motion_action(request, pk, act, said: str):
    motion = _motion(request, pk, run=True)
    try:
        result = act(motion)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, said.format(result=result))
    return redirect(_back(motion.meeting, f"motion-{motion.pk}"))


@require_POST
@login_required
def motion_open(request, pk):
    return _motion_action(
        request,
        pk,
        lambda motion: services.motion_open_vote(
            motion=motion, meeting=motion.meeting, by=request.user, request=request
        ),
        "The vote is open. Residents present can vote on their phones.",
    )


@require_POST
@login_required
def motion_close(request, pk):
    def close(motion):
        result = services.motion_close(motion=motion, by=request.user, request=request)
        return Motion.Status(result).label

    return _motion_action(request, pk, close, "The vote is closed: {result}.")


@require_POST
@login_required
def motion_withdraw(request, pk):
    return _motion_action(
        request,
        pk,
        lambda motion: services.motion_withdraw(motion=motion, by=request.user, request=request),
        "The motion is withdrawn.",
    )


@require_POST
@login_required
def motion_record(request, pk):
    motion = _motion(request, pk, run=True)
    meeting = motion.meeting
    form = RecordVoteForm(posted(request), residents=residents_on(meeting.house, meeting.day()))
    if not form.is_valid():
        messages.error(request, "Choose whose vote it is, and their vote.")
        return redirect(_back(meeting, f"motion-{motion.pk}"))
    resident = form.cleaned_data["resident"]
    try:
        services.vote_cast(
            motion=motion,
            resident=resident,
            choice=form.cleaned_data["choice"],
            by=request.user,
            request=request,
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"{resident.name}'s vote is counted.")
    return redirect(_back(meeting, f"motion-{motion.pk}"))


@require_POST
@login_required
def motion_vote(request, pk):
    motion = _motion(request, pk)
    me = _my_resident(request, motion.meeting)
    if me is None:
        raise Http404
    choice = request.POST.get("choice", "")
    try:
        services.vote_cast(
            motion=motion, resident=me, choice=choice, by=request.user, request=request
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, f"You voted {Vote.Choice(choice).label.lower()}. Thank you.")
    return redirect(_back(motion.meeting, f"motion-{motion.pk}"))


# Moving, cancelling and closing the meeting


@require_POST
@login_required
def meeting_edit(request, pk):
    meeting = _meeting(request, pk, run=True)
    people = Resident.objects.filter(pk__in=residents_on(meeting.house, meeting.day()).values("pk"))
    form = EditForm(posted(request), residents=people)
    if form.is_valid():
        data = form.cleaned_data
        starts_at = wall_clock(data["day"], data["time"], meeting.house.time_zone)
        changes = {
            name: value
            for name, value in {
                "starts_at": starts_at,
                "place": data["place"].strip(),
                "chair": data["chair"],
                "secretary": data["secretary"],
            }.items()
            if getattr(meeting, name) != value
        }
        if changes:
            services.meeting_edit(meeting=meeting, changes=changes, request=request)
        messages.success(request, "The meeting is updated.")
        return redirect(_back(meeting))
    return _render_page(request, meeting, runs=True, edit_form=form, edit_open=True)


@require_POST
@login_required
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk, run=True)
    form = CancelForm(posted(request))
    if form.is_valid():
        try:
            services.meeting_cancel(
                meeting=meeting, reason=form.cleaned_data["reason"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The meeting is cancelled; everyone can see why.")
            return redirect(_back(meeting))
    return _render_page(request, meeting, runs=True, cancel_form=form, cancel_open=True)


@require_POST
@login_required
def meeting_close(request, pk):
    meeting = _meeting(request, pk, run=True)
    try:
        services.meeting_close(meeting=meeting, request=request)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "The meeting is marked held. Thank you for running it.")
    return redirect(_back(meeting))
