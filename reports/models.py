from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ExportJob(models.Model):
    """One export of the monthly report, made by a worker. The finished file is kept here, in
    Postgres, until ``expires_at``; only the person who asked may download it (a monthly one
    the system built, ``requested_by`` empty, is for every staff member)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Working"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel (XLSX)"
        PDF = "pdf", "PDF"
        CSV = "csv", "CSV files (zip)"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="report_exports",
    )
    month = models.DateField(help_text="The report's month, by its first day.")
    house_ids = ArrayField(models.IntegerField())
    with_residents = models.BooleanField(default=False)
    format = models.CharField(max_length=4, choices=Format.choices)
    paper = models.CharField(max_length=6, default="letter")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100.")
    error = models.TextField(blank=True)
    content = models.BinaryField(null=True, blank=True, editable=False)
    filename = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    resident_ids = ArrayField(
        models.IntegerField(), default=list, blank=True, help_text="Who the file names."
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="export_progress_at_most_100"
            ),
            # The monthly report the system builds is made once a month, whatever the beat does.
            models.UniqueConstraint(
                fields=["month", "format"],
                condition=Q(requested_by__isnull=True),
                name="export_monthly_once",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="export_waiting", condition=Q(status="queued"))
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} of {self.month:%B %Y} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def content_type(self) -> str:
        return {
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pdf": "application/pdf",
            "csv": "application/zip",
        }[self.format]
