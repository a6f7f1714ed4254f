"""Forms of the chore pages: a chore in the catalogue, the house's chore settings, and a pin."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from chores.models import WEEKDAYS, Absence, Chore, Exclusion, HouseChoreSettings
from residents.models import BY_SHOWN_NAME, House, Resident, Stay
from residents.selectors import residents_on

ONE_WEEKDAY = (Chore.Schedule.WEEKLY, Chore.Schedule.EVERY_N_WEEKS)


def current_residents(house: House, today: dt.date | None = None) -> QuerySet[Resident]:
    """Everyone living in the house today (the house's own date), by name."""
    return residents_on(house, today or house.today())


class ResidentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Resident) -> str:
        return obj.name


class ChoreForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label="Weekdays",
        choices=list(enumerate(WEEKDAYS)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "weekday-choice"}),
        help_text=(
            "For “on chosen weekdays”: each day it is done. For “once a week” and “every few "
            "weeks”: the one day it is done."
        ),
    )

    class Meta:
        model = Chore
        fields = [
            "name",
            "checklist",
            "area",
            "points",
            "schedule",
            "weekdays",
            "every_n_weeks",
            "starts_on",
            "day_of_month",
            "due_time",
            "checker",
            "active",
        ]
        labels = {
            "checklist": "How to do it",
            "area": "Area of the house",
            "points": "Effort points",
            "every_n_weeks": "Every how many weeks",
            "starts_on": "Counting weeks from",
            "day_of_month": "Day of the month",
            "due_time": "Time due",
            "checker": "Who checks it",
            "active": "In the rotation",
        }
        help_texts = {
            "area": "Kitchen, bathrooms, yard…",
            "every_n_weeks": "For “every few weeks”: 2 is every other week.",
            "starts_on": "For “every few weeks”: a date in the first week it is done.",
            "day_of_month": (
                "For “a day of the month”: 1 to 31. In a shorter month, a day past its end "
                "falls on the last day."
            ),
            "active": "Untick to keep the chore in the list without giving it out.",
        }
        widgets = {
            "checklist": forms.Textarea(attrs={"rows": 4}),
            "points": forms.NumberInput(attrs={"min": 1, "max": 5}),
            "every_n_weeks": forms.NumberInput(attrs={"min": 1, "max": 52}),
            "day_of_month": forms.NumberInput(attrs={"min": 1, "max": 31}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "due_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
        error_messages = {
            "name": {"required": "Give the chore a name, like “Kitchen floor”."},
            "points": {
                "required": "Give it effort points from 1 to 5.",
                "min_value": "Effort points go from 1 (a few minutes) to 5 (the big one).",
                "max_value": "Effort points go from 1 (a few minutes) to 5 (the big one).",
                "invalid": "Effort points are a whole number from 1 to 5.",
            },
            "day_of_month": {
                "min_value": "A day of the month goes from 1 to 31.",
                "max_value": "A day of the month goes from 1 to 31.",
                "invalid": "A day of the month is a whole number from 1 to 31.",
            },
            "due_time": {
                "required": "Say what time it is due, like 8:00 pm.",
                "invalid": "Write the time as hours and minutes, like 20:00.",
            },
            "starts_on": {"invalid": "Write the date as year-month-day, like 2026-01-05."},
        }

    def __init__(self, *args, house: House, **kwargs):
        super().__init__(*args, **kwargs)
        self.house = house
        if self.instance.pk is None:
            self.instance.house = house
        self.fields["every_n_weeks"].required = False
        self.fields["starts_on"].required = False
        self.fields["day_of_month"].required = False

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        same = Chore.objects.filter(house=self.house, name__iexact=name)
        if self.instance.pk:
            same = same.exclude(pk=self.instance.pk)
        if same.exists():
            raise ValidationError(f"{self.house.name} already has a chore called “{name}”.")
        return name

    def clean_every_n_weeks(self) -> int | None:
        value = self.cleaned_data.get("every_n_weeks")
        if value is not None and not 1 <= value <= 52:
            raise ValidationError("Every how many weeks goes from 1 to 52.")
        return value

    def clean(self) -> dict:
        data = super().clean()
        schedule = data.get("schedule")
        weekdays = sorted(set(data.get("weekdays") or []))
        data["weekdays"] = weekdays
        if schedule == Chore.Schedule.WEEKDAYS and not weekdays:
            self.add_error("weekdays", "Tick at least one weekday for “on chosen weekdays”.")
        if schedule in ONE_WEEKDAY and len(weekdays) != 1:
            label = Chore.Schedule(schedule).label.lower()
            self.add_error("weekdays", f"Tick the one weekday it is done, for “{label}”.")
        if schedule == Chore.Schedule.EVERY_N_WEEKS:
            if data.get("every_n_weeks") is None and "every_n_weeks" not in self.errors:
                self.add_error("every_n_weeks", "Say every how many weeks, like 2.")
            if data.get("starts_on") is None and "starts_on" not in self.errors:
                self.add_error("starts_on", "Give a date in the first week it is done.")
        if schedule == Chore.Schedule.MONTHLY:
            if data.get("day_of_month") is None and "day_of_month" not in self.errors:
                self.add_error("day_of_month", "Say which day of the month, 1 to 31.")
        # Fields left empty for a schedule that does not use them keep what the chore had.
        for field in ("every_n_weeks", "starts_on", "day_of_month"):
            if data.get(field) is None and field not in self.errors:
                data[field] = getattr(self.instance, field)
        return data


class ChoreSettingsForm(forms.ModelForm):
    coordinator = ResidentChoiceField(
        queryset=Resident.objects.none(),
        required=False,
        empty_label="Nobody",
        label="Chore coordinator",
        help_text="A resident the house chose to run the rotation and check chores.",
        error_messages={"invalid_choice": "Choose someone living in the house now."},
    )

    class Meta:
        model = HouseChoreSettings
        fields = ["grace_minutes", "newcomer_days", "digest_hour", "coordinator"]
        labels = {
            "grace_minutes": "Minutes of grace after the time due",
            "newcomer_days": "Days a newcomer settles in without chores",
            "digest_hour": "Hour of the morning chore reminder",
        }
        widgets = {
            "grace_minutes": forms.NumberInput(attrs={"min": 0, "max": 1440}),
            "newcomer_days": forms.NumberInput(attrs={"min": 0, "max": 60}),
            "digest_hour": forms.NumberInput(attrs={"min": 0, "max": 23}),
        }
        error_messages = {
            "grace_minutes": {
                "required": "Give the minutes of grace; 0 is none.",
                "invalid": "Minutes of grace are a whole number, like 120.",
                "min_value": "Minutes of grace cannot be below 0.",
            },
            "newcomer_days": {
                "required": "Give the settling-in days; 0 is none.",
                "invalid": "Settling-in days are a whole number, like 3.",
                "min_value": "Settling-in days cannot be below 0.",
            },
            "digest_hour": {
                "required": "Give the hour of the morning reminder, like 7.",
                "invalid": "The hour is a whole number from 0 to 23, like 7.",
                "min_value": "The hour cannot be below 0.",
                "max_value": "The hour goes up to 23 (11 p.m.).",
            },
        }

    def __init__(self, *args, residents: QuerySet[Resident], may_choose_coordinator: bool, **kw):
        super().__init__(*args, **kw)
        self.fields["coordinator"].queryset = residents
        # The house chooses its coordinator (at a house meeting); a manager records the choice.
        self.fields["coordinator"].disabled = not may_choose_coordinator

    def clean_grace_minutes(self) -> int:
        value = self.cleaned_data["grace_minutes"]
        if value > 24 * 60:
            raise ValidationError("Minutes of grace go up to 1440 (a whole day).")
        return value

    def clean_newcomer_days(self) -> int:
        value = self.cleaned_data["newcomer_days"]
        if value > 60:
            raise ValidationError("Settling-in days go up to 60.")
        return value


class PinForm(forms.Form):
    resident = ResidentChoiceField(
        queryset=Resident.objects.none(),
        label="Who does it",
        error_messages={
            "required": "Choose who does this chore.",
            "invalid_choice": "Choose someone living in the house now.",
        },
    )

    def __init__(self, *args, residents: QuerySet[Resident], assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment = assignment
        self.fields["resident"].queryset = residents

    def clean_resident(self) -> Resident:
        resident = self.cleaned_data["resident"]
        assignment = self.assignment
        exclusion = Exclusion.objects.filter(
            resident=resident, chore_id=assignment.chore_id
        ).first()
        if exclusion is not None:
            why = f" ({exclusion.reason})" if exclusion.reason else ""
            raise ValidationError(f"{resident.name} does not take this chore{why}.")
        if Absence.objects.filter(
            resident=resident, starts_on__lte=assignment.day, ends_on__gte=assignment.day
        ).exists():
            raise ValidationError(f"{resident.name} is away that day.")
        return resident


HISTORY_DAYS = 28
HISTORY_MAX_DAYS = 92


class HistoryForm(forms.Form):
    """Which stretch of the chore history to show (read from the query string): at most about
    three months, and one resident or everyone."""

    start = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", widget=forms.DateInput(attrs={"type": "date"}))
    resident = ResidentChoiceField(
        queryset=Resident.objects.none(), required=False, empty_label="Everyone"
    )

    def __init__(self, data, *, house: House, today: dt.date):
        self.default_end = today
        self.default_start = today - dt.timedelta(days=HISTORY_DAYS - 1)
        given = {name: data.get(name) for name in self.base_fields if data.get(name)}
        super().__init__(
            {"start": self.default_start, "end": self.default_end, **given},
            auto_id="history_%s",
        )
        ever_here = Stay.objects.filter(house=house).values("resident_id")
        self.fields["resident"].queryset = Resident.objects.filter(pk__in=ever_here).order_by(
            BY_SHOWN_NAME, "pk"
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                raise ValidationError("“From” must come before “To”.")
            if (end - start).days >= HISTORY_MAX_DAYS:
                raise ValidationError(
                    f"Choose at most {HISTORY_MAX_DAYS} days at a time (about three months)."
                )
        return data

    def period(self) -> tuple[dt.date, dt.date, Resident | None]:
        """The days and the person to show: what was asked when it makes sense, else the last
        four weeks of everyone."""
        if self.is_valid():
            data = self.cleaned_data
            return data["start"], data["end"], data["resident"]
        return self.default_start, self.default_end, None
