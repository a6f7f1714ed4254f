"""Invitations: the only way in. Staff invite managers; managers (and staff) invite residents.

A link carries the invitation's id signed with the secret key, so an altered link is refused; it is
single-use (``accepted_at``), can be revoked, and expires after ``settings.INVITATION_DAYS`` days.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from residents.models import House, Invitation, Membership, Resident, Stay
from soberhouse import audit, moments, outbox
from soberhouse.models import User

_SALT = "soberhouse.invitation"


class InvitationRefused(Exception):
    """The link cannot be used; ``str(error)`` is the message to show the person."""


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=_SALT)


def invitation_from_token(token: str, *, now: dt.datetime | None = None) -> Invitation:
    """The invitation a link stands for, or :class:`InvitationRefused` saying why not."""
    try:
        pk = signing.loads(token, salt=_SALT)
        invitation = Invitation.objects.select_related("house", "invited_by").get(pk=pk)
    except (signing.BadSignature, Invitation.DoesNotExist, TypeError, ValueError):
        raise InvitationRefused(
            "This invitation link is not valid. Check that you opened the whole link from the "
            "email, or ask for a new invitation."
        ) from None
    if invitation.accepted_at is not None:
        raise InvitationRefused(
            "This invitation has already been used. Sign in with your email address instead."
        )
    if invitation.revoked_at is not None:
        raise InvitationRefused("This invitation was withdrawn. Ask for a new one if you need it.")
    if (now or timezone.now()) >= invitation.expires_at:
        raise InvitationRefused(
            f"This invitation expired on {_expiry(invitation)}. Ask "
            f"{invitation.invited_by} for a new one."
        )
    return invitation


def _expiry(invitation: Invitation) -> str:
    return moments.shown(invitation.expires_at, "date_long", invitation.house.time_zone)


def invitation_create(
    *, house: House, email: str, role: str, full_name: str = "", by: User, request=None
) -> Invitation:
    now = timezone.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            house=house,
            email=email.strip().lower(),
            full_name=full_name.strip(),
            role=role,
            invited_by=by,
            created_at=now,
            expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
        )
        audit.record(
            action="invitation.create",
            actor=by,
            request=request,
            obj=invitation,
            changes={"role": role, "house": house.slug},
        )
        _queue_email(invitation)
    return invitation


def invitations_withdraw_for(*, email: str) -> int:
    """Withdraw the resident invitations still waiting for ``email`` (when their stay ends, the
    link must not open the house again, and an email not sent yet is not sent)."""
    waiting = list(
        Invitation.objects.filter(
            email__iexact=email,
            role=Invitation.Role.RESIDENT,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        )
    )
    for invitation in waiting:
        outbox.cancel(about=invitation)
    return Invitation.objects.filter(pk__in=[invitation.pk for invitation in waiting]).update(
        revoked_at=timezone.now()
    )


def invitation_revoke(*, invitation: Invitation, by: User, request=None) -> None:
    with transaction.atomic():
        updated = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if updated:
            outbox.cancel(about=invitation)
            audit.record(action="invitation.revoke", actor=by, request=request, obj=invitation)


def invitation_accept(
    *, invitation: Invitation, full_name: str, password: str | None, user: User | None, request=None
) -> User:
    """Use the invitation once: create the person (or take the signed-in one) and give the role.

    A claim by conditional UPDATE makes a second use lose even when two arrive at once.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).update(accepted_at=now)
        if not claimed:
            raise InvitationRefused("This invitation has already been used.")
        if user is None:
            user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
        elif password:  # admitted by a manager, choosing a password for the first time
            user.set_password(password)
            user.full_name = user.full_name or full_name.strip()
            user.save(update_fields=["password", "full_name"])
        _mark_email_verified(user)
        if invitation.role == Invitation.Role.MANAGER:
            Membership.objects.get_or_create(
                house=invitation.house, user=user, role=Membership.Role.MANAGER
            )
        else:
            resident, _ = Resident.objects.get_or_create(
                user=user, defaults={"legal_name": user.full_name or full_name.strip()}
            )
            elsewhere = resident.stays.open().exclude(house=invitation.house).first()
            if elsewhere is not None:
                raise InvitationRefused(
                    f"You are living at {elsewhere.house} now. A move between houses is made "
                    "by a manager of both houses or by staff; please ask them."
                )
            if not resident.stays.open().filter(house=invitation.house).exists():
                if resident.stays.exists():
                    # Coming back is a re-admission, made by a manager, with its own record.
                    raise InvitationRefused(
                        "Your earlier stay has ended. Ask the house manager to welcome you "
                        "back; they will re-admit you."
                    )
                Stay.objects.create(
                    resident=resident, house=invitation.house, move_in=invitation.house.today(now)
                )
        Invitation.objects.filter(pk=invitation.pk).update(accepted_by=user)
        outbox.cancel(about=invitation)  # used before its email went: nothing left to send
        audit.record(
            action="invitation.accept",
            actor=user,
            request=request,
            obj=invitation,
            changes={"role": invitation.role, "house": invitation.house.slug},
        )
    return user


def _mark_email_verified(user: User) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def _queue_email(invitation: Invitation) -> None:
    """The invitation's email, as a row in the outbox written in this transaction: it goes out
    with the next dispatch, and a broker or mail server that is down only delays it."""
    context = {"invitation": invitation, "days": settings.INVITATION_DAYS}
    outbox.notify_address(
        address=invitation.email,
        kind="invitations",
        about=invitation,
        subject="You are invited to Soberhouse",
        text=render_to_string("residents/email/invitation.txt", context).strip(),
        url=reverse("invitation_accept", args=[invitation_token(invitation)]),
        house_id=invitation.house_id,
    )
