"""What a person holds in a house when they leave it (discharge, or a transfer out).

A resident may be a mentor or a mentee, hold a house office, have chores ahead and swap requests
waiting. Residents imports none of the apps that keep those (DESIGN.md §3), so each of them
registers a handler from its AppConfig.ready(). The handlers run inside the transaction that ends
the stay, in the order the apps are installed; each ends or hands over what it keeps and returns,
in plain words for the manager, one line per thing it changed. A handler that fails undoes the
whole departure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from residents.models import House, Resident, Stay
from soberhouse.models import User


@dataclass(frozen=True)
class Departure:
    """One person leaving one house: ``on`` is the move-out day, the first day no longer in the
    house (as ``Stay.move_out``); ``today`` is the house's date when it is recorded."""

    stay: Stay
    on: dt.date
    today: dt.date
    by: User | None
    request: object = None
    to_house: House | None = None

    @property
    def resident(self) -> Resident:
        return self.stay.resident

    @property
    def house(self) -> House:
        return self.stay.house

    @property
    def name(self) -> str:
        return self.stay.resident.name


@dataclass(frozen=True)
class Result:
    """What a discharge or transfer did: the stay that ended, the stay that begins (a transfer)
    and, in plain words, everything that was ended or handed over with it."""

    stay: Stay
    new_stay: Stay | None = None
    changes: list[str] = field(default_factory=list)


Handler = Callable[[Departure], list[str]]

_HANDLERS: dict[str, Handler] = {}


def handler_register(*, name: str, handle: Handler) -> None:
    """Run ``handle`` whenever someone leaves a house. Registering a name again replaces it."""
    _HANDLERS[name] = handle


def departure_run(departure: Departure) -> list[str]:
    """Run every handler for ``departure``; the lines of what they changed, in order."""
    changes: list[str] = []
    for handle in _HANDLERS.values():
        changes.extend(handle(departure))
    # A line that ends with a name ending in a full stop ("S.J.") ends with one, not two.
    return [line[:-1] if line.endswith("..") else line for line in changes]


_COUNTS = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"]


def count(number: int, thing: str, things: str | None = None) -> str:
    """ "Three chores", "One swap request", "12 chores": a count that opens a sentence."""
    word = _COUNTS[number] if number < len(_COUNTS) else str(number)
    return f"{word} {thing if number == 1 else (things or thing + 's')}"
