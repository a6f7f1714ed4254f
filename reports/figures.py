"""The monthly report's figures, counted in SQL.

A month is a calendar month of each house's own days: dates (stays, chores, outside meetings) are
local days already, and moments (a meeting's start, a peer log entry, a sobriety date change) are
turned into the house's local date in SQL. Every query groups by house and month over the report's
twelve months, so a report of two houses and one of forty run the same queries, and the trend and
the month before come with the month itself.

Every figure is a count or a sum, so houses add up to the total and a percentage is worked out
from the summed counts, never averaged. The rules, section by section:

- **Census**: bed-nights are the nights from the move-in day up to (not including) the move-out
  day; occupancy is bed-nights over beds × days. Admissions are stays that began in the month
  (a return is a new admission), discharges those whose move-out day is in it, by exit reason;
  the average length of stay is over the people discharged. Residents at month end are those
  living in the house on its last night.
- **Recovery**: milestones whose day fell in the month while the person lived in the house, from
  their sobriety date as it stands; sobriety dates reset (a change to a later date) in the month,
  as a count only.
- **Chores**: ``chores.outcomes``: done on time, done late, missed, still open, redone.
- **House meetings**: held and cancelled; attendance is present or late, out of the residents
  living in the house on the meeting's day who were not excused; motions decided in the month.
- **Outside meetings**: all logged in the house; the average is over the residents who lived
  there at some time in the month; a resident-week is a week (Monday to Sunday) ending in the
  month in which the resident lived in the house, expected to reach the house's weekly number
  (a fair share, rounded up, for part of a week); verified is the share a manager or secretary
  checked.
- **Peer mentoring**: pairs active on some day of the month; their entries and time; mentees
  who, on some day of the month while paired, had gone the house's overdue days without contact
  (the rule the dashboard uses).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from chores import outcomes
from chores.outcomes import Outcomes
from meetings.models import HouseMeetingSettings, Meeting, Motion, OutsideMeeting
from peerlog.models import Entry, MentoringSettings
from residents.milestones import milestone_offsets
from residents.models import House, Stay, local_date

TREND_MONTHS = 12
MILESTONE_YEARS = 80


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, named by its first day."""

    first: dt.date

    @classmethod
    def of(cls, year: int, month: int) -> Month:
        return cls(dt.date(year, month, 1))

    @property
    def next(self) -> dt.date:
        """The first day of the month after."""
        return (self.first + dt.timedelta(days=32)).replace(day=1)

    @property
    def last(self) -> dt.date:
        return self.next - dt.timedelta(days=1)

    @property
    def days(self) -> int:
        return (self.next - self.first).days

    def before(self, months: int = 1) -> Month:
        index = self.first.year * 12 + self.first.month - 1 - months
        return Month.of(index // 12, index % 12 + 1)

    @property
    def label(self) -> str:
        return f"{self.first:%B %Y}"

    @property
    def short(self) -> str:
        return f"{self.first:%b %y}"

    @property
    def key(self) -> str:
        return f"{self.first:%Y-%m}"


def _percent(part: float, whole: float) -> float | None:
    return round(100 * part / whole, 1) if whole else None


class _Sums:
    """Figures that add up: numbers add, dicts of numbers add key by key."""

    def __add__(self, other):
        values = {}
        for item in dataclasses.fields(self):
            mine, theirs = getattr(self, item.name), getattr(other, item.name)
            if isinstance(mine, dict):
                values[item.name] = {
                    key: mine.get(key, 0) + theirs.get(key, 0) for key in {*mine, *theirs}
                }
            else:
                values[item.name] = mine + theirs
        return type(self)(**values)


@dataclass(frozen=True)
class Census(_Sums):
    beds: int = 0
    bed_nights_possible: int = 0
    bed_nights: int = 0
    residents: int = 0  # who lived in the house at some time in the month
    admissions: int = 0
    discharges: dict[str, int] = field(default_factory=dict)  # by exit reason
    days_stayed_by_discharged: int = 0
    at_month_end: int = 0

    @property
    def occupancy_percent(self) -> float | None:
        return _percent(self.bed_nights, self.bed_nights_possible)

    @property
    def discharged(self) -> int:
        return sum(self.discharges.values())

    @property
    def average_stay_days(self) -> float | None:
        if not self.discharged:
            return None
        return round(self.days_stayed_by_discharged / self.discharged, 1)


@dataclass(frozen=True)
class Recovery(_Sums):
    milestones: dict[str, int] = field(default_factory=dict)  # by milestone key
    resets: int = 0

    @property
    def milestones_reached(self) -> int:
        return sum(self.milestones.values())


@dataclass(frozen=True)
class HouseMeetings(_Sums):
    held: int = 0
    cancelled: int = 0
    attended: int = 0
    expected: int = 0  # residents living in the house on the day, not excused
    passed: int = 0
    failed: int = 0
    no_quorum: int = 0

    @property
    def attendance_percent(self) -> float | None:
        return _percent(self.attended, self.expected)


@dataclass(frozen=True)
class Outside(_Sums):
    meetings: int = 0
    verified: int = 0
    resident_weeks: int = 0
    weeks_met: int = 0

    @property
    def verified_percent(self) -> float | None:
        return _percent(self.verified, self.meetings)

    @property
    def weeks_met_percent(self) -> float | None:
        return _percent(self.weeks_met, self.resident_weeks)


@dataclass(frozen=True)
class Mentoring(_Sums):
    active_pairs: int = 0
    entries: int = 0
    minutes: int = 0
    quiet_mentees: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


@dataclass(frozen=True)
class Figures:
    """Everything about one house (or several added up) in one month."""

    census: Census = field(default_factory=Census)
    recovery: Recovery = field(default_factory=Recovery)
    chores: Outcomes = field(default_factory=Outcomes)
    meetings: HouseMeetings = field(default_factory=HouseMeetings)
    outside: Outside = field(default_factory=Outside)
    mentoring: Mentoring = field(default_factory=Mentoring)

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            census=self.census + other.census,
            recovery=self.recovery + other.recovery,
            chores=outcomes.total([self.chores, other.chores]),
            meetings=self.meetings + other.meetings,
            outside=self.outside + other.outside,
            mentoring=self.mentoring + other.mentoring,
        )

    @property
    def outside_per_resident(self) -> float | None:
        residents = self.census.residents
        return round(self.outside.meetings / residents, 1) if residents else None


