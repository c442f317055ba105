"""The issue log: what has gone wrong (or a risk that occurred), and its escalation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project
from keystage.risks.models.register import RISK_TEXT_MAX, Risk, next_number


class Severity(models.TextChoices):
    """How badly an issue hurts the project."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class IssueStatus(models.TextChoices):
    """Where an issue stands."""

    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


OPEN_ISSUE_STATUSES = (IssueStatus.OPEN, IssueStatus.IN_PROGRESS)


class Issue(BaseModel):
    """One issue of a project, numbered ``ISS-n`` within it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="issues")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = long_text(RISK_TEXT_MAX)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A member of the project.",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    resolution = long_text(RISK_TEXT_MAX, help_text="What was done about it.")
    risk = models.OneToOneField(
        Risk,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issue",
        editable=False,
        help_text="The risk that occurred, when it came from the register.",
    )
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    escalation_reason = long_text(RISK_TEXT_MAX, editable=False)

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="issue_number_unique"),
            models.CheckConstraint(
                condition=Q(escalated_at__isnull=True) | ~Q(escalation_reason=""),
                name="issue_escalation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        """The id people use: ``ISS-2``."""
        return f"ISS-{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new issue takes the project's next number (the service locks the project)."""
        if not self.number:
            self.number = next_number(Issue, self.project_id)
        super().save(*args, **kwargs)
