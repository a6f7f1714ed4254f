"""What every email we send carries, whoever sends it (the outbox's channels, the sign-in
library's adapter): a Message-ID in the site's own domain, and for notifications the one-click
unsubscribe of RFC 8058.

The Date header's zone comes from ``EMAIL_USE_LOCALTIME`` in settings: the deployment's zone,
UTC, written ``+0000``, not the ``-0000`` of "zone unknown".
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.urls import reverse

# The kind an unsubscribe link names for the daily digest, which gathers every kind: its link
# turns notification emails off altogether.
ALL_KINDS = "*"
_SALT = "soberhouse.notifications.unsubscribe"


def site_domain() -> str:
    """The host of ``SITE_URL``: the right-hand side of our Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def message_id(*parts: object) -> str:
    """``<parts.…@site-domain>``. With no parts, a random one: unique in every install. With
    parts, the same each time for the same row, so that a message sent twice (a worker killed
    between sending and marking it sent) is folded away by mail programs: callers then pass the
    row's id and creation time, which no other row and no other install repeats."""
    local = ".".join(str(part) for part in parts) if parts else secrets.token_hex(16)
    return f"<{local}@{site_domain()}>"


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token naming one person and one kind of notification. It does one thing, turn
    that kind's email off for that person, so it needs no sign-in and never expires: links in
    old emails keep working, as RFC 8058 asks."""
    return signing.dumps([user_id, kind], salt=_SALT)


def unsubscribe_read(token: str) -> tuple[int, str] | None:
    """The person's id and the kind a token names; None for anything not signed by us."""
    try:
        user_id, kind = signing.loads(token, salt=_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(user_id, int) or not isinstance(kind, str):
        return None
    return user_id, kind


def unsubscribe_url(user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id, kind)
    return settings.SITE_URL + reverse("notification_unsubscribe", kwargs={"token": token})


def unsubscribe_headers(user_id: int, kind: str) -> dict[str, str]:
    """RFC 2369's List-Unsubscribe and RFC 8058's one-click List-Unsubscribe-Post: a mail
    program offers "Unsubscribe" and POSTs ``List-Unsubscribe=One-Click`` to the address."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user_id, kind)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