@dataclass(frozen=True)
class ResidentRow:
    """One resident's month in one house (only when the person asking chose per-resident
    rows)."""

    house_id: int
    resident_id: int
    name: str
    chores: Outcomes
    meetings_attended: int
    meetings_expected: int
    outside_meetings: int
    resident_weeks: int
    weeks_met: int

    @property
    def attendance_percent(self) -> float | None:
        return _percent(self.meetings_attended, self.meetings_expected)


@dataclass
class Report:
    month: Month
    houses: list[House]
    months: list[Month]  # the trend's months, oldest first, ending with ``month``
    figures: dict[tuple[int, Month], Figures]  # (house id, month)
    residents: list[ResidentRow] | None = None
    milestone_labels: dict[str, str] = field(default_factory=dict)

    def of(self, house: House, month: Month | None = None) -> Figures:
        return self.figures.get((house.pk, month or self.month), Figures())

    def total(self, month: Month | None = None) -> Figures:
        result = Figures()
        for house in self.houses:
            result = result + self.of(house, month)
        return result

    @property
    def previous(self) -> Month:
        return self.month.before()


# Building it


def build(
    houses: Iterable[House], month: Month, *, with_residents: bool = False, progress=None
) -> Report:
    """The report of ``month`` for ``houses`` with the months before it for the trend. A fixed
    number of queries, whatever the number of houses: one per section (a few more with
    per-resident rows). ``progress(done, steps)`` is called after each step when given."""
    houses = sorted(houses, key=lambda house: house.name.casefold())
    span = _Span([house.pk for house in houses], month.before(TREND_MONTHS - 1), month)
    steps = [
        _census,
        _discharges,
        _milestones,
        _resets,
        _chores,
        _meeting_counts,
        _attendance,
        _motions,
        _outside_counts,
        _outside_weeks,
        _mentoring_counts,
        _pairs_and_quiet,
    ]
    parts: dict[tuple[int, Month], dict[str, dict]] = defaultdict(lambda: defaultdict(dict))
    for done, step in enumerate(steps, start=1):
        for key, section, values in step(span):
            parts[key][section].update(values)
        if progress:
            progress(done, len(steps) + with_residents)
    beds = {house.pk: house.beds for house in houses}
    figures = {}
    for house_id, first in parts:
        key = (house_id, first)
        values = parts[key]
        census = {"beds": beds[house_id], **values["census"]}
        census["bed_nights_possible"] = beds[house_id] * first.days
        figures[key] = Figures(
            census=Census(**census),
            recovery=Recovery(**values["recovery"]),
            chores=Outcomes(**values["chores"]),
            meetings=HouseMeetings(**values["meetings"]),
            outside=Outside(**values["outside"]),
            mentoring=Mentoring(**values["mentoring"]),
        )
    for house in houses:  # a month with no rows at all still has its beds
        for first in span.months:
            if (house.pk, first) not in figures:
                figures[house.pk, first] = Figures(
                    census=Census(beds=house.beds, bed_nights_possible=house.beds * first.days)
                )
    report = Report(
        month=month,
        houses=houses,
        months=span.months,
        figures=figures,
        milestone_labels={key: label for key, label, *_ in milestone_offsets(years=99)},
    )
    if with_residents:
        report.residents = _resident_rows(span, month)
        if progress:
            progress(len(steps) + 1, len(steps) + 1)
    return report


