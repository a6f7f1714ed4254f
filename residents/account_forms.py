"""allauth's sign-in forms in our own words: the same fields and checks, our labels (settings
ACCOUNT_FORMS and MFA_FORMS point here). Labels carry no trailing colon, as on every other form."""

from __future__ import annotations

from allauth.account import forms as account
from allauth.mfa.base import forms as mfa
from allauth.mfa.totp import forms as totp

CODE_FROM_THE_APP = "The 6-digit code your authenticator app shows"


class _OurWords:
    """Relabel fields by name: ``LABELS`` gives the label, ``PLACEHOLDERS`` what a field shows
    while empty (allauth repeats its label there), ``HELP`` the text under it."""

    LABELS: dict[str, str] = {}
    PLACEHOLDERS: dict[str, str] = {}
    HELP: dict[str, str] = {}

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, label in self.LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
                widget = self.fields[name].widget
                if "placeholder" in widget.attrs:
                    widget.attrs["placeholder"] = self.PLACEHOLDERS.get(name, "")
        for name, text in self.HELP.items():
            if name in self.fields:
                self.fields[name].help_text = text


class LoginForm(_OurWords, account.LoginForm):
    LABELS = {
        "login": "Email",
        "password": "Password",
        "remember": "Keep me signed in on this device",
    }
    PLACEHOLDERS = {"login": "you@example.org"}


class RequestLoginCodeForm(_OurWords, account.RequestLoginCodeForm):
    LABELS = {"email": "Email", "phone": "Phone"}
    PLACEHOLDERS = {"email": "you@example.org"}


class ConfirmLoginCodeForm(_OurWords, account.ConfirmLoginCodeForm):
    LABELS = {"code": "The code from the email"}
    PLACEHOLDERS = {"code": "ABCD-1234"}


class ReauthenticateForm(_OurWords, account.ReauthenticateForm):
    LABELS = {"password": "Your password"}


class ConfirmReauthenticationCodeForm(_OurWords, account.ConfirmReauthenticationCodeForm):
    LABELS = {"code": "The code from the email"}
    PLACEHOLDERS = {"code": "ABCD-1234"}


class ResetPasswordForm(_OurWords, account.ResetPasswordForm):
    LABELS = {"email": "Email"}
    PLACEHOLDERS = {"email": "you@example.org"}


class ResetPasswordKeyForm(_OurWords, account.ResetPasswordKeyForm):
    LABELS = {"password1": "New password", "password2": "The new password again"}


class ChangePasswordForm(_OurWords, account.ChangePasswordForm):
    LABELS = {
        "oldpassword": "Your password now",
        "password1": "New password",
        "password2": "The new password again",
    }


class SetPasswordForm(_OurWords, account.SetPasswordForm):
    LABELS = {"password1": "Password", "password2": "The password again"}


class AddEmailForm(_OurWords, account.AddEmailForm):
    LABELS = {"email": "Another email address"}
    PLACEHOLDERS = {"email": "you@example.org"}


class AuthenticateForm(_OurWords, mfa.AuthenticateForm):
    LABELS = {"code": "Code"}
    HELP = {"code": CODE_FROM_THE_APP + ", or one of your recovery codes."}


class MfaReauthenticateForm(_OurWords, mfa.ReauthenticateForm):
    LABELS = {"code": "Code"}
    HELP = {"code": CODE_FROM_THE_APP + ", or one of your recovery codes."}


class ActivateTOTPForm(_OurWords, totp.ActivateTOTPForm):
    LABELS = {"code": "Code"}
    HELP = {"code": CODE_FROM_THE_APP + " for Soberhouse."}
