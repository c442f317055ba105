"""Timesheets: hours a person spent on a project's tasks, by day, approved week by week.

A ``Timesheet`` is one person's week (Monday to Sunday) in one project: the project's manager
approves the time of their project, as in MS Project Server and Odoo, so a person working on
three projects submits three weeks that three managers decide independently. Its status runs
draft → submitted → approved, or → rejected (with a reason) and back to submitted; submitted
and approved weeks are locked. The project manager may reopen an approved week (with a
reason): its owner edits it and submits it again. A ``TimeEntry`` is the hours of one
person on one task on one day (at most one entry per person, task and day). Approval
prices each entry at the person's cost rate of its day and stores ``rate`` and ``amount``:
the actual cost stays what was approved even when the rate history is corrected later.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from keystage.core.fields import long_text, money
from keystage.core.models import BaseModel
from keystage.planning.models import Task
from keystage.portfolio.models import Project

MAX_DAY_HOURS = Decimal("24")


class TimesheetStatus(models.TextChoices):
    """Where a week stands in its approval."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REOPENED = "reopened", "Reopened"


#: Weeks whose time cannot change: waiting for the manager, or approved.
LOCKED_STATUSES = frozenset({TimesheetStatus.SUBMITTED, TimesheetStatus.APPROVED})


class TimesheetSettings(BaseModel):
    """A project's timesheet rules; absent means the defaults (assigned tasks only)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="timesheet_settings"
    )
    allow_unassigned = models.BooleanField(
        default=False,
        help_text="Team members may log time on tasks they are not assigned to.",
    )

    def __str__(self) -> str:
        return f"Timesheet settings of {self.project}"


class Timesheet(BaseModel):
    """One person's week in one project, with its approval."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="timesheets")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="timesheets"
    )
    week_start = models.DateField(help_text="The Monday of the ISO week.")
    status = models.CharField(
        max_length=10, choices=TimesheetStatus.choices, default=TimesheetStatus.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = long_text(2000, help_text="Why the week was rejected or reopened.")

    class Meta:
        ordering = ["-week_start", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "person", "week_start"], name="timesheet_one_per_week"
            ),
            models.CheckConstraint(
                condition=Q(status__in=TimesheetStatus.values), name="timesheet_status"
            ),
        ]
        indexes = [models.Index(fields=["project", "status"])]

    def __str__(self) -> str:
        return f"Week of {self.week_start:%d %b %Y}"

    @property
    def locked(self) -> bool:
        """Whether its time cannot change (submitted or approved)."""
        return self.status in LOCKED_STATUSES


class TimeEntry(BaseModel):
    """Hours of one person on one task on one day; priced when its week is approved."""

    # project and person: no index of their own, the (…, day) indexes lead with them
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="time_entries", db_index=False
    )
    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries")
    # RESTRICT: a task with time is never deleted, whatever the path
    task = models.ForeignKey(Task, on_delete=models.RESTRICT, related_name="time_entries")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="time_entries",
        db_index=False,
    )
    day = models.DateField()
    hours = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), message="Hours are more than 0."),
            MaxValueValidator(MAX_DAY_HOURS, message="A day has 24 hours."),
        ],
    )
    note = models.CharField(max_length=500, blank=True)
    rate = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    amount = money(null=True, blank=True)

    class Meta:
        ordering = ["day", "task_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "task", "day"], name="time_entry_one_per_task_day"
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0, hours__lte=24), name="time_entry_hours_range"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "day"]),
            models.Index(fields=["project", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.day:%d %b %Y}"
