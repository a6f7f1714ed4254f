"""Managers, staff and superusers see residents' health information: they turn on two-factor
sign-in, and use it in this very session, before they reach any page that shows such data."""

from __future__ import annotations

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from residents.access import roles

# Pages a person may use while setting up two-factor: allauth's own, health, static files, and the
# invitation page (which shows only the invitation).
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/invite/")


def passed_second_factor(request) -> bool:
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


class RequireTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.SOBERHOUSE_REQUIRE_MFA
            and request.user.is_authenticated
            and not request.path_info.startswith(_ALLOWED_PREFIXES)
            and (request.user.is_superuser or roles(request).is_manager)
        ):
            if not Authenticator.objects.filter(
                user=request.user, type=Authenticator.Type.TOTP
            ).exists():
                messages.info(
                    request,
                    "Managers and staff see residents' health information, so please turn on "
                    "two-factor sign-in first. It takes a minute with an authenticator app.",
                )
                return redirect("mfa_activate_totp")
            if not passed_second_factor(request):
                # Signed in some other way (the admin's own form, an old session): sign in again
                # through the page that asks for the code.
                logout(request)
                messages.info(request, "Please sign in again with your authenticator code.")
                login = reverse("account_login")
                return redirect(f"{login}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
