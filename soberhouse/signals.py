"""Sign-ins, sign-outs and failed sign-ins go into the audit trail."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from soberhouse import audit


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit.record(action="account.sign_in", actor=user, request=request, obj=user)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record(action="account.sign_out", actor=user, request=request, obj=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # The typed email is not stored: a mistyped address may be someone else's.
    audit.record(action="account.sign_in_failed", request=request)
