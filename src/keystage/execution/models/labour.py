"""Approved labour kept summed per project and day, and per project and task.

Earned value reads a project's actual labour cost as a curve by day and as a total per task,
cut at the data date. Summing every approved time entry for that (hundreds of thousands in a
long project) dominated the reads, so approval keeps two small summaries in step instead, in
the same transaction (``execution.services.labour``): approving a week adds its entries,
reopening it takes them away again. Approved entries are locked, so nothing else changes them.

Money and hours are stored as whole cents and hundredths of an hour: additions and
subtractions are exact on every database (no float drift on SQLite), and a day or task whose
approved time was all reopened keeps a row with 0 hours, which readers skip.
"""

from __future__ import annotations

from django.db import models

from keystage.planning.models import Task
from keystage.portfolio.models import Project


class ApprovedLabourDay(models.Model):
    """A project's approved labour on one day: cost in cents and hours in hundredths."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    cents = models.BigIntegerField(default=0)
    centihours = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "day"], name="approved_labour_one_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.cents / 100:.2f}"


class ApprovedLabourTask(models.Model):
    """A project's approved labour on one task, over all days."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+", db_index=False)
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="+")
    cents = models.BigIntegerField(default=0)
    centihours = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "task"], name="approved_labour_one_per_task")
        ]

    def __str__(self) -> str:
        return f"task {self.task_id}: {self.cents / 100:.2f}"
