"""Who may see and change what. Every view and export goes through this module.

Roles: operator staff see every house; a manager sees the houses they manage; a resident sees the
house of their current stay. Anything outside what a person may see answers 404, never 403, so ids
cannot be probed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from residents.models import House, Membership, Resident, Stay
from soberhouse.models import User


def is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_operator_staff)


def houses_managed_by(user) -> QuerySet[House]:
    """Houses whose residents, chores and meetings the user may manage."""
    if is_staff(user):
        return House.objects.all()
    if not user.is_authenticated:
        return House.objects.none()
    return House.objects.filter(
        memberships__user=user, memberships__role=Membership.Role.MANAGER
    ).distinct()


def current_stay(user) -> Stay | None:
    if not user.is_authenticated:
        return None
    return (
        Stay.objects.current()
        .filter(resident__user=user)
        .select_related("house", "resident")
        .first()
    )


def houses_visible_to(user) -> QuerySet[House]:
    """Houses a person may see anything of: managed ones, plus the house they live in now."""
    if is_staff(user):
        return House.objects.all()
    if not user.is_authenticated:
        return House.objects.none()
    lives_here = Stay.objects.current().filter(house=OuterRef("pk"), resident__user=user)
    manages = Membership.objects.filter(house=OuterRef("pk"), user=user)
    return House.objects.filter(Exists(lives_here) | Exists(manages))


def residents_visible_to(user) -> QuerySet[Resident]:
    """Residents whose record the user may open: staff all; a manager everyone who has ever stayed
    in one of their houses; a resident only themselves."""
    if is_staff(user):
        return Resident.objects.all()
    if not user.is_authenticated:
        return Resident.objects.none()
    managed_stay = Stay.objects.filter(
        resident=OuterRef("pk"),
        house__memberships__user=user,
        house__memberships__role=Membership.Role.MANAGER,
    )
    return Resident.objects.filter(Q(Exists(managed_stay)) | Q(user=user))


def residents_managed_by(user) -> QuerySet[Resident]:
    """Residents whose record the user may change: staff all; a manager those whose latest stay
    is in a house they manage."""
    if is_staff(user):
        return Resident.objects.all()
    if not user.is_authenticated:
        return Resident.objects.none()
    latest_house = (
        Stay.objects.filter(resident=OuterRef("pk")).order_by("-move_in", "-pk").values("house")[:1]
    )
    return Resident.objects.alias(latest_house=Subquery(latest_house)).filter(
        latest_house__in=houses_managed_by(user).values("pk")
    )


def stays_visible_to_in_bulk(user, residents) -> QuerySet[Stay]:
    """The stays of several residents that the user may see (the rule of ``stays_visible_to``)."""
    stays = Stay.objects.filter(resident__in=residents)
    if is_staff(user):
        return stays
    return stays.filter(Q(house__in=houses_managed_by(user).values("pk")) | Q(resident__user=user))


def stays_visible_to(user, resident: Resident) -> QuerySet[Stay]:
    """A resident's stays that the user may see: all of them for staff and for the person
    themselves; for a manager only those in houses they manage (where someone lived before or
    after is not theirs to know)."""
    stays = resident.stays.select_related("house")
    if is_staff(user) or resident.user_id == user.pk:
        return stays
    return stays.filter(house__in=houses_managed_by(user).values("pk"))


def access_house(user, slug: str) -> House:
    """The house a manager (or staff) may manage, or 404."""
    return get_object_or_404(houses_managed_by(user), slug=slug)


def access_resident(user, pk: int, *, manage: bool = False) -> Resident:
    """The resident with this id if the user may see them (or, with ``manage``, change them);
    otherwise 404."""
    residents = residents_managed_by(user) if manage else residents_visible_to(user)
    return get_object_or_404(residents.select_related("user"), pk=pk)


@dataclass
class Roles:
    """What one signed-in person is, worked out at most once per request."""

    user: User

    @cached_property
    def is_staff(self) -> bool:
        return is_staff(self.user)

    @cached_property
    def managed_houses(self) -> list[House]:
        return list(houses_managed_by(self.user)) if self.user.is_authenticated else []

    @cached_property
    def is_manager(self) -> bool:
        return self.is_staff or bool(self.managed_houses)

    @cached_property
    def stay(self) -> Stay | None:
        return current_stay(self.user)

    @property
    def is_resident(self) -> bool:
        return self.stay is not None

    @cached_property
    def time_zone(self) -> str:
        """The zone a moment is shown in on a page that is not about one house: the house a
        resident lives in, else the first house a manager (or staff) looks after, else the
        deployment's zone."""
        if self.stay is not None:
            return self.stay.house.time_zone
        if self.managed_houses:
            return self.managed_houses[0].time_zone
        return settings.TIME_ZONE


def roles(request: HttpRequest) -> Roles:
    if not hasattr(request, "_soberhouse_roles"):
        request._soberhouse_roles = Roles(request.user)
    return request._soberhouse_roles


def _requiring(test: Callable[[Roles], bool]):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not test(roles(request)):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = _requiring(lambda r: r.is_staff)
manager_required = _requiring(lambda r: r.is_manager)
resident_required = _requiring(lambda r: r.is_resident)