@dataclass(frozen=True)
class _Span:
    house_ids: list[int]
    start: Month
    end: Month

    @property
    def months(self) -> list[Month]:
        months, month = [], self.start
        while month <= self.end:
            months.append(month)
            month = Month(month.next)
        return months

    @property
    def first(self) -> dt.date:
        return self.start.first

    @property
    def next(self) -> dt.date:
        return self.end.next

    @property
    def params(self) -> dict:
        return {
            "houses": self.house_ids,
            "first": self.first,
            "next": self.next,
            "last_month": self.end.first,
            # Moments are compared with a day to spare either side, for the index, then
            # turned into the house's local date.
            "after": dt.datetime.combine(self.first, dt.time(), tzinfo=dt.UTC)
            - dt.timedelta(days=1),
            "before": dt.datetime.combine(self.next, dt.time(), tzinfo=dt.UTC)
            + dt.timedelta(days=1),
        }


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_MONTHS = """
months AS (
    SELECT m::date AS first, (m + interval '1 month')::date AS next
    FROM generate_series(%(first)s::date, %(last_month)s::date, interval '1 month') AS m
)"""


_CENSUS = """
    WITH {months}
    SELECT s.house_id, months.first,
        sum(GREATEST(0, LEAST(COALESCE(s.move_out, months.next), months.next)
                        - GREATEST(s.move_in, months.first))),
        count(DISTINCT s.resident_id) FILTER (
            WHERE s.move_in < months.next AND COALESCE(s.move_out, months.next) > months.first),
        count(*) FILTER (WHERE s.move_in >= months.first AND s.move_in < months.next),
        coalesce(sum(s.move_out - s.move_in) FILTER (
            WHERE s.move_out >= months.first AND s.move_out < months.next), 0),
        count(*) FILTER (WHERE s.move_out IS NULL OR s.move_out >= months.next)
    FROM residents_stay s
    JOIN months ON s.move_in < months.next
        AND (s.move_out IS NULL OR s.move_out >= months.first)
    WHERE s.house_id = ANY(%(houses)s)
    GROUP BY s.house_id, months.first
"""


