"""The work breakdown: the project calendar and holidays, tasks in a WBS tree, dependencies,
and schedule runs.

Tasks store their place in the tree (``parent`` and ``position`` among siblings) and,
maintained by the services after every structural change, the derived row order
(``row``), WBS code, outline level and whether the task is a summary. Scheduled dates
are written by schedule runs; they are results, not user edits, so writing them does
not advance a task's version.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from keystage.core.models import BaseModel
from keystage.engine.network import ConstraintType, LinkType
from keystage.portfolio.models import Project

MINUTES_PER_DAY_DEFAULT = 480


class ProjectCalendar(BaseModel):
    """The project's working time: working weekdays and daily shifts."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="planning_calendar"
    )
    name = models.CharField(max_length=100, default="Standard")
    working_weekdays = models.CharField(
        max_length=7,
        default="12345",
        help_text="Working weekdays, Monday = 1 … Sunday = 7, e.g. 12345.",
    )
    shifts = models.CharField(
        max_length=100,
        default="09:00-13:00,14:00-18:00",
        help_text="Working periods of a day, e.g. 09:00-13:00,14:00-18:00.",
    )
    data_date = models.DateField(
        null=True,
        blank=True,
        help_text="Status date: progress is recorded up to the end of this day; remaining "
        "work is scheduled after it.",
    )

    def __str__(self) -> str:
        return f"{self.name} calendar"


