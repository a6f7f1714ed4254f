"""The sign-in pages and the emails they send speak in Soberhouse's own words, not the login
library's stock text: every allauth page people can reach and every email it sends is rendered
here and read for the stock phrases."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import allauth
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.test import Client

from tests.conftest import totp_code
from tests.factories import PASSWORD

# Words of the library's stock templates and forms that must not reach a person.
STOCK = [
    "Hello from",
    "Thank you for using",
    "Enter Sign-In Code",
    "Remember Me",
    "example.com",
    "Request Code",
    "Sign In",
    "Sign Out",
    "Password Reset",
    "Reset My Password",
    "Bad Token",
    "Two-Factor Authentication",
    "Authenticator App",
    "Recovery Codes",
    "Manage Email",
    "Change Password",
    "Set Password",
    "Please contact us",
    "This mail can be safely ignored",
    "You are receiving this mail",
    "take proper security precautions",
    "initiate this action",
    "Successfully signed in",
    "You have signed out",
    "Confirm Access",
    "E-mail",
    "Forgot your password?",
    "Activate",
    "Deactivate",
    # The library's messages (its adapters' error_messages)
    "are not correct",
    "Incorrect code",
    "Too many failed login attempts",
    "You cannot",
]
ALLAUTH = Path(allauth.__file__).parent / "templates"
OURS = Path(settings.BASE_DIR) / "templates"
# Stock templates we do not override, and why: features this site does not turn on.
NOT_USED = {
    "phone": "no sign-in by phone (ACCOUNT_LOGIN_METHODS is email)",
    "passkey": "no passkeys (MFA_SUPPORTED_TYPES has no webauthn)",
    "webauthn": "no security keys (MFA_SUPPORTED_TYPES has no webauthn)",
    "trust": "no trusted browsers (MFA_TRUST_ENABLED is off)",
    "email_verification_code": "email is confirmed by link, not code",
    "password_reset_code": "a reset is by link, not code",
    "email_change": "ACCOUNT_CHANGE_EMAIL is off: addresses are added and removed",
    "base_": "layouts only; ours extend the site's base (templates/allauth/layouts)",
    "/base.html": "layouts only",
    "signup.html": "no open sign-up: the page is signup_closed.html",
}


def _text(html: str) -> str:
    """What a reader sees: the page's main content, tags gone."""
    main = html.split("<main", 1)[-1]
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", unescape(text)).strip()


def _stock_in(text: str) -> list[str]:
    # The stock text writes Title Case ("Sign In"); ours is written as people speak ("Sign in").
    return [phrase for phrase in STOCK if phrase in text]


def _page(client: Client, url: str, **kwargs) -> str:
    response = client.get(url, follow=True, **kwargs)
    assert response.status_code == 200, url
    return response.content.decode()


def _reset_link(email: str) -> str:
    body = mail.outbox[-1].body
    assert email in mail.outbox[-1].to
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)


def _anonymous_pages(client, resident_harbor, manager_harbor) -> dict[str, str]:
    pages = {
        "sign in": _page(client, "/accounts/login/"),
        "ask for a code": _page(client, "/accounts/login/code/"),
        "reset": _page(client, "/accounts/password/reset/"),
        "reset sent": _page(client, "/accounts/password/reset/done/"),
        "reset done": _page(client, "/accounts/password/reset/key/done/"),
        "reset link used": _page(client, "/accounts/password/reset/key/1-bad-key/"),
        "no sign-up": _page(client, "/accounts/signup/"),
        "inactive": _page(client, "/accounts/inactive/"),
    }
    client.post("/accounts/login/code/", {"email": resident_harbor.user.email})
    pages["type the code"] = _page(client, "/accounts/login/code/confirm/")
    pages["a wrong sign-in code"] = client.post(
        "/accounts/login/code/confirm/", {"code": "WRNG-CODE"}
    ).content.decode()
    client.post("/accounts/login/", {"login": "nobody@example.test", "password": "wrong"})
    wrong = Client().post(
        "/accounts/login/", {"login": resident_harbor.user.email, "password": "wrong"}
    )
    assert wrong.status_code == 200
    pages["wrong password"] = wrong.content.decode()
    client.post("/accounts/password/reset/", {"email": resident_harbor.user.email})
    pages["new password"] = _page(client, _reset_link(resident_harbor.user.email))
    fresh = Client()
    fresh.post("/accounts/login/", {"login": manager_harbor.email, "password": PASSWORD})
    pages["authenticator code"] = _page(fresh, "/accounts/2fa/authenticate/")
    pages["a wrong authenticator code"] = fresh.post(
        "/accounts/2fa/authenticate/", {"code": "000000"}
    ).content.decode()
    return pages


