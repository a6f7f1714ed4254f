"""The report as tables: one list of sections that the page, the PDF, the CSV files and the XLSX
sheets all show, so that the four never disagree. A cell holds a number (int or float) or text;
its column says how to show it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from reports.figures import Figures, Report
from residents.models import Stay

COUNT, NUMBER, PERCENT, CHANGE, TEXT = "count", "number", "percent", "change", "text"
MONTH = "month"  # a month, held as its first day

# A table with more columns than this does not fit a portrait page: the PDF sets it on a
# landscape one, the XLSX prints it landscape.
PORTRAIT_COLUMNS = 9


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = COUNT
    width: int = 12  # characters, for the XLSX sheet (and each column's share in the PDF)

    @property
    def numeric(self) -> bool:
        return self.kind in (COUNT, NUMBER, PERCENT, CHANGE)


@dataclass
class Table:
    key: str  # the CSV file's and the XLSX sheet's name
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total: list | None = None
    note: str = ""
    confidential: bool = False

    @property
    def wide(self) -> bool:
        return len(self.columns) > PORTRAIT_COLUMNS

    @property
    def shares(self) -> list[float]:
        """Each column's share of the table's width, in percent, from the columns' widths."""
        whole = sum(column.width for column in self.columns)
        return [round(100 * column.width / whole, 2) for column in self.columns]


def _change(now: float | None, before: float | None) -> float | None:
    """Percentage points from the month before (None when either month had nothing)."""
    if now is None or before is None:
        return None
    return round(now - before, 1)


def _per_house(
    report: Report, columns: list[Column], cells: Callable[[Figures, Figures], list], **table
) -> Table:
    """One row a house and a total row, each from the month's figures and the month before's."""
    rows = [
        [house.name, *cells(report.of(house), report.of(house, report.previous))]
        for house in report.houses
    ]
    total = ["All houses", *cells(report.total(), report.total(report.previous))]
    return Table(
        columns=[Column("House", TEXT, 24), *columns],
        rows=rows,
        total=total if len(report.houses) > 1 else None,
        **table,
    )


def tables(report: Report) -> list[Table]:
    sections = [
        _census(report),
        _discharges(report),
        _recovery(report),
        _chores(report),
        _house_meetings(report),
        _outside(report),
        _mentoring(report),
        _trend(report),
    ]
    if report.residents is not None:
        sections.append(_residents(report))
    return sections


def _census(report: Report) -> Table:
    columns = [
        Column("Beds"),
        Column("Bed-nights"),
        Column("Occupancy %", PERCENT),
        Column("Change (points)", CHANGE, 15),
        Column("Admissions"),
        Column("Discharges"),
        Column("Average stay (days)", NUMBER, 14),
        Column("Residents at month end", COUNT, 16),
    ]

    def cells(now: Figures, before: Figures) -> list:
        census = now.census
        return [
            census.beds,
            census.bed_nights,
            census.occupancy_percent,
            _change(census.occupancy_percent, before.census.occupancy_percent),
            census.admissions,
            census.discharged,
            census.average_stay_days,
            census.at_month_end,
        ]

    return _per_house(
        report,
        columns,
        cells,
        key="census",
        title="Census",
        note="Occupancy: bed-nights (a night from the move-in day up to the move-out day) of "
        "beds × days. The average stay is of the people discharged in the month.",
    )


def _discharges(report: Report) -> Table:
    reasons = Stay.ExitReason.choices
    columns = [*(Column(label, COUNT, 14) for _, label in reasons), Column("All")]

    def cells(now: Figures, before: Figures) -> list:
        found = now.census.discharges
        return [*(found.get(value, 0) for value, _ in reasons), now.census.discharged]

    return _per_house(report, columns, cells, key="discharges", title="Discharges by exit reason")


def _recovery(report: Report) -> Table:
    month_total = report.total().recovery.milestones
    keys = [key for key in report.milestone_labels if month_total.get(key)]
    columns = [
        Column("Milestones reached", COUNT, 14),
        *(Column(report.milestone_labels[key]) for key in keys),
        Column("Sobriety dates reset", COUNT, 14),
    ]

    def cells(now: Figures, before: Figures) -> list:
        recovery = now.recovery
        by_key = [recovery.milestones.get(key, 0) for key in keys]
        return [recovery.milestones_reached, *by_key, recovery.resets]

    return _per_house(
        report,
        columns,
        cells,
        key="recovery",
        title="Recovery",
        note="Milestones reached while living in the house; resets are counted, never named.",
    )


def _chores(report: Report) -> Table:
    columns = [
        Column("Assigned"),
        Column("Done on time", COUNT, 14),
        Column("Done late"),
        Column("Missed"),
        Column("Still open"),
        Column("Redone"),
        Column("Completion %", PERCENT, 14),
        Column("Change (points)", CHANGE, 15),
    ]

    def cells(now: Figures, before: Figures) -> list:
        chores = now.chores
        return [
            chores.assigned,
            chores.done_on_time,
            chores.done_late,
            chores.missed,
            chores.still_open,
            chores.redone,
            chores.completion_percent,
            _change(chores.completion_percent, before.chores.completion_percent),
        ]

    return _per_house(
        report,
        columns,
        cells,
        key="chores",
        title="Chores",
        note="Completion counts the chores done, on time or late, of those no longer open.",
    )


