"""What an import kept: the report of each plan read into a project.

An :class:`ImportReport` is written when a file is previewed (status ``preview``,
holding the uploaded bytes until it is confirmed or abandoned) and completed
when the plan is written (status ``imported``, the bytes dropped). It keeps the
source file's name, format, size and SHA-256, who imported it and when, the
counts per kind (tasks, links, calendars, resources, assignments, baselines)
and every item that could not be represented. The preview of an import into a NEW
project has no project yet: it belongs to whoever uploaded it and keeps the new project's
name and code until the confirmation opens the project.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keystage.core.models import BaseModel
from keystage.portfolio.models import Project


class ImportStatus(models.TextChoices):
    """Where an import stands."""

    PREVIEW = "preview", "Previewed, not written"
    IMPORTED = "imported", "Imported"


class ImportReport(BaseModel):
    """One plan file read into one project: source, counts and losses."""

    project = models.ForeignKey(
        Project,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="import_reports",
        help_text="Empty while the preview of an import into a new project waits to be confirmed.",
    )
    new_project = models.JSONField(
        default=dict,
        blank=True,
        help_text="The name and code of the project an import into a new project opens.",
    )
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW
    )
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=20)
    file_size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    title = models.CharField(max_length=200, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    losses = models.JSONField(default=list, blank=True)
    dates_equal_percent = models.FloatField(
        null=True,
        blank=True,
        help_text="Share of the file's dated activities whose scheduled dates equal the "
        "file's after import.",
    )
    data = models.BinaryField(
        null=True, blank=True, editable=False, help_text="The uploaded file until it is imported."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import of {self.file_name} ({self.status})"