def _signed_in_pages(client, resident_harbor, manager_harbor) -> dict[str, str]:
    EmailAddress.objects.update_or_create(
        user=resident_harbor.user,
        email=resident_harbor.user.email,
        defaults={"verified": True, "primary": True},
    )
    client.force_login(resident_harbor.user)
    pages = {"confirm it is you": _page(client, "/accounts/2fa/totp/activate/")}
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    pages |= {
        "sign out": _page(client, "/accounts/logout/"),
        "email": _page(client, "/accounts/email/"),
        "change password": _page(client, "/accounts/password/change/"),
        "two-step overview": _page(client, "/accounts/2fa/"),
        "set up an authenticator": _page(client, "/accounts/2fa/totp/activate/"),
    }
    manager = Client()
    manager.post("/accounts/login/", {"login": manager_harbor.email, "password": PASSWORD})
    manager.post("/accounts/2fa/authenticate/", {"code": totp_code(manager_harbor)})
    manager.post("/accounts/reauthenticate/", {"password": PASSWORD})
    pages["two-step overview (on)"] = _page(manager, "/accounts/2fa/")
    pages["recovery codes"] = _page(manager, "/accounts/2fa/recovery-codes/generate/")
    RecoveryCodes.activate(manager_harbor)
    pages["recovery codes (made)"] = _page(manager, "/accounts/2fa/recovery-codes/")
    pages["recovery codes file"] = manager.get(
        "/accounts/2fa/recovery-codes/download/"
    ).content.decode()
    pages["turn off the authenticator"] = _page(manager, "/accounts/2fa/totp/deactivate/")
    pages["confirm it is you (code)"] = _page(manager, "/accounts/2fa/reauthenticate/")
    return pages


@pytest.fixture
def pages(client, resident_harbor, manager_harbor) -> dict[str, str]:
    return {
        **_anonymous_pages(client, resident_harbor, manager_harbor),
        **_signed_in_pages(Client(), resident_harbor, manager_harbor),
    }


def test_every_sign_in_page_is_in_our_words(pages):
    assert len(pages) >= 25
    found = {name: _stock_in(_text(html)) for name, html in pages.items()}
    assert {name: phrases for name, phrases in found.items() if phrases} == {}


def test_every_stock_page_and_email_we_may_show_is_ours():
    """A library upgrade that adds a page or an email fails here until it has our words."""
    stock = {
        str(path.relative_to(ALLAUTH))
        for folder in ("account", "mfa")
        for path in (ALLAUTH / folder).rglob("*")
        if path.is_file()
    }
    used = {name for name in stock if not any(part in name for part in NOT_USED)}
    missing = {name for name in used if not (OURS / name).exists()}
    assert missing == set()
    # base_confirm_code.html and base_reauthenticate.html carry the words of their pages.
    assert (OURS / "account/base_confirm_code.html").exists()
    assert (OURS / "account/base_reauthenticate.html").exists()


# The emails


@pytest.fixture
def sent(client, resident_harbor, manager_harbor):
    """Every email the sign-in pages send: a sign-in code, a reset link, the answer to a reset
    for an address we do not know, and the confirmation of an added address."""
    client.post("/accounts/login/code/", {"email": resident_harbor.user.email})
    Client().post("/accounts/password/reset/", {"email": resident_harbor.user.email})
    Client().post("/accounts/password/reset/", {"email": "stranger@example.test"})
    signed_in = Client()
    signed_in.force_login(resident_harbor.user)
    signed_in.post("/accounts/email/", {"action_add": "", "email": "dana.new@example.test"})
    return list(mail.outbox)


def test_every_email_is_in_our_words(sent, resident_harbor):
    subjects = [message.subject for message in sent]
    assert subjects == [
        "Soberhouse: Your sign-in code",
        "Soberhouse: Choose a new password",
        "Soberhouse: About your sign-in request",
        "Soberhouse: Please confirm your email address",
    ]
    for message in sent:
        assert _stock_in(message.subject + "\n" + message.body) == [], message.subject
        assert message.body.startswith("Hello")
        assert "testserver" not in message.body.split("http", 1)[0]  # no "Hello from <host>"
        assert message.body.rstrip().endswith("Soberhouse")


def _context(name: str) -> dict:
    return {
        "code": "ABCD-1234",
        "password_reset_url": "https://soberhouse.example.org/accounts/password/reset/key/x/",
        "activate_url": "https://soberhouse.example.org/accounts/confirm-email/x/",
        "email": "dana@example.org",
        "from_email": "dana@example.org",
        "to_email": "dana.new@example.org",
        "deleted_email": "dana.old@example.org",
        "ip": "203.0.113.9",
        "user_agent": "Firefox",
        "timestamp": "2026-12-04 20:05",
    }


@pytest.mark.parametrize(
    "prefix",
    sorted(
        str(path.relative_to(OURS))[: -len("_message.txt")]
        for folder in ("account/email", "mfa/email")
        for path in (OURS / folder).glob("*_message.txt")
        if not path.name.startswith("base_")
    ),
)
def test_every_email_we_may_send_reads_well(prefix):
    """The ones the pages above do not send today (security notices, codes for a reset) too."""
    subject = render_to_string(f"{prefix}_subject.txt", _context(prefix)).strip()
    body = render_to_string(f"{prefix}_message.txt", _context(prefix))
    assert subject and "\n" not in subject
    assert _stock_in(subject + "\n" + body) == []
    assert "{" not in body and "}" not in body
    assert body.startswith("Hello,") and body.rstrip().endswith("Soberhouse")