def _house_meetings(report: Report) -> Table:
    columns = [
        Column("Held"),
        Column("Cancelled"),
        Column("Attendance %", PERCENT, 14),
        Column("Change (points)", CHANGE, 15),
        Column("Motions passed", COUNT, 14),
        Column("Motions failed", COUNT, 14),
        Column("No quorum"),
    ]

    def cells(now: Figures, before: Figures) -> list:
        meetings = now.meetings
        return [
            meetings.held,
            meetings.cancelled,
            meetings.attendance_percent,
            _change(meetings.attendance_percent, before.meetings.attendance_percent),
            meetings.passed,
            meetings.failed,
            meetings.no_quorum,
        ]

    return _per_house(
        report,
        columns,
        cells,
        key="house_meetings",
        title="House meetings",
        note="Attendance: present or late, of the residents living in the house on the day who "
        "were not excused.",
    )


def _outside(report: Report) -> Table:
    columns = [
        Column("Meetings"),
        Column("Per resident", NUMBER),
        Column("Resident-weeks meeting the expectation %", PERCENT, 22),
        Column("Verified %", PERCENT),
    ]

    def cells(now: Figures, before: Figures) -> list:
        return [
            now.outside.meetings,
            now.outside_per_resident,
            now.outside.weeks_met_percent,
            now.outside.verified_percent,
        ]

    return _per_house(
        report,
        columns,
        cells,
        key="outside_meetings",
        title="Outside meetings",
        note="A resident-week is a week (Monday to Sunday) ending in the month; part of a week "
        "in the house expects a fair share of the house's number.",
    )


def _mentoring(report: Report) -> Table:
    columns = [
        Column("Active pairs", COUNT, 14),
        Column("Check-ins"),
        Column("Hours", NUMBER),
        Column("Mentees overdue for contact", COUNT, 18),
    ]

    def cells(now: Figures, before: Figures) -> list:
        mentoring = now.mentoring
        return [mentoring.active_pairs, mentoring.entries, mentoring.hours, mentoring.quiet_mentees]

    return _per_house(
        report,
        columns,
        cells,
        key="mentoring",
        title="Peer mentoring",
        note="Overdue: on some day of the month, as many days without contact as the house allows.",
    )


def _trend(report: Report) -> Table:
    rows = []
    for month in report.months:
        total = report.total(month)
        rows.append(
            [
                month.first,
                total.census.occupancy_percent,
                total.chores.completion_percent,
                total.meetings.attendance_percent,
            ]
        )
    return Table(
        key="trend",
        title="The last twelve months",
        columns=[
            Column("Month", MONTH, 16),
            Column("Occupancy %", PERCENT, 14),
            Column("Chore completion %", PERCENT, 18),
            Column("House meeting attendance %", PERCENT, 18),
        ],
        rows=rows,
    )


def _residents(report: Report) -> Table:
    names = {house.pk: house.name for house in report.houses}
    order = {house.pk: index for index, house in enumerate(report.houses)}
    people = sorted(report.residents or [], key=lambda row: order[row.house_id])
    rows = [
        [
            names[row.house_id],
            row.name,
            row.chores.assigned,
            row.chores.done_on_time,
            row.chores.done_late,
            row.chores.missed,
            row.chores.completion_percent,
            row.meetings_attended,
            row.meetings_expected,
            row.attendance_percent,
            row.outside_meetings,
            row.weeks_met,
            row.resident_weeks,
        ]
        for row in people
    ]
    return Table(
        key="residents",
        title="Residents",
        columns=[
            Column("House", TEXT, 24),
            Column("Resident", TEXT, 30),
            Column("Chores assigned", COUNT, 14),
            Column("Done on time", COUNT, 14),
            Column("Done late"),
            Column("Missed"),
            Column("Completion %", PERCENT, 14),
            Column("House meetings attended", COUNT, 16),
            Column("House meetings expected", COUNT, 16),
            Column("Attendance %", PERCENT, 14),
            Column("Outside meetings", COUNT, 14),
            Column("Weeks meeting the expectation", COUNT, 18),
            Column("Weeks", COUNT, 10),
        ],
        rows=rows,
        confidential=True,
    )


NOTICE = (
    "This information has been disclosed to you from records protected by federal "
    "confidentiality rules (42 CFR Part 2). The federal rules prohibit you from making any "
    "further disclosure of information in this record that identifies a person as having or "
    "having had a substance use disorder either directly, by reference to publicly available "
    "information, or through verification of such identification by another person unless "
    "further disclosure is expressly permitted by the written consent of the person to whom "
    "it pertains or as otherwise permitted by 42 CFR Part 2. A general authorization for the "
    "release of medical or other information is NOT sufficient for this purpose. The federal "
    "rules restrict any use of the information to investigate or prosecute with regard to a "
    "crime any person with a substance use disorder."
)


def percent(value: float) -> str:
    """The one way a percentage is written, everywhere the report shows one (the page, the
    PDF, the charts' words; the XLSX's number format says the same): one decimal, no space
    before the sign. 67 → "67.0%", 60.25 → "60.3%", 100 → "100.0%"."""
    return f"{one_decimal(value)}%"


def points(value: float) -> str:
    """A change in percentage points, as :func:`percent` writes the percentages: "+2.5",
    "-10.0", "0.0"."""
    text = one_decimal(value)
    return text if text == "0.0" or text.startswith("-") else f"+{text}"


def one_decimal(value: float) -> str:
    # Halves round up, as people reading a report expect (82.25 → 82.3); repr gives the
    # shortest decimal that is this float, so 82.25 is not 82.2499…
    exact = Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return "0.0" if exact == 0 else str(exact)


def show(value, kind: str) -> str:
    """A cell as the page and the PDF show it."""
    if value is None:
        return "–"
    if kind == PERCENT:
        return percent(value)
    if kind == CHANGE:
        return points(value)
    if kind == NUMBER:
        return f"{value:g}"
    if kind == COUNT:
        return f"{value:,}"
    if kind == MONTH and isinstance(value, dt.date):
        return f"{value:%B %Y}"
    return str(value)
