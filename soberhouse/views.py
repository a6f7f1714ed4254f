from __future__ import annotations

import datetime as dt

import redis
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from soberhouse import audit
from soberhouse.forms import posted
from soberhouse.models import AuditEvent
from soberhouse.spreadsheets import csv_text


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
EXPORT_CHUNK = 1000  # events put into words at a time: the queries stay few per chunk
CSV_HEADER = ["When (UTC)", "Who", "What", "About", "Details", "From address (IP)", "Action"]


def _audit_filtered(data) -> tuple[QuerySet[AuditEvent], dict[str, str], dict[str, str]]:
    """The events the posted filters choose, the filters as typed, and a message per filter
    that could not be read."""
    events = AuditEvent.objects.select_related("actor")
    # No stored value holds a NUL byte, and PostgreSQL refuses one in a query.
    filters = {name: data.get(name, "").replace("\x00", "").strip() for name in AUDIT_FILTERS}
    errors = {}
    if filters["actor"]:
        events = events.filter(actor_email__icontains=filters["actor"])
    if filters["action"]:
        events = events.filter(action=filters["action"])
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
    return events, filters, errors


def _audit_page(request, data):
    events, filters, errors = _audit_filtered(data)
    page = Paginator(events, 50).get_page(data.get("page"))
    return render(
        request,
        "soberhouse/audit_list.html",
        {
            "page": page,
            "lines": audit.describe(page.object_list, request.user),
            "filters": filters,
            "errors": errors,
            "actions": audit.action_choices(
                AuditEvent.objects.order_by().values_list("action", flat=True).distinct()
            ),
            "object_types": audit.type_choices(),
        },
    )


def audit_list(request):
    """Staff read and filter the audit trail (wired behind staff_required in urls.py). The
    filters and the page are posted: "who" is a person's email, and an address ends up in the
    browser's history and the access logs."""
    return _audit_page(request, posted(request) or {})


@require_POST
def audit_export(request):
    """The events the filters choose, as a CSV file in the same words as the page (wired
    behind staff_required in urls.py). The download is itself in the trail, with its filters."""
    events, filters, errors = _audit_filtered(request.POST)
    if errors:
        return _audit_page(request, request.POST)
    rows = []
    for start in range(0, events.count(), EXPORT_CHUNK):
        chunk = events[start : start + EXPORT_CHUNK]
        rows.extend(
            _csv_row(line) for line in audit.describe(chunk, request.user, whole_lists=True)
        )
    audit.record(
        action="audit.export",
        request=request,
        changes={**{name: value for name, value in filters.items() if value}, "rows": len(rows)},
    )
    response = HttpResponse(
        csv_text(CSV_HEADER, rows).encode(), content_type="text/csv; charset=utf-8"
    )
    span = "-".join(filter(None, [filters["since"] or "start", filters["until"] or "now"]))
    response["Content-Disposition"] = f'attachment; filename="soberhouse-audit-trail-{span}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response


def _csv_row(line: audit.Line) -> list[str]:
    event = line.event
    return [
        event.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_email or "the system",
        line.what,
        line.object,
        "; ".join(f"{detail.words}: {detail.value}" for detail in line.details),
        event.ip or "",
        event.action,
    ]
