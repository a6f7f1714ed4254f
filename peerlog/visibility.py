"""Who sees what of peer mentoring — the one place that decides it, for every view.

- The pair (mentor and mentee) see their pairing, its entries with shared and private notes and
  its replies, during the pairing and after it ends.
- The house's managers see the pairings of their houses and the entries' shared notes and
  replies — never a private note. Each time they read entries, the audit trail records it.
- Staff see no entries at all: the monthly report gives them counts and minutes.
- Everybody else: nothing (404).

Querysets for managers leave the private note out of the SQL (``defer``), so that no template
or export written later can show it by mistake.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from peerlog.models import Entry, Pairing
from residents.models import Membership


def pairings_of_member(user) -> QuerySet[Pairing]:
    """Pairings the user is the mentor or the mentee of, active or ended."""
    if not user.is_authenticated:
        return Pairing.objects.none()
    return Pairing.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))


def pairings_managed_by(user) -> QuerySet[Pairing]:
    """Pairings of the houses the user is a manager of by membership. Not staff as such: staff
    see every house (``access.houses_managed_by``) but read no entries."""
    if not user.is_authenticated:
        return Pairing.objects.none()
    return Pairing.objects.filter(
        house__memberships__user=user, house__memberships__role=Membership.Role.MANAGER
    )


def reads_house_logs(user, house) -> bool:
    """Whether ``user`` reads the logs of the house's pairs as its manager (staff do not)."""
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, house=house, role=Membership.Role.MANAGER).exists()
    )


def pairings_visible_to(user) -> QuerySet[Pairing]:
    return (pairings_of_member(user) | pairings_managed_by(user)).distinct()


def is_member(user, pairing: Pairing) -> bool:
    resident = getattr(user, "resident", None)
    return resident is not None and resident.pk in (pairing.mentor_id, pairing.mentee_id)


def entries_for(user, pairing: Pairing) -> QuerySet[Entry]:
    """The pairing's entries as ``user`` may read them: whole for the pair, without the private
    note for a manager. The caller has found ``pairing`` through ``pairings_visible_to``."""
    entries = pairing.entries.select_related("author").prefetch_related("replies__author")
    if is_member(user, pairing):
        return entries
    return entries.defer("private_note")
