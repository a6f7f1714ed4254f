"""Who holds the house's offices: reads used by every meetings page (the secretary takes
attendance and verifies meeting slips; the chair and secretary run the meeting)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from meetings.models import Motion, Officer
from residents.models import House, Resident
from residents.selectors import stays_on


def current_officers(house: House, today: dt.date | None = None) -> QuerySet[Officer]:
    """The terms under way on ``today`` (the house's own date), one per office at most, of
    officers still living in the house (someone who moved out holds no office there)."""
    today = today or house.today()
    return Officer.objects.filter(
        house=house,
        starts_on__lte=today,
        ends_on__gt=today,
        resident__in=stays_on(house, today).values("resident_id"),
    )


def officer_of(house: House, office: str, today: dt.date | None = None) -> Resident | None:
    """Who holds ``office`` in the house today, if anyone (one query)."""
    term = current_officers(house, today).filter(office=office).select_related("resident").first()
    return term.resident if term else None


def is_secretary(resident: Resident | None, house: House, today: dt.date | None = None) -> bool:
    """Whether ``resident`` is the house's elected secretary today."""
    if resident is None:
        return False
    return (
        current_officers(house, today)
        .filter(office=Motion.Office.SECRETARY, resident=resident)
        .exists()
    )
