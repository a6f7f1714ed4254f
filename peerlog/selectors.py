"""Reads for the mentoring pages: the mentor's list of mentees with days since the last contact,
who is overdue, the manager's view of the house, and the dashboard panel. Each runs a fixed
number of queries, whatever the number of pairs.

Days are the house's own: "days since the last contact" counts the house's dates between the
last contact and today. A mentee is overdue when that reaches the house's ``overdue_days`` (no
contact on any of the last N days), or, with no contact yet, when the pairing is that old.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from peerlog.models import Entry, MentoringSettings, MentorRequest, Pairing
from residents.models import BY_SHOWN_NAME, House, Resident
from residents.selectors import stays_on

RECENT_DAYS = 30


def with_contact(pairings: QuerySet[Pairing], *, now: dt.datetime) -> QuerySet[Pairing]:
    """Each pairing with ``last_contact`` (the newest entry's moment), and the number of entries
    and minutes of the last 30 days."""
    recent = Q(entries__at__gte=now - dt.timedelta(days=RECENT_DAYS))
    return pairings.annotate(
        last_contact=Max("entries__at"),
        recent_entries=Count("entries", filter=recent),
        recent_minutes=Sum("entries__minutes", filter=recent),
    )


@dataclass(frozen=True)
class PairStatus:
    pairing: Pairing
    days_since: int  # since the last contact, or since the start when there was none
    overdue: bool
    last_contact: dt.datetime | None
    recent_entries: int
    recent_minutes: int

    @property
    def mentee(self) -> Resident:
        return self.pairing.mentee

    @property
    def mentor(self) -> Resident:
        return self.pairing.mentor


def days_since_contact(pairing: Pairing, *, now: dt.datetime) -> int:
    """The house's days from a pairing's last contact (its ``last_contact`` annotation), or from
    its start when there was none, to today."""
    zone = zoneinfo.ZoneInfo(pairing.house.time_zone)
    last = pairing.last_contact
    since = last.astimezone(zone).date() if last else pairing.starts_on
    return (now.astimezone(zone).date() - since).days


_DEFAULT_OVERDUE_DAYS = MentoringSettings._meta.get_field("overdue_days").default


def overdue_days_of(house: House) -> int:
    """The house's days without contact that make a mentee overdue (its settings, if made, with
    ``mentoring_settings`` selected)."""
    settings = getattr(house, "mentoring_settings", None)
    return settings.overdue_days if settings else _DEFAULT_OVERDUE_DAYS


def pair_status(pairing: Pairing, *, overdue_days: int, now: dt.datetime) -> PairStatus:
    """How a pairing annotated by ``with_contact`` stands today in its house's zone."""
    days = days_since_contact(pairing, now=now)
    return PairStatus(
        pairing=pairing,
        days_since=days,
        overdue=pairing.is_active and days >= overdue_days,
        last_contact=pairing.last_contact,
        recent_entries=pairing.recent_entries,
        recent_minutes=pairing.recent_minutes or 0,
    )


def _statuses(pairings: QuerySet[Pairing], now: dt.datetime) -> list[PairStatus]:
    rows = with_contact(
        pairings.select_related("house__mentoring_settings", "mentor__user", "mentee__user"),
        now=now,
    )
    return [
        pair_status(pairing, overdue_days=overdue_days_of(pairing.house), now=now)
        for pairing in rows
    ]


def my_mentees(resident: Resident, *, now: dt.datetime | None = None) -> list[PairStatus]:
    """The mentor's active pairings, the most overdue first (one query)."""
    now = now or timezone.now()
    statuses = _statuses(Pairing.objects.filter(mentor=resident, ends_on__isnull=True), now)
    return sorted(statuses, key=lambda row: (-row.days_since, row.mentee.name.casefold()))


@dataclass(frozen=True)
class MyMentoring:
    """What the mentoring panel on Today shows a resident."""

    mentor_pairing: Pairing | None  # the active pairing with their own mentor
    overdue: list[Resident]  # their mentees overdue for contact, the longest without first


def my_mentoring(resident: Resident, *, now: dt.datetime | None = None) -> MyMentoring:
    """The resident's active pairings on both sides in one query, each with its last contact
    only (the lists of the mentoring page add the last 30 days)."""
    now = now or timezone.now()
    last_contact = Entry.objects.filter(pairing=OuterRef("pk")).order_by("-at").values("at")[:1]
    pairings = (
        Pairing.objects.filter(Q(mentor=resident) | Q(mentee=resident), ends_on__isnull=True)
        .select_related("house__mentoring_settings", "mentor", "mentee")
        .annotate(last_contact=Subquery(last_contact))
    )
    mentor_pairing, overdue = None, []
    for pairing in pairings:
        if pairing.mentee_id == resident.pk:
            mentor_pairing = pairing
            continue
        days = days_since_contact(pairing, now=now)
        if days >= overdue_days_of(pairing.house):
            overdue.append((days, pairing.mentee))
    overdue.sort(key=lambda row: (-row[0], row[1].name.casefold()))
    return MyMentoring(mentor_pairing, [mentee for _, mentee in overdue])


def overdue(house: House, *, now: dt.datetime | None = None) -> list[PairStatus]:
    """The house's active pairings whose mentee is overdue for contact (one query)."""
    now = now or timezone.now()
    statuses = _statuses(Pairing.objects.filter(house=house, ends_on__isnull=True), now)
    return [row for row in statuses if row.overdue]


@dataclass(frozen=True)
class HouseMentoring:
    pairs: list[PairStatus]  # active, the most overdue first
    ended: list[Pairing]  # the last ended ones, newest first
    without_mentor: list[Resident]
    requests: list[MentorRequest]

    @property
    def overdue(self) -> list[PairStatus]:
        return [row for row in self.pairs if row.overdue]


ENDED_SHOWN = 20


def house_mentoring(house: House, *, now: dt.datetime | None = None) -> HouseMentoring:
    """The manager's view of a house: pairs with their contact, the ended ones, residents
    without a mentor, and requests waiting. Four queries."""
    now = now or timezone.now()
    pairs = _statuses(Pairing.objects.filter(house=house, ends_on__isnull=True), now)
    pairs.sort(key=lambda row: (-row.days_since, row.mentee.name.casefold()))
    ended = list(
        Pairing.objects.filter(house=house, ends_on__isnull=False)
        .select_related("mentor", "mentee")
        .order_by("-ends_on", "-pk")[:ENDED_SHOWN]
    )
    mentored = Pairing.objects.filter(ends_on__isnull=True).values("mentee_id")
    without = list(
        Resident.objects.filter(pk__in=stays_on(house, house.today(now)).values("resident_id"))
        .exclude(pk__in=mentored)
        .order_by(BY_SHOWN_NAME, "pk")
    )
    requests = list(
        MentorRequest.objects.filter(house=house, status=MentorRequest.Status.WAITING)
        .select_related("resident")
        .order_by("created_at")
    )
    return HouseMentoring(pairs=pairs, ended=ended, without_mentor=without, requests=requests)


@dataclass(frozen=True)
class MentoringPanel:
    active_pairs: int
    overdue: int
    without_mentor: int
    waiting_requests: int


def mentoring_panel(house: House, *, now: dt.datetime | None = None) -> MentoringPanel:
    """The house dashboard's mentoring panel, from ``house_mentoring``."""
    view = house_mentoring(house, now=now)
    return MentoringPanel(
        active_pairs=len(view.pairs),
        overdue=len(view.overdue),
        without_mentor=len(view.without_mentor),
        waiting_requests=len(view.requests),
    )
