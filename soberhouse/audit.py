"""The audit trail: who read or changed what, when and from where.

Call :func:`record` for every change to resident data and every read of a resident's record, a peer
log or an export. It writes in the caller's transaction, so a change and its audit row land or fail
together.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import models
from django.http import HttpRequest

from soberhouse.models import AuditEvent, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the peer itself, or behind ``TRUSTED_PROXY_COUNT`` proxies the
    address the nearest untrusted hop gave in X-Forwarded-For (the same rule as allauth's rate
    limits)."""
    if request is None:
        return None
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if proxies and len(forwarded) >= proxies:
        candidate = forwarded[-proxies]
    else:
        candidate = request.META.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def record(
    *,
    action: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the request's user; ``obj`` gives type and id."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=client_ip(request),
        changes=changes or {},
    )


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{"field": [old, new]}`` for each field whose value changed, as JSON-ready strings."""
    return {
        key: [_plain(before.get(key)), _plain(value)]
        for key, value in after.items()
        if before.get(key) != value
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
