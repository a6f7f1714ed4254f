"""Managers and staff turn on two-factor sign-in before they reach any resident data."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect

from residents.access import roles

# Pages a person may use while setting up two-factor: allauth's own, sign-out, health, static files.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/invite/")


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.SOBERHOUSE_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and roles(request).is_manager
            and not Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            messages.info(
                request,
                "Managers and staff see residents' health information, so please turn on "
                "two-factor sign-in first. It takes a minute with an authenticator app.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