class Holiday(BaseModel):
    """A non-working period of the project calendar (public holiday, shutdown)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="holidays")
    name = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="holiday_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_date:%Y-%m-%d})"


class TaskKind(models.TextChoices):
    """Work, or a zero-length event. Summaries are tasks with children."""

    TASK = "task", "Task"
    MILESTONE = "milestone", "Milestone"


class TaskStatus(models.TextChoices):
    """Where a task's work stands; derived from its actual dates, never stored."""

    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Task(BaseModel):
    """One row of the work breakdown: a task, a milestone, or (with children) a summary."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="planning_tasks")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0, help_text="Order among its siblings.")
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10, choices=TaskKind.choices, default=TaskKind.TASK)
    duration_minutes = models.PositiveIntegerField(
        default=MINUTES_PER_DAY_DEFAULT,
        validators=[MaxValueValidator(60 * 24 * 3650, message="A duration is at most ten years.")],
        help_text="Working minutes.",
    )
    work_hours = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), message="Work is never negative.")],
        help_text="Planned effort in hours, across everyone assigned.",
    )
    fixed_cost = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"), message="Costs are never negative.")],
        help_text="Cost that does not depend on who does the work (services, fees).",
    )
    constraint_type = models.CharField(
        max_length=4, choices=ConstraintType.choices(), default=ConstraintType.ASAP.value
    )
    constraint_date = models.DateField(null=True, blank=True)
    deadline = models.DateField(null=True, blank=True)
    notes = models.TextField(max_length=4000, blank=True, validators=[MaxLengthValidator(4000)])

    # Progress (recorded by the execution app; summaries roll up, so theirs stay empty).
    actual_start = models.DateField(null=True, blank=True)
    actual_finish = models.DateField(null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100, message="Percent complete runs from 0 to 100.")],
        help_text="Duration % complete (as MS Project): share of the duration worked.",
    )
    physical_percent_complete = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(100, message="Percent complete runs from 0 to 100.")],
        help_text="Physical % complete: share of the work's output done (earned value).",
    )
    remaining_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(60 * 24 * 3650)],
        help_text="Remaining working minutes; empty means duration × (100 − % complete).",
    )

    # Derived from the tree by the services (never edited directly).
    row = models.PositiveIntegerField(default=0, help_text="Row number in WBS order, from 1.")
    wbs_code = models.CharField(max_length=60, blank=True)
    outline_level = models.PositiveSmallIntegerField(default=1)
    is_summary = models.BooleanField(default=False)

    # Results of the last schedule run.
    start_at = models.DateTimeField(null=True, blank=True)
    finish_at = models.DateTimeField(null=True, blank=True)
    early_start_at = models.DateTimeField(null=True, blank=True)
    early_finish_at = models.DateTimeField(null=True, blank=True)
    late_start_at = models.DateTimeField(null=True, blank=True)
    late_finish_at = models.DateTimeField(null=True, blank=True)
    total_float_minutes = models.IntegerField(null=True, blank=True)
    free_float_minutes = models.IntegerField(null=True, blank=True)
    is_critical = models.BooleanField(default=False)

    class Meta:
        ordering = ["row", "id"]
        indexes = [
            models.Index(fields=["project", "row"]),
            # My work: the open leaf tasks planned to start before a day (few of many)
            models.Index(
                fields=["start_at"],
                name="task_open_by_start",
                condition=Q(actual_finish__isnull=True, is_summary=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(fixed_cost__gte=0), name="task_fixed_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(work_hours__isnull=True) | Q(work_hours__gte=0),
                name="task_work_not_negative",
            ),
            models.CheckConstraint(
                condition=~Q(kind="milestone") | Q(duration_minutes=0),
                name="task_milestone_has_no_duration",
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__lte=100) & Q(physical_percent_complete__lte=100),
                name="task_percent_complete_0_100",
            ),
            models.CheckConstraint(
                condition=Q(actual_finish__isnull=True)
                | (Q(actual_start__isnull=False) & Q(actual_finish__gte=F("actual_start"))),
                name="task_actual_finish_after_start",
            ),
        ]

    @property
    def progress_status(self) -> str:
        """Not started, in progress or done, derived from the actual dates."""
        if self.actual_finish is not None:
            return TaskStatus.DONE
        if self.actual_start is not None:
            return TaskStatus.IN_PROGRESS
        return TaskStatus.NOT_STARTED

    def __str__(self) -> str:
        return f"{self.wbs_code} {self.name}".strip()


class Dependency(BaseModel):
    """``predecessor → successor`` of a given type with a lag in working minutes (< 0 = lead).

    ``max_lag_minutes`` (None = no maximum) bounds the same gap from above: for an FS link
    the successor starts at least ``lag_minutes`` and at most ``max_lag_minutes`` working
    minutes after the predecessor finishes.
    """

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="planning_dependencies"
    )
    predecessor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, choices=LinkType.choices(), default=LinkType.FS.value)
    lag_minutes = models.IntegerField(
        default=0,
        validators=[MinValueValidator(-60 * 24 * 3650), MaxValueValidator(60 * 24 * 3650)],
    )
    max_lag_minutes = models.IntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(-60 * 24 * 3650), MaxValueValidator(60 * 24 * 3650)],
    )

    class Meta:
        verbose_name_plural = "dependencies"
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="dependency_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="dependency_not_to_itself"
            ),
            models.CheckConstraint(
                condition=Q(max_lag_minutes__isnull=True)
                | Q(max_lag_minutes__gte=F("lag_minutes")),
                name="dependency_max_lag_not_below_lag",
            ),
        ]

    def clean(self) -> None:
        """Refuse a maximum lag below the (minimum) lag, on the maximum's field."""
        most, least = self.max_lag_minutes, self.lag_minutes
        if isinstance(most, int) and isinstance(least, int) and most < least:
            raise ValidationError(
                {"max_lag_minutes": "The maximum lag cannot be less than the lag."}
            )

    def __str__(self) -> str:
        return f"{self.predecessor_id}→{self.successor_id} {self.type}"


class ScheduleMethod(models.TextChoices):
    """How a schedule run places the tasks."""

    CPM = "cpm", "Critical path (no resource limits)"
    LEVEL_WITHIN_FLOAT = "level_float", "Level resources within float"
    LEVEL = "level", "Level resources (finish may move)"
    OPTIMISE = "optimise", "Optimise (shortest resource-feasible schedule)"


class RunStatus(models.TextChoices):
    """Where a schedule run is."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ScheduleRun(BaseModel):
    """One request to schedule the project, its progress and its outcome."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="schedule_runs")
    method = models.CharField(max_length=12, choices=ScheduleMethod.choices)
    time_limit_seconds = models.PositiveIntegerField(
        default=10, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    message = models.CharField(max_length=1000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    project_finish_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    job_id = models.CharField(
        max_length=64, blank=True, help_text="Id of the background job that runs it."
    )
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life from the worker running it."
    )
    cancel_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When someone asked to stop it while it was running."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The queue bounds and the stale-run sweep read the active runs only.
            models.Index(
                fields=["status", "project"],
                name="planning_run_active",
                condition=models.Q(status__in=["queued", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} ({self.status})"