def _census(span: _Span):
    sql = _CENSUS.format(months=_MONTHS)
    for house_id, first, nights, residents, admitted, stayed, at_end in _rows(sql, span.params):
        yield (
            (house_id, Month(first)),
            "census",
            {
                "bed_nights": nights,
                "residents": residents,
                "admissions": admitted,
                "days_stayed_by_discharged": stayed,
                "at_month_end": at_end,
            },
        )


def _discharges(span: _Span):
    rows = (
        Stay.objects.filter(
            house_id__in=span.house_ids, move_out__gte=span.first, move_out__lt=span.next
        )
        .order_by()
        .values("house_id", "exit_reason", month=TruncMonth("move_out"))
        .annotate(count=Count("pk"))
    )
    by_key: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in rows:
        by_key[row["house_id"], Month(row["month"])][row["exit_reason"]] = row["count"]
    for key, discharges in by_key.items():
        yield key, "census", {"discharges": discharges}


def _milestones(span: _Span):
    offsets = milestone_offsets(years=MILESTONE_YEARS)
    sql = """
    WITH offsets AS (
        SELECT * FROM unnest(%(keys)s::text[], %(days)s::int[], %(months)s::int[])
            AS offsets(key, days, months)
    ),
    reached AS (
        SELECT r.id AS resident_id, o.key,
            CASE WHEN o.months = 0 THEN r.sobriety_date + o.days
                 ELSE (r.sobriety_date + make_interval(months => o.months))::date END AS day
        FROM residents_resident r CROSS JOIN offsets o
        WHERE r.sobriety_date IS NOT NULL AND r.sobriety_date < %(next)s
          AND r.id IN (SELECT resident_id FROM residents_stay
                       WHERE house_id = ANY(%(houses)s) AND move_in < %(next)s
                         AND (move_out IS NULL OR move_out > %(first)s))
    )
    SELECT s.house_id, date_trunc('month', reached.day)::date, reached.key, count(*)
    FROM reached
    JOIN residents_stay s ON s.resident_id = reached.resident_id
        AND s.move_in <= reached.day AND (s.move_out IS NULL OR s.move_out > reached.day)
    WHERE s.house_id = ANY(%(houses)s) AND reached.day >= %(first)s AND reached.day < %(next)s
    GROUP BY 1, 2, 3
    """
    params = {
        **span.params,
        "keys": [key for key, *_ in offsets],
        "days": [days for _, _, days, _ in offsets],
        "months": [months for *_, months in offsets],
    }
    by_key: dict[tuple, dict[str, int]] = defaultdict(dict)
    for house_id, first, key, count in _rows(sql, params):
        by_key[house_id, Month(first)][key] = count
    for key, milestones in by_key.items():
        yield key, "recovery", {"milestones": milestones}


def _resets(span: _Span):
    sql = """
    SELECT s.house_id, date_trunc('month', c.day)::date, count(*)
    FROM (
        SELECT ch.resident_id, timezone(h.time_zone, ch.changed_at)::date AS day, h.id AS house_id
        FROM residents_sobrietydatechange ch
        JOIN residents_stay st ON st.resident_id = ch.resident_id
        JOIN residents_house h ON h.id = st.house_id
        WHERE st.house_id = ANY(%(houses)s)
          AND ch.previous_date IS NOT NULL AND ch.new_date > ch.previous_date
          AND ch.changed_at >= %(after)s AND ch.changed_at < %(before)s
    ) AS c
    JOIN residents_stay s ON s.resident_id = c.resident_id AND s.house_id = c.house_id
        AND s.move_in <= c.day AND (s.move_out IS NULL OR s.move_out > c.day)
    WHERE c.day >= %(first)s AND c.day < %(next)s
    GROUP BY 1, 2
    """
    for house_id, first, count in _rows(sql, span.params):
        yield (house_id, Month(first)), "recovery", {"resets": count}


def _chores(span: _Span):
    found = outcomes.by_house_and_month(span.house_ids, span.first, span.end.last)
    for (house_id, first), counts in found.items():
        yield (house_id, Month(first)), "chores", dataclasses.asdict(counts)


