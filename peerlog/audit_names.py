"""How the audit trail names pairings and peer log entries: only for those who may read the log
(``peerlog.visibility``): the pair and the house's managers. Staff read no log, so to them a
pairing stays "a peer log", as it does on every other page."""

from __future__ import annotations

from peerlog import visibility
from peerlog.models import Entry, Pairing
from soberhouse import audit, moments
from soberhouse.models import User


def _pks(ids: set[str]) -> list[int]:
    return [int(pk) for pk in ids if pk.isdigit()]


def _pair(pairing: Pairing) -> str:
    return f"{pairing.mentor.name} (mentor) and {pairing.mentee.name}"


def pairings(reader: User, ids: set[str]) -> dict[str, str]:
    found = (
        visibility.pairings_visible_to(reader)
        .filter(pk__in=_pks(ids))
        .select_related("mentor", "mentee")
    )
    return {str(pairing.pk): _pair(pairing) for pairing in found}


def entries(reader: User, ids: set[str]) -> dict[str, str]:
    found = (
        Entry.objects.filter(pk__in=_pks(ids), pairing__in=visibility.pairings_visible_to(reader))
        .select_related("pairing__mentor", "pairing__mentee", "pairing__house")
        .only(
            "pk",
            "kind",
            "at",
            "pairing__house__time_zone",
            "pairing__mentor__legal_name",
            "pairing__mentor__preferred_name",
            "pairing__mentee__legal_name",
            "pairing__mentee__preferred_name",
        )
    )
    return {
        str(entry.pk): f"a {entry.get_kind_display().lower()} of "
        f"{moments.shown(entry.at, 'date_long', entry.pairing.house.time_zone)} "
        f"in the peer log of {_pair(entry.pairing)}"
        for entry in found
    }


def register() -> None:
    audit.names_register(Pairing._meta.label_lower, pairings)
    audit.names_register(Entry._meta.label_lower, entries)
