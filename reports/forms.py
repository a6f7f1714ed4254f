"""What a report is of: a month that has ended, some houses, and per-resident rows or not."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from reports.figures import Month
from residents.models import House

MONTHS_OFFERED = 36


def latest_month(houses: list[House]) -> Month:
    """The last month that has ended in every one of the houses' zones."""
    today = min((house.today() for house in houses), default=timezone.now().date())
    return Month(today.replace(day=1)).before()


def months_offered(houses: list[House]) -> list[Month]:
    latest = latest_month(houses)
    return [latest.before(n) for n in range(MONTHS_OFFERED)]


class ReportForm(forms.Form):
    """Read from the query string. Houses are given by slug; none given means every house the
    person may see."""

    month = forms.ChoiceField(label="Month")
    house = forms.MultipleChoiceField(
        label="Houses",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    residents = forms.BooleanField(
        label="Per-resident rows",
        required=False,
        help_text="Names residents: kept in the audit trail, and an export carries a "
        "confidentiality notice.",
    )

    def __init__(self, data, *, houses: list[House]):
        self.houses = houses
        self.months = months_offered(houses)
        given = data.copy() if data else {}
        if not given.get("month"):
            given["month"] = self.months[0].key
        super().__init__(given, auto_id="report_%s")
        self.fields["month"].choices = [(month.key, month.label) for month in self.months]
        self.fields["house"].choices = [(house.slug, house.name) for house in houses]

    def clean_month(self) -> Month:
        key = self.cleaned_data["month"]
        return next(month for month in self.months if month.key == key)

    def chosen(self) -> tuple[Month, list[House], bool]:
        """The month, houses and per-resident choice asked for, or the latest month of every
        house when the form is not valid (its errors are shown beside the fields)."""
        if not self.is_valid():
            return self.months[0], self.houses, False
        slugs = set(self.cleaned_data["house"])
        houses = [house for house in self.houses if house.slug in slugs] or self.houses
        return self.cleaned_data["month"], houses, self.cleaned_data["residents"]


class ExportForm(ReportForm):
    FORMATS = [("xlsx", "Excel (XLSX)"), ("pdf", "PDF"), ("csv", "CSV files (zip)")]
    PAPER = [("letter", "Letter"), ("a4", "A4")]

    format = forms.ChoiceField(label="File", choices=FORMATS, widget=forms.RadioSelect)
    paper = forms.ChoiceField(label="Paper (PDF)", choices=PAPER, initial="letter", required=False)
