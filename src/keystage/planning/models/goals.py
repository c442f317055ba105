"""Goals: specific, measurable targets of a project (metric, baseline, target, due date)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project


class GoalDirection(models.TextChoices):
    """Whether the metric should go up or down to reach the target."""

    INCREASE = "increase", "Increase"
    DECREASE = "decrease", "Decrease"


def measure(**kwargs: Any) -> models.DecimalField[Any, Any]:
    """A value of a goal's metric (any sign, four decimals)."""
    return models.DecimalField(max_digits=18, decimal_places=4, **kwargs)


class Goal(BaseModel):
    """A measurable goal: the metric moves from the baseline towards the target by the due date."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(max_length=200)
    description = long_text(2000)
    metric = models.CharField(max_length=200, help_text="What is measured, e.g. 'Closing time'.")
    unit = models.CharField(max_length=40, blank=True, help_text="e.g. days, %, EUR.")
    direction = models.CharField(
        max_length=10, choices=GoalDirection.choices, default=GoalDirection.INCREASE
    )
    baseline_value = measure(help_text="Where the metric stands today.")
    target_value = measure(help_text="Where it must be by the due date.")
    current_value = measure(help_text="The latest measurement.")
    due_date = models.DateField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=GoalDirection.values), name="goal_direction_valid"
            ),
            models.CheckConstraint(
                condition=(
                    Q(direction=GoalDirection.INCREASE, target_value__gt=models.F("baseline_value"))
                    | Q(
                        direction=GoalDirection.DECREASE,
                        target_value__lt=models.F("baseline_value"),
                    )
                ),
                name="goal_target_beyond_baseline",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def baseline_text(self) -> str:
        """The baseline without trailing zeros or exponent."""
        return plain_number(self.baseline_value)

    @property
    def target_text(self) -> str:
        """The target without trailing zeros or exponent."""
        return plain_number(self.target_value)

    @property
    def current_text(self) -> str:
        """The current value without trailing zeros or exponent."""
        return plain_number(self.current_value)


def plain_number(value: Decimal) -> str:
    """``620.0000`` → ``620``, ``1.5000`` → ``1.5`` (never ``6.2E+2``)."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class GoalMeasurement(BaseModel):
    """One measured value of a goal's metric on a day; the latest is the goal's current value."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(help_text="The day the value was measured (not in the future).")
    value = measure(help_text="The metric's value on that day.")
    note = models.CharField(max_length=500, blank=True, help_text="Where or how it was measured.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["measured_on", "created_at", "id"]
        indexes = [models.Index(fields=["goal", "-measured_on"], name="goal_measurement_latest")]

    def __str__(self) -> str:
        return f"{self.goal.title} {self.measured_on}: {plain_number(self.value)}"

    @property
    def value_text(self) -> str:
        """The value without trailing zeros or exponent."""
        return plain_number(self.value)
