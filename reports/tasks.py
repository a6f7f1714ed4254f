from __future__ import annotations

from celery import shared_task

from reports import services


@shared_task(name="reports.run_export")
def run_export(job_id: int) -> bool:
    """Make one export's file (a job already taken or finished is left alone)."""
    return services.export_run(job_id)


@shared_task(name="reports.sweep")
def sweep() -> int:
    """Run exports still waiting (their message was lost with the broker) and forget expired
    files."""
    return services.exports_sweep()


@shared_task(name="reports.monthly")
def monthly() -> int | None:
    """Last month's report of every house, once; staff are told when it is ready."""
    job = services.monthly_build()
    return job.pk if job else None
