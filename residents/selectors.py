"""Reads that several pages need: the house roster, arrivals and departures, the staff overview.

Each runs a fixed number of queries whatever the number of residents (the tests hold them to it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from residents import milestones
from residents.models import (
    BY_SHOWN_NAME,
    House,
    HouseRules,
    Resident,
    RulesSignature,
    Stay,
    local_date,
)


def stays_on(house: House, day: dt.date) -> QuerySet[Stay]:
    """The stays under way in the house on ``day`` (a move-out day is not a day in)."""
    return Stay.objects.filter(house=house, move_in__lte=day).filter(
        Q(move_out__isnull=True) | Q(move_out__gt=day)
    )


def residents_on(house: House, day: dt.date) -> QuerySet[Resident]:
    """Everyone living in the house on ``day``, by the name they go by."""
    living = stays_on(house, day).values("resident_id")
    return Resident.objects.filter(pk__in=living).order_by(BY_SHOWN_NAME, "pk")


@dataclass(frozen=True)
class RosterRow:
    stay: Stay
    resident: Resident
    days_sober: int | None
    days_in_house: int
    next_milestone: milestones.Milestone | None
    signed_current_rules: bool | None  # None when the house has no rules yet

    @property
    def name(self) -> str:
        return self.resident.name


def current_rules(house: House) -> HouseRules | None:
    return house.rules_versions.order_by("-version").first()


def rules_to_sign(stay: Stay) -> HouseRules | None:
    """The house's current rules when the resident has not signed them in this stay (one
    query)."""
    signed = RulesSignature.objects.filter(rules=OuterRef("pk"), stay=stay)
    rules = stay.house.rules_versions.annotate(signed=Exists(signed)).order_by("-version").first()
    return None if rules is None or rules.signed else rules


_UNKNOWN = object()


def roster(house: House, *, today: dt.date | None = None, rules=_UNKNOWN) -> list[RosterRow]:
    """Everyone living in the house on ``today`` (the house's own date unless given), by name.
    Two queries, or one more for the current rules unless the caller passes them (``None`` for a
    house without rules)."""
    today = today or house.today()
    if rules is _UNKNOWN:
        rules = current_rules(house)
    stays = list(
        house.stays.filter(move_in__lte=today)
        .filter(Q(move_out__isnull=True) | Q(move_out__gt=today))
        .select_related("resident__user")
        .order_by("resident__preferred_name", "resident__legal_name")
    )
    signed: set[int] = set()  # stays during which the current rules were signed
    if rules is not None:
        signed = set(
            RulesSignature.objects.filter(
                rules=rules, stay__in=[stay.pk for stay in stays]
            ).values_list("stay_id", flat=True)
        )
    rows = []
    for stay in stays:
        resident = stay.resident
        sober_since = resident.sobriety_date
        rows.append(
            RosterRow(
                stay=stay,
                resident=resident,
                days_sober=milestones.days_sober(sober_since, today) if sober_since else None,
                days_in_house=(today - stay.move_in).days,
                next_milestone=(
                    milestones.next_milestone(sober_since, today) if sober_since else None
                ),
                signed_current_rules=None if rules is None else stay.pk in signed,
            )
        )
    return sorted(rows, key=lambda row: row.name.casefold())


@dataclass(frozen=True)
class MilestoneSoon:
    resident: Resident
    milestone: milestones.Milestone


def milestones_soon(rows: list[RosterRow], today: dt.date) -> list[MilestoneSoon]:
    """Milestones from the start of this week (Monday) to the end of next week."""
    start = today - dt.timedelta(days=today.weekday())
    end = start + dt.timedelta(days=13)
    soon = [
        MilestoneSoon(row.resident, milestone)
        for row in rows
        if row.resident.sobriety_date
        for milestone in milestones.milestones_between(row.resident.sobriety_date, start, end)
    ]
    return sorted(soon, key=lambda item: item.milestone.date)


def arrivals_and_departures(
    house: House, *, today: dt.date, days: int = 14
) -> tuple[list[Stay], list[Stay]]:
    """Stays starting after today, and current stays ending within ``days``: on their move-out
    date when one is set, otherwise on the expected one."""
    horizon = today + dt.timedelta(days=days)
    arriving = list(
        house.stays.filter(move_in__gt=today, move_in__lte=horizon)
        .select_related("resident")
        .order_by("move_in")
    )
    leaving = list(
        house.stays.filter(
            Q(move_out__isnull=True) | Q(move_out__gt=today),
            move_in__lte=today,
        )
        .filter(
            # A settled move-out replaces the expected one, whichever is later.
            Q(move_out__isnull=True, expected_move_out__gte=today, expected_move_out__lte=horizon)
            | Q(move_out__lte=horizon)
        )
        .select_related("resident")
        .order_by(Coalesce("move_out", "expected_move_out"))
    )
    return arriving, leaving


def houses_with_occupancy(houses: QuerySet[House]) -> QuerySet[House]:
    """Each house with ``taken`` (beds in use today, in its own zone) and ``open_beds``."""
    now = timezone.now()
    today = local_date(F("house__time_zone"), Value(now))
    taken = (
        Stay.objects.alias(local_today=today)
        .filter(house=OuterRef("pk"), move_in__lte=F("local_today"))
        .filter(Q(move_out__isnull=True) | Q(move_out__gt=F("local_today")))
        .order_by()
        .values("house")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return houses.annotate(
        taken=Coalesce(Subquery(taken, output_field=IntegerField()), 0),
    ).annotate(open_beds=F("beds") - F("taken"))


def search_residents(residents: QuerySet[Resident], query: str) -> QuerySet[Resident]:
    """Residents, current and past, whose legal or preferred name or email contains ``query``."""
    query = query.strip()
    if not query:
        return residents.none()
    return residents.filter(
        Q(legal_name__icontains=query)
        | Q(preferred_name__icontains=query)
        | Q(user__email__icontains=query)
    )


def milestones_to_celebrate(house: House, start: dt.date, end: dt.date) -> list[MilestoneSoon]:
    """Milestones between ``start`` and ``end`` that housemates may see: only of people living in
    the house who chose to share them (the house meeting and its reminders read this)."""
    stays = (
        Stay.objects.current()
        .filter(house=house, resident__share_milestones=True, resident__sobriety_date__isnull=False)
        .select_related("resident")
    )
    soon = [
        MilestoneSoon(stay.resident, milestone)
        for stay in stays
        for milestone in milestones.milestones_between(stay.resident.sobriety_date, start, end)
    ]
    return sorted(soon, key=lambda item: (item.milestone.date, item.resident.name))
