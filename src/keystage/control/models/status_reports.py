"""Issued status reports: immutable, numbered per project, frozen as sent."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from keystage.portfolio.models import Project


class StatusReport(models.Model):
    """One issued status report: the content (JSON), the page body (HTML) and the PDF, all
    frozen at issue time so a stakeholder reads it later exactly as it was sent. Never edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_reports")
    number = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_by_label = models.CharField(max_length=200, help_text="Who issued it, as shown.")
    content = models.JSONField()
    html = models.TextField(help_text="The report's body as rendered when issued.")
    pdf = models.BinaryField()

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="status_report_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="status_report_number_ge_1"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="status_report_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"Status report {self.number} of {self.project.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an issued report is never changed."""
        if not self._state.adding:
            raise ValueError("An issued status report is immutable.")
        super().save(*args, **kwargs)
