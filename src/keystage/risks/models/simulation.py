"""Quantitative schedule & cost risk: three-point estimates, the default spread, runs.

A :class:`TaskEstimate` gives one task its optimistic / most likely / pessimistic
duration and the distribution to draw from; tasks without one take the project's
:class:`SimulationSettings` spread around their planned duration. A
:class:`SimulationRun` is one Monte Carlo request, run in the background like a
schedule run (queued → running → done / failed / cancelled), with its result stored as JSON.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from keystage.core.models import BaseModel
from keystage.planning.models import RunStatus, Task
from keystage.portfolio.models import Project

RUNS_MIN, RUNS_MAX, RUNS_DEFAULT = 100, 100_000, 5_000


class Distribution(models.TextChoices):
    """How a three-point estimate is sampled (the engine's ``Distribution``)."""

    TRIANGULAR = "triangular", "Triangular"
    PERT = "pert", "PERT (beta)"


class SimulationSettings(BaseModel):
    """A project's default spread for tasks without their own estimate."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="simulation_settings"
    )
    low_percent = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal("10.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Optimistic = planned duration less this share.",
    )
    high_percent = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        default=Decimal("25.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
        help_text="Pessimistic = planned duration plus this share.",
    )
    distribution = models.CharField(
        max_length=12, choices=Distribution.choices, default=Distribution.TRIANGULAR
    )

    def __str__(self) -> str:
        return f"Default spread −{self.low_percent} % / +{self.high_percent} %"


class TaskEstimate(BaseModel):
    """A task's three-point duration estimate, in working minutes."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="risk_estimate")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    optimistic_minutes = models.PositiveIntegerField()
    likely_minutes = models.PositiveIntegerField()
    pessimistic_minutes = models.PositiveIntegerField()
    distribution = models.CharField(
        max_length=12, choices=Distribution.choices, default=Distribution.TRIANGULAR
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(optimistic_minutes__lte=models.F("likely_minutes"))
                & models.Q(likely_minutes__lte=models.F("pessimistic_minutes")),
                name="risks_estimate_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"Estimate of {self.task}"


class SimulationRun(BaseModel):
    """One Monte Carlo run of the project's schedule and cost, its progress and result."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="simulation_runs")
    runs = models.PositiveIntegerField(
        default=RUNS_DEFAULT, validators=[MinValueValidator(RUNS_MIN), MaxValueValidator(RUNS_MAX)]
    )
    seed = models.BigIntegerField(
        help_text="Seed of the random draws: the same seed, the same result."
    )
    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    message = models.CharField(max_length=1000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    cancel_requested_at = models.DateTimeField(
        null=True, blank=True, help_text="When an editor asked the run to stop."
    )
    job_id = models.CharField(max_length=64, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Risk simulation of {self.runs:,} runs ({self.status})"
