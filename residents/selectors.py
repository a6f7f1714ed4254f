"""Reads that several pages need: the house roster, arrivals and departures, the staff overview.

Each runs a fixed number of queries whatever the number of residents (the tests hold them to it).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from residents import access, milestones
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


# Accented Latin letters and the plain letters they are read as, for comparing names whatever
# their accents ("Dána" is "Dana") in SQL without an extension.
_ACCENTED = "".join(
    ch
    for ch in map(chr, range(0xC0, 0x250))
    if (base := unicodedata.normalize("NFKD", ch)[0]) != ch and base.isascii() and base.isalpha()
)
_PLAIN = "".join(unicodedata.normalize("NFKD", ch)[0] for ch in _ACCENTED)


def plain_name(name: str) -> str:
    """A name as it is compared: no accents, lower case, single spaces."""
    return " ".join(name.translate(str.maketrans(_ACCENTED, _PLAIN)).lower().split())


def _plain_sql(field: str) -> Lower:
    return Lower(Func(F(field), Value(_ACCENTED), Value(_PLAIN), function="translate"))


@dataclass
class Match:
    """Someone already on record who may be the person being admitted."""

    resident: Resident
    reasons: list[str]
    latest_stay: Stay | None = None
    can_readmit: bool = False


@dataclass
class Matches:
    """The likely matches a manager may see, and whether a number typed is on record beyond
    what they may see (which they learn without a name: see :func:`likely_matches`)."""

    shown: list[Match]
    phone_elsewhere: bool = False

    def __bool__(self) -> bool:
        return bool(self.shown) or self.phone_elsewhere


def likely_matches(
    user,
    *,
    email: str = "",
    phone: str = "",
    names: tuple[str, ...] = (),
    date_of_birth: dt.date | None = None,
    limit: int = 10,
) -> Matches:
    """Residents, current or past, who may be the person about to be admitted: the same email
    (any case), the same phone (E.164), the same name whatever its case and accents, or the same
    last name and birth date. Four queries whatever the numbers.

    Only residents whose record the user may already open are shown (staff: everyone; a manager:
    whoever has stayed in a house they manage), with their latest stay there. That someone lived
    in a sober house is itself health information, so a name typed here never tells a manager
    about a person outside their houses. A phone number is different: the manager holds it, given
    by the person in front of them, so they learn only that it is on record elsewhere (no name,
    no house) and that staff can look. An email on record anywhere is refused by the form anyway
    (one account per email), with the same advice.
    """
    wanted = Q(pk__in=[])
    reasons: list[tuple[str, Q]] = []
    if email:
        reasons.append(("same email", Q(user__email__iexact=email.strip())))
    if phone:
        reasons.append(("same phone", Q(phone=phone)))
    plain = sorted({plain_name(name) for name in names if name and name.strip()})
    if plain:
        same_name = Q(plain_legal__in=plain) | Q(plain_preferred__in=plain)
        reasons.append(("same name", same_name))
    if plain and date_of_birth:
        last_names = sorted({name.split()[-1] for name in plain})
        same_born = Q(date_of_birth=date_of_birth) & Q(
            *[Q(plain_legal__endswith=f" {last}") | Q(plain_legal=last) for last in last_names],
            _connector=Q.OR,
        )
        reasons.append(("same last name and birth date", same_born))
    if not reasons:
        return Matches(shown=[])
    for _, condition in reasons:
        wanted |= condition
    visible = access.residents_visible_to(user)
    found = list(
        visible.alias(
            plain_legal=_plain_sql("legal_name"), plain_preferred=_plain_sql("preferred_name")
        )
        .filter(wanted)
        .annotate(
            **{
                f"why_{index}": ExpressionWrapper(condition, output_field=BooleanField())
                for index, (_, condition) in enumerate(reasons)
            }
        )
        .select_related("user")
        .order_by(BY_SHOWN_NAME, "pk")[:limit]
    )
    latest: dict[int, Stay] = {}
    for stay in (
        access.stays_visible_to_in_bulk(user, found)
        .select_related("house")
        .order_by("resident", "-move_in", "-pk")
    ):
        latest.setdefault(stay.resident_id, stay)
    manageable = set(
        access.residents_managed_by(user)
        .filter(pk__in=[resident.pk for resident in found])
        .values_list("pk", flat=True)
    )
    shown = [
        Match(
            resident=resident,
            reasons=[
                label
                for index, (label, _) in enumerate(reasons)
                if getattr(resident, f"why_{index}")
            ],
            latest_stay=latest.get(resident.pk),
            can_readmit=resident.pk in manageable,
        )
        for resident in found
    ]
    phone_elsewhere = bool(phone) and (
        Resident.objects.filter(phone=phone).exclude(pk__in=visible.values("pk")).exists()
    )
    return Matches(shown=shown, phone_elsewhere=phone_elsewhere)
