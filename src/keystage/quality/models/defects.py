"""Defects: found in a deliverable (and a test run), numbered DEF-1, DEF-2 … per project."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project
from keystage.quality.models.test_runs import TestRun


class Severity(models.TextChoices):
    """How badly a defect hurts, worst first."""

    CRITICAL = "critical", "Critical"
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"
    TRIVIAL = "trivial", "Trivial"


class DefectStatus(models.TextChoices):
    """Where a defect stands; the last three end it."""

    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    FIXED = "fixed", "Fixed"
    VERIFIED = "verified", "Verified"
    CLOSED = "closed", "Closed"
    WONT_FIX = "wont_fix", "Won't fix"


#: Statuses that still need work (a fixed defect waits for its verification).
OPEN_STATUSES = (DefectStatus.OPEN, DefectStatus.IN_PROGRESS, DefectStatus.FIXED)


class Defect(BaseModel):
    """A defect, found in a deliverable and possibly in one of its test runs."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = long_text(4000)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MAJOR)
    status = models.CharField(
        max_length=12, choices=DefectStatus.choices, default=DefectStatus.OPEN
    )
    deliverable = models.ForeignKey(
        Deliverable,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="defects",
        help_text="The deliverable it was found in.",
    )
    test_run = models.ForeignKey(
        TestRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="defects",
        help_text="The test run that found it (of the same deliverable).",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The project member who fixes it.",
    )
    due_date = models.DateField(null=True, blank=True)
    resolution = long_text(2000, help_text="How it was fixed, or why it will not be.")

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="quality_defect_number"),
            models.CheckConstraint(
                condition=Q(severity__in=Severity.values), name="quality_defect_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DefectStatus.values), name="quality_defect_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        """The defect's public number: DEF-1, DEF-2 … within its project."""
        return f"DEF-{self.number}"

    @property
    def is_open(self) -> bool:
        """Still needs work: open, in progress, or fixed but not yet verified."""
        return self.status in OPEN_STATUSES
