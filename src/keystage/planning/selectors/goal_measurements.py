"""Reads of goals' measurements, scoped through the goal (and so the project chokepoint)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keystage.core.lookup import get_by_public_id
from keystage.planning.models.goals import Goal, GoalMeasurement
from keystage.reporting.svg.trend import trend_chart


def measurement_list(goal: Goal) -> QuerySet[GoalMeasurement]:
    """The measurements of a goal already read through ``goal_get``, oldest first."""
    return goal.measurements.select_related("recorded_by").order_by(
        "measured_on", "created_at", "id"
    )


def measurement_get(goal: Goal, measurement_id: Any) -> GoalMeasurement:
    """One measurement of this goal (404 for another goal's)."""
    return get_by_public_id(measurement_list(goal).select_related("goal__project"), measurement_id)


def measurement_chart(goal: Goal, measurements: list[GoalMeasurement]) -> str:
    """The measured values as a line toward the target (the baseline and target as levels)."""
    unit = f" ({goal.unit})" if goal.unit else ""
    return trend_chart(
        [(m.measured_on, float(m.value)) for m in measurements],
        levels=[
            ("Baseline", float(goal.baseline_value)),
            ("Target", float(goal.target_value)),
        ],
        title=f"{goal.metric}{unit}",
        subtitle=f"Measured values toward the target of {goal.target_text} "
        f"by {goal.due_date:%d %b %Y}",
        due=goal.due_date,
    )