def _by_local_month(queryset, span: _Span, section: str, *, moment: str, house: str, **counts):
    """Count ``queryset``'s rows by house and by the month of the local date of ``moment`` in
    the house's zone (``house`` is the path to the house), one query."""
    rows = (
        queryset.filter(
            **{
                f"{house}_id__in": span.house_ids,
                f"{moment}__gte": span.params["after"],
                f"{moment}__lt": span.params["before"],
            }
        )
        .alias(day=local_date(F(f"{house}__time_zone"), F(moment)))
        .filter(day__gte=span.first, day__lt=span.next)
        .order_by()
        .values(f"{house}_id", month=TruncMonth("day"))
        .annotate(**counts)
    )
    for row in rows:
        key = (row.pop(f"{house}_id"), Month(row.pop("month")))
        yield key, section, row


def _meeting_counts(span: _Span):
    return _by_local_month(
        Meeting.objects,
        span,
        "meetings",
        moment="starts_at",
        house="house",
        held=Count("pk", filter=Q(status=Meeting.Status.HELD)),
        cancelled=Count("pk", filter=Q(status=Meeting.Status.CANCELLED)),
    )


_ATTENDANCE = """
WITH held AS (
    SELECT m.id, m.house_id, timezone(h.time_zone, m.starts_at)::date AS day
    FROM meetings_meeting m JOIN residents_house h ON h.id = m.house_id
    WHERE m.house_id = ANY(%(houses)s) AND m.status = 'held'
      AND m.starts_at >= %(after)s AND m.starts_at < %(before)s
)
SELECT held.house_id, date_trunc('month', held.day)::date, {resident}
    count(*) FILTER (WHERE a.status IN ('present', 'late')),
    count(*) FILTER (WHERE a.status IS DISTINCT FROM 'excused')
FROM held
JOIN residents_stay s ON s.house_id = held.house_id
    AND s.move_in <= held.day AND (s.move_out IS NULL OR s.move_out > held.day)
LEFT JOIN meetings_attendance a ON a.meeting_id = held.id AND a.resident_id = s.resident_id
WHERE held.day >= %(first)s AND held.day < %(next)s
GROUP BY {group}
"""


def _attendance(span: _Span):
    sql = _ATTENDANCE.format(resident="", group="1, 2")
    for house_id, first, attended, expected in _rows(sql, span.params):
        values = {"attended": attended, "expected": expected}
        yield (house_id, Month(first)), "meetings", values


def _motions(span: _Span):
    return _by_local_month(
        Motion.objects,
        span,
        "meetings",
        moment="decided_at",
        house="house",
        passed=Count("pk", filter=Q(status=Motion.Status.PASSED)),
        failed=Count("pk", filter=Q(status=Motion.Status.FAILED)),
        no_quorum=Count("pk", filter=Q(status=Motion.Status.NO_QUORUM)),
    )


def _outside_counts(span: _Span):
    rows = (
        OutsideMeeting.objects.filter(
            house_id__in=span.house_ids, day__gte=span.first, day__lt=span.next
        )
        .order_by()
        .values("house_id", month=TruncMonth("day"))
        .annotate(meetings=Count("pk"), verified=Count("pk", filter=Q(verified_at__isnull=False)))
    )
    for row in rows:
        key = (row.pop("house_id"), Month(row.pop("month")))
        yield key, "outside", row


