"""How the audit trail names residents, accounts, houses and invitations: only those the reader
may see (``residents.access``), each kind in one query."""

from __future__ import annotations

from residents import access
from residents.models import House, Invitation, Resident
from soberhouse import audit
from soberhouse.models import User


def _pks(ids: set[str]) -> list[int]:
    return [int(pk) for pk in ids if pk.isdigit()]


def residents(reader: User, ids: set[str]) -> dict[str, str]:
    found = (
        access.residents_visible_to(reader)
        .filter(pk__in=_pks(ids))
        .only("pk", "legal_name", "preferred_name")
    )
    return {str(resident.pk): resident.name for resident in found}


def users(reader: User, ids: set[str]) -> dict[str, str]:
    """An account is seen by its owner, by staff, and by whoever may see its owner's record."""
    found = User.objects.filter(pk__in=_pks(ids))
    if not access.is_staff(reader):
        visible = access.residents_visible_to(reader).values("user")
        found = found.filter(pk__in=visible) | found.filter(pk=reader.pk)
    return {
        str(user.pk): user.full_name or user.email
        for user in found.only("pk", "full_name", "email")
    }


def houses(reader: User, ids: set[str]) -> dict[str, str]:
    """Houses are written into the trail by id or by their address name (slug): both answer."""
    slugs = [text for text in ids if not text.isdigit()]
    found = access.houses_visible_to(reader).filter(pk__in=_pks(ids)) | access.houses_visible_to(
        reader
    ).filter(slug__in=slugs)
    names = {}
    for house in found.only("pk", "slug", "name"):
        names[str(house.pk)] = names[house.slug] = house.name
    return names


def invitations(reader: User, ids: set[str]) -> dict[str, str]:
    found = (
        Invitation.objects.filter(pk__in=_pks(ids), house__in=access.houses_managed_by(reader))
        .select_related("house")
        .only("pk", "email", "role", "house__name")
    )
    return {
        str(invitation.pk): f"the invitation for {invitation.email} "
        f"({invitation.get_role_display().lower()}) to {invitation.house.name}"
        for invitation in found
    }


def register() -> None:
    audit.names_register(Resident._meta.label_lower, residents)
    audit.names_register(User._meta.label_lower, users)
    audit.names_register(House._meta.label_lower, houses)
    audit.names_register(Invitation._meta.label_lower, invitations)
