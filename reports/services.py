"""Export jobs: asked for on the page, made by a worker, kept in Postgres for a few days.

A job is a row first: the page writes it and asks a worker to run it once the transaction
commits. If the broker is down the row waits, and the beat's sweep (every minute) runs every job
still waiting, so nothing asked for is lost. A worker takes a job by a conditional update, so a
job sent twice, or run by the sweep and by its own message at once, is made once. A job whose
worker died is taken again once it has been running longer than ``STALE``.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from reports import exports, figures
from reports.figures import Month
from reports.models import ExportJob
from residents.access import houses_managed_by, is_staff
from residents.models import House
from soberhouse import audit, outbox
from soberhouse.models import User

log = logging.getLogger(__name__)

STALE = dt.timedelta(minutes=15)
WAITING = dt.timedelta(minutes=1)


def export_request(
    *,
    by: User,
    month: Month,
    houses: list[House],
    with_residents: bool,
    format: str,
    paper: str = "letter",
    request=None,
) -> ExportJob:
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=by,
            month=month.first,
            house_ids=[house.pk for house in houses],
            with_residents=with_residents,
            format=format,
            paper=paper or "letter",
            expires_at=timezone.now() + dt.timedelta(days=settings.REPORT_EXPORT_DAYS),
        )
        audit.record(
            action="report.export_request",
            actor=by,
            request=request,
            obj=job,
            changes={
                "month": month.key,
                "houses": sorted(house.slug for house in houses),
                "format": format,
                "residents": with_residents,
            },
        )
        _enqueue(job)
    return job


def _enqueue(job: ExportJob) -> None:
    from reports.tasks import run_export

    # robust: a broker that is down must not break the page; the sweep runs the job later.
    transaction.on_commit(lambda: run_export.delay(job.pk), robust=True)


def export_run(job_id: int, *, now: dt.datetime | None = None, on_progress=None) -> bool:
    """Make the job's file if this worker gets the job; returns whether it did."""
    now = now or timezone.now()
    taken = (
        ExportJob.objects.filter(pk=job_id)
        .filter(Q(status=ExportJob.Status.QUEUED) | Q(status="running", started_at__lt=now - STALE))
        .update(status=ExportJob.Status.RUNNING, started_at=now, progress=1, error="")
    )
    if not taken:
        return False
    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)

    def progress(percent: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(progress=percent)
        if on_progress:
            on_progress(percent)

    try:
        houses = list(House.objects.filter(pk__in=job.house_ids))
        report = figures.build(
            houses,
            Month(job.month),
            with_residents=job.with_residents,
            progress=lambda done, steps: progress(5 + 80 * done // steps),
        )
        made = exports.Made.for_user(job.requested_by, at=job.started_at)
        content = exports.WRITERS[job.format](report, paper=job.paper, made=made)
        progress(95)
    except Exception as error:
        log.exception("Export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED,
            error=f"{type(error).__name__}: {error}"[:1000],
            finished_at=timezone.now(),
        )
        return True
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE,
        progress=100,
        content=content,
        size=len(content),
        filename=exports.filename(report, job.format, paper=job.paper),
        resident_ids=sorted({row.resident_id for row in report.residents or []}),
        finished_at=timezone.now(),
    )
    if on_progress:
        on_progress(100)
    if job.requested_by_id is None:
        _tell_staff(job)
    return True


def exports_visible_to(user: User):
    """The exports a person may see and download: their own; a staff member also the monthly
    ones the system made. Never someone else's, and never one of a house the person can no
    longer see: access is checked again on every look and every download, not only when the
    file was asked for."""
    mine = Q(requested_by=user)
    if is_staff(user):
        return ExportJob.objects.filter(mine | Q(requested_by__isnull=True))
    still_theirs = ArraySubquery(houses_managed_by(user).values("pk"))
    return ExportJob.objects.filter(mine, house_ids__contained_by=still_theirs)


def export_downloaded(*, job: ExportJob, by: User, request=None) -> None:
    """Every download is in the audit trail; one that names residents is a disclosure, with
    who they are."""
    changes = {"format": job.format, "month": f"{job.month:%Y-%m}", "houses": job.house_ids}
    if job.with_residents:
        changes["residents"] = job.resident_ids
    action = "report.disclose" if job.with_residents else "report.download"
    audit.record(action=action, actor=by, request=request, obj=job, changes=changes)


def exports_sweep(*, now: dt.datetime | None = None) -> int:
    """Run the jobs still waiting (their message was lost, or the broker was down) and forget
    the files past their days. Returns how many jobs it ran."""
    now = now or timezone.now()
    ExportJob.objects.filter(expires_at__lt=now).delete()
    waiting = ExportJob.objects.filter(
        Q(status=ExportJob.Status.QUEUED, created_at__lt=now - WAITING)
        | Q(status=ExportJob.Status.RUNNING, started_at__lt=now - STALE)
    ).values_list("pk", flat=True)
    return sum(export_run(pk, now=now) for pk in list(waiting))


def monthly_build(*, now: dt.datetime | None = None) -> ExportJob | None:
    """Last month's report of every house as a PDF, made once (a unique key) and told to staff
    when it is ready. Run daily by beat; it acts once the month has ended in every house."""
    from reports.forms import latest_month

    now = now or timezone.now()
    houses = list(House.objects.all())
    if not houses:
        return None
    month = latest_month(houses)
    job, created = ExportJob.objects.get_or_create(
        requested_by=None,
        month=month.first,
        format=ExportJob.Format.PDF,
        defaults={
            "house_ids": [house.pk for house in houses],
            "expires_at": now + dt.timedelta(days=settings.REPORT_MONTHLY_DAYS),
        },
    )
    if created:
        export_run(job.pk, now=now)
        job.refresh_from_db()
    return job


def _tell_staff(job: ExportJob) -> None:
    label = f"{job.month:%B %Y}"
    for person in User.objects.filter(is_operator_staff=True, is_active=True):
        outbox.notify(
            recipient=person,
            kind="reports.ready",
            about=job,
            due_at=timezone.now(),
            subject=f"The monthly report for {label} is ready",
            text=f"The report of every house for {label} is ready to download.",
            url=reverse("report_export", args=[job.pk]),
        )
