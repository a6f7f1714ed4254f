"""Account security events go into the audit trail; activating an authenticator counts as using
it (the person just typed a code from it)."""

from __future__ import annotations

from allauth.account.internal.flows.login import record_authentication
from allauth.account.signals import password_changed, password_reset, password_set
from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.dispatch import receiver

from soberhouse import audit


@receiver(authenticator_added)
def _authenticator_added(sender, request, user, authenticator, **kwargs):
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    audit.record(
        action="account.two_factor_added",
        actor=user,
        request=request,
        obj=user,
        changes={"type": authenticator.type},
    )


@receiver(authenticator_removed)
def _authenticator_removed(sender, request, user, authenticator, **kwargs):
    audit.record(
        action="account.two_factor_removed",
        actor=user,
        request=request,
        obj=user,
        changes={"type": authenticator.type},
    )


@receiver(authenticator_reset)
def _authenticator_reset(sender, request, user, authenticator, **kwargs):
    audit.record(action="account.recovery_codes_reset", actor=user, request=request, obj=user)


@receiver(password_changed)
@receiver(password_set)
@receiver(password_reset)
def _password_changed(sender, request, user, **kwargs):
    audit.record(action="account.password_changed", actor=user, request=request, obj=user)