_OUTSIDE_WEEKS = """
WITH weeks AS (
    SELECT monday::date FROM generate_series(
        %(first_monday)s::date, %(last_monday)s::date, interval '7 days') AS monday
),
resident_weeks AS (
    SELECT s.house_id, s.resident_id, w.monday,
        GREATEST(0, LEAST(COALESCE(s.move_out, w.monday + 7), w.monday + 7)
                    - GREATEST(s.move_in, w.monday)) AS days,
        COALESCE(ms.outside_meetings_expected, %(default_expected)s) AS expected
    FROM weeks w
    JOIN residents_stay s ON s.move_in < w.monday + 7
        AND (s.move_out IS NULL OR s.move_out > w.monday)
    LEFT JOIN meetings_housemeetingsettings ms ON ms.house_id = s.house_id
    WHERE s.house_id = ANY(%(houses)s)
),
went AS (
    SELECT o.resident_id, o.house_id, o.day - (extract(isodow FROM o.day)::int - 1) AS monday,
        count(*) AS meetings
    FROM meetings_outsidemeeting o
    WHERE o.house_id = ANY(%(houses)s)
      AND o.day >= %(first_monday)s AND o.day < %(last_monday)s::date + 7
    GROUP BY 1, 2, 3
),
judged AS (
    SELECT rw.house_id, rw.resident_id, rw.monday,
        CASE WHEN rw.days >= 7 THEN rw.expected
             ELSE ceil(rw.expected * rw.days / 7.0) END AS wanted,
        COALESCE(went.meetings, 0) AS went
    FROM resident_weeks rw
    LEFT JOIN went ON went.resident_id = rw.resident_id AND went.house_id = rw.house_id
        AND went.monday = rw.monday
)
SELECT house_id, date_trunc('month', monday + 6)::date, {resident}
    count(*), count(*) FILTER (WHERE went >= wanted)
FROM judged
WHERE wanted > 0
GROUP BY {group}
"""


def _weeks_params(span: _Span) -> dict:
    """Mondays of the weeks whose Sunday falls in the span."""
    first_monday = span.first - dt.timedelta(days=6)
    first_monday += dt.timedelta(days=(-first_monday.weekday()) % 7)
    last_sunday = span.end.last - dt.timedelta(days=(span.end.last.weekday() + 1) % 7)
    default = HouseMeetingSettings._meta.get_field("outside_meetings_expected").default
    return {
        **span.params,
        "first_monday": first_monday,
        "last_monday": last_sunday - dt.timedelta(days=6),
        "default_expected": default,
    }


def _outside_weeks(span: _Span):
    sql = _OUTSIDE_WEEKS.format(resident="", group="1, 2")
    for house_id, first, weeks, met in _rows(sql, _weeks_params(span)):
        values = {"resident_weeks": weeks, "weeks_met": met}
        yield (house_id, Month(first)), "outside", values


def _mentoring_counts(span: _Span):
    return _by_local_month(
        Entry.objects,
        span,
        "mentoring",
        moment="at",
        house="pairing__house",
        entries=Count("pk"),
        minutes=Coalesce(Sum("minutes"), 0),
    )


_PAIRS_AND_QUIET = """
WITH {months},
windows AS (
    SELECT p.id AS pairing_id, p.house_id, p.mentee_id, p.starts_on, months.first AS month,
        h.time_zone,
        GREATEST(p.starts_on, months.first) AS lo,
        LEAST(COALESCE(p.ends_on, months.next), months.next) AS hi,
        COALESCE(ms.overdue_days, %(default_overdue)s) AS allowed
    FROM peerlog_pairing p
    JOIN residents_house h ON h.id = p.house_id
    JOIN months ON p.starts_on < months.next
        AND (p.ends_on IS NULL OR p.ends_on > months.first)
    LEFT JOIN peerlog_mentoringsettings ms ON ms.house_id = p.house_id
    WHERE p.house_id = ANY(%(houses)s)
),
contacts AS (
    SELECT e.pairing_id, timezone(h.time_zone, e.at)::date AS day
    FROM peerlog_entry e
    JOIN peerlog_pairing p ON p.id = e.pairing_id
    JOIN residents_house h ON h.id = p.house_id
    WHERE p.house_id = ANY(%(houses)s) AND e.at >= %(after)s AND e.at < %(before)s
),
points AS (
    -- the last contact before the window (or the pairing's start), the contacts in it, and
    -- the window's end, which is no contact
    SELECT w.pairing_id, w.month, w.lo, COALESCE(
        (SELECT timezone(w.time_zone, max(e.at))::date FROM peerlog_entry e
         WHERE e.pairing_id = w.pairing_id AND e.at < timezone(w.time_zone, w.lo::timestamp)),
        w.starts_on) AS day, false AS is_end
    FROM windows w
    UNION ALL
    SELECT w.pairing_id, w.month, w.lo, c.day, false
    FROM windows w JOIN contacts c ON c.pairing_id = w.pairing_id
        AND c.day >= w.lo AND c.day < w.hi
    UNION ALL
    SELECT w.pairing_id, w.month, w.lo, w.hi, true FROM windows w
),
gaps AS (
    -- from each point, the last day still without contact: the next contact's day (its
    -- morning, before it came), or the window's last day
    SELECT pairing_id, month, lo, day,
        lead(day) OVER next_point
            - CASE WHEN lead(is_end) OVER next_point THEN 1 ELSE 0 END AS until
    FROM points
    WINDOW next_point AS (PARTITION BY pairing_id, month ORDER BY day, is_end)
),
quiet AS (
    -- overdue on a day of the window: as many days as the house allows since the contact
    SELECT DISTINCT g.pairing_id, g.month
    FROM gaps g JOIN windows w ON w.pairing_id = g.pairing_id AND w.month = g.month
    WHERE g.until >= g.lo AND g.until - g.day >= w.allowed
)
SELECT w.house_id, w.month, count(DISTINCT w.pairing_id),
    count(DISTINCT w.mentee_id) FILTER (WHERE q.pairing_id IS NOT NULL)
FROM windows w
LEFT JOIN quiet q ON q.pairing_id = w.pairing_id AND q.month = w.month
GROUP BY 1, 2
"""


