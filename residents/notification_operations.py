"""The notifications' operations page for staff: pending, sent, failed and cancelled counts per
kind and house over the last days, and the failed rows with their errors and a retry button.
A house's managers may retry their own house's failed rows.

It lives in residents because it names houses; the outbox it reads is soberhouse's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from residents import access
from residents.models import House
from soberhouse import audit, outbox
from soberhouse.models import Notification

DAY_CHOICES = (1, 7, 30)
FAILED_SHOWN = 100


@dataclass(frozen=True)
class KindRow:
    kind: str
    house: House | None
    pending: int
    sent: int
    failed: int
    cancelled: int


def kind_counts(since: dt.datetime) -> list[KindRow]:
    """Rows made since ``since``, counted by kind and house (one aggregate, and the houses)."""
    statuses = Notification.Status
    counted = (
        Notification.objects.filter(created_at__gte=since)
        .values("kind", "house_id")
        .annotate(
            pending=Count("pk", filter=Q(status=statuses.PENDING)),
            sent=Count("pk", filter=Q(status=statuses.SENT)),
            failed=Count("pk", filter=Q(status=statuses.FAILED)),
            cancelled=Count("pk", filter=Q(status=statuses.CANCELLED)),
        )
        .order_by("kind", "house_id")
    )
    rows = list(counted)
    houses = House.objects.in_bulk({row["house_id"] for row in rows} - {None})
    return [
        KindRow(
            kind=row["kind"],
            house=houses.get(row["house_id"]),
            pending=row["pending"],
            sent=row["sent"],
            failed=row["failed"],
            cancelled=row["cancelled"],
        )
        for row in rows
    ]


def failed_for(house_ids: list[int] | None = None) -> QuerySet[Notification]:
    """Failed rows, newest first: every house's (``None``), or those of the given houses."""
    failed = Notification.objects.filter(status=Notification.Status.FAILED)
    if house_ids is not None:
        failed = failed.filter(house_id__in=house_ids)
    return failed.select_related("recipient").order_by("-due_at", "-pk")


@access.staff_required
def operations(request):
    try:
        days = int(request.GET.get("days", 7))
    except ValueError:
        days = 7
    if days not in DAY_CHOICES:
        days = 7
    since = timezone.now() - dt.timedelta(days=days)
    failed = list(failed_for()[:FAILED_SHOWN])
    houses = House.objects.in_bulk({row.house_id for row in failed} - {None})
    return render(
        request,
        "notifications/operations.html",
        {
            "days": days,
            "day_choices": DAY_CHOICES,
            "rows": kind_counts(since),
            "failed": [(row, houses.get(row.house_id)) for row in failed],
        },
    )


@require_POST
@access.manager_required
def retry(request, pk):
    """Put a failed row back in the queue: staff for any house, a manager for their houses."""
    notification = get_object_or_404(Notification, pk=pk, status=Notification.Status.FAILED)
    if not access.is_staff(request.user):
        managed = access.houses_managed_by(request.user).filter(pk=notification.house_id)
        if notification.house_id is None or not managed.exists():
            raise Http404
    outbox.retry(notification)
    audit.record(
        action="notifications.retry",
        request=request,
        obj=notification,
        changes={"kind": notification.kind},
    )
    messages.success(request, "It will be sent again within a minute.")
    back = request.POST.get("next", "")
    if back.startswith("/") and not back.startswith("//"):
        return redirect(back)
    return redirect("notification_operations")
