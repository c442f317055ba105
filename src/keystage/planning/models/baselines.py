"""Baselines: named, immutable snapshots of the schedule, work and cost.

Capturing copies every task's dates, duration, work and cost into
``BaselineTask`` rows, and the cost plan (by category and by month, with
contingency and reserve) into ``Baseline.budget``. Nothing edits a baseline
afterwards; it can only be deleted. Earned value reads the planned value
curve from it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.planning.models.wbs import Task, TaskKind
from keystage.portfolio.models import Project

ZERO = Decimal("0")


class Baseline(BaseModel):
    """One captured plan of a project: number, name and totals."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="baselines")
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    note = long_text(2000)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    start_at = models.DateTimeField(null=True, blank=True)
    finish_at = models.DateTimeField(null=True, blank=True)
    work_hours = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    cost = models.DecimalField(
        max_digits=16, decimal_places=2, default=ZERO, help_text="Budget at completion."
    )
    budget = models.JSONField(
        default=dict,
        blank=True,
        help_text="Cost plan at capture: by category, by month, contingency and reserve.",
    )

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="baseline_number_unique"),
            models.UniqueConstraint(fields=["project", "name"], name="baseline_name_unique"),
        ]

    def __str__(self) -> str:
        return f"Baseline {self.number} — {self.name}"


class BaselineTask(models.Model):
    """One task as it stood when the baseline was captured."""

    baseline = models.ForeignKey(Baseline, on_delete=models.CASCADE, related_name="tasks")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_public_id = models.UUIDField(help_text="The task's id, kept after it is deleted.")
    row = models.PositiveIntegerField()
    wbs_code = models.CharField(max_length=60, blank=True)
    outline_level = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=TaskKind.choices, default=TaskKind.TASK)
    is_summary = models.BooleanField(default=False)
    is_critical = models.BooleanField(default=False)
    start_at = models.DateTimeField(null=True, blank=True)
    finish_at = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(default=0)
    work_hours = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    cost = models.DecimalField(max_digits=16, decimal_places=2, default=ZERO)

    class Meta:
        ordering = ["baseline", "row"]
        constraints = [
            models.UniqueConstraint(
                fields=["baseline", "task_public_id"], name="baseline_task_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wbs_code} {self.name}".strip()
