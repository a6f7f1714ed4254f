from __future__ import annotations

import datetime as dt

import redis
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from soberhouse.forms import posted
from soberhouse.models import AuditEvent


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "does not answer"
        return False


def _broker_answers() -> bool:
    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # noqa: BLE001
        return False


@never_cache
def healthz(request):
    """200 when the database and the broker answer; 503 naming the part that does not."""
    parts = {
        "database": "ok" if _database_answers() else "down",
        "broker": "ok" if _broker_answers() else "down",
    }
    healthy = all(state == "ok" for state in parts.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **parts}, status=200 if healthy else 503
    )


AUDIT_FILTERS = ("actor", "action", "object_type", "object_id", "since", "until")


def audit_list(request):
    """Staff read and filter the audit trail (wired behind staff_required in urls.py). The
    filters and the page are posted: "who" is a person's email, and an address ends up in the
    browser's history and the access logs."""
    data = posted(request) or {}
    events = AuditEvent.objects.select_related("actor")
    # No stored value holds a NUL byte, and PostgreSQL refuses one in a query.
    filters = {name: data.get(name, "").replace("\x00", "").strip() for name in AUDIT_FILTERS}
    errors = {}
    if filters["actor"]:
        events = events.filter(actor_email__icontains=filters["actor"])
    if filters["action"]:
        events = events.filter(action__startswith=filters["action"])
    if filters["object_type"]:
        events = events.filter(object_type=filters["object_type"])
    if filters["object_id"]:
        events = events.filter(object_id=filters["object_id"])
    for name, lookup in (("since", "at__date__gte"), ("until", "at__date__lte")):
        if filters[name]:
            try:
                events = events.filter(**{lookup: dt.date.fromisoformat(filters[name])})
            except ValueError:
                errors[name] = "Use a date like 2026-11-27."
    page = Paginator(events, 50).get_page(data.get("page"))
    return render(
        request,
        "soberhouse/audit_list.html",
        {
            "page": page,
            "filters": filters,
            "errors": errors,
            "actions": AuditEvent.objects.order_by().values_list("action", flat=True).distinct(),
        },
    )