def _pairs_and_quiet(span: _Span):
    default = MentoringSettings._meta.get_field("overdue_days").default
    sql = _PAIRS_AND_QUIET.format(months=_MONTHS)
    for house_id, first, pairs, quiet in _rows(sql, {**span.params, "default_overdue": default}):
        values = {"active_pairs": pairs, "quiet_mentees": quiet}
        yield (house_id, Month(first)), "mentoring", values


# Per-resident rows


def _resident_rows(span: _Span, month: Month) -> list[ResidentRow]:
    """The residents who lived in the houses in ``month``, each with their chores, house
    meetings and outside meetings there. Four queries."""
    only = _Span(span.house_ids, month, month)
    stays = (
        Stay.objects.filter(house_id__in=span.house_ids, move_in__lt=month.next)
        .filter(Q(move_out__isnull=True) | Q(move_out__gt=month.first))
        .order_by()
        .values("house_id", "resident_id", "resident__preferred_name", "resident__legal_name")
        .distinct()
    )
    chores = outcomes.by_resident(span.house_ids, month.first, month.last)
    attendance = {
        (house_id, resident_id): (attended, expected)
        for house_id, _, resident_id, attended, expected in _rows(
            _ATTENDANCE.format(resident="s.resident_id,", group="1, 2, 3"), only.params
        )
    }
    weeks = {
        (house_id, resident_id): (total, met)
        for house_id, _, resident_id, total, met in _rows(
            _OUTSIDE_WEEKS.format(resident="resident_id,", group="1, 2, 3"),
            _weeks_params(only),
        )
    }
    logged = {
        (row["house_id"], row["resident_id"]): row["count"]
        for row in OutsideMeeting.objects.filter(
            house_id__in=span.house_ids, day__gte=month.first, day__lt=month.next
        )
        .order_by()
        .values("house_id", "resident_id")
        .annotate(count=Count("pk"))
    }
    rows = []
    for stay in stays:
        key = (stay["house_id"], stay["resident_id"])
        attended, expected = attendance.get(key, (0, 0))
        total, met = weeks.get(key, (0, 0))
        rows.append(
            ResidentRow(
                house_id=key[0],
                resident_id=key[1],
                name=stay["resident__preferred_name"] or stay["resident__legal_name"],
                chores=chores.get(key, Outcomes()),
                meetings_attended=attended,
                meetings_expected=expected,
                outside_meetings=logged.get(key, 0),
                resident_weeks=total,
                weeks_met=met,
            )
        )
    return sorted(rows, key=lambda row: (row.house_id, row.name.casefold(), row.resident_id))
