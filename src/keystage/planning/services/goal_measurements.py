"""Writes of a goal's measurements. The latest measurement (by day, then by when it was
recorded) is the goal's current value: each write keeps ``Goal.current_value`` in step, so
the goal's existing API fields and status rule keep working. Journaled; the project's
KPIs are re-checked after the commit (``portfolio.project_events``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import InvalidInput, NotFound
from keystage.planning.models.goals import Goal, GoalMeasurement, plain_number
from keystage.portfolio.access import require_perm
from keystage.portfolio.project_events import project_figures_moved

MEASUREMENT_FIELDS = ("measured_on", "value", "note")


def latest_measurement(goal: Goal) -> GoalMeasurement | None:
    """The measurement that gives the goal its current value (None without any)."""
    return goal.measurements.order_by("-measured_on", "-created_at", "-id").first()


def _sync_current(who: Any, goal_pk: int) -> Goal:
    """Set the goal's current value to its latest measurement, versioned and journaled."""
    goal = Goal.objects.select_for_update().select_related("project").get(pk=goal_pk)
    latest = latest_measurement(goal)
    if latest is None or latest.value == goal.current_value:
        return goal
    return records.update(
        who=who,
        instance=goal,
        version=goal.version,
        changes={"current_value": latest.value},
        project=goal.project,
        summary=f"Goal '{goal.title}' now stands at {plain_number(latest.value)} "
        f"(measured on {latest.measured_on:%d %b %Y})",
    )


@transaction.atomic
def measurement_add(*, who: Any, goal: Goal, data: dict[str, Any]) -> GoalMeasurement:
    """Record a measured value of ``goal`` on a day (not in the future); the project-edit
    permission. The goal's current value becomes the latest measurement."""
    require_perm(who=who, project=goal.project, perm=Perm.EDIT)
    data = records.editable(data, MEASUREMENT_FIELDS)
    day = data.get("measured_on")
    if isinstance(day, dt.date) and day > timezone.localdate():
        raise InvalidInput({"measured_on": "A measurement cannot be dated in the future."})
    measurement = GoalMeasurement(goal=goal, recorded_by=who, **data)
    records.create(
        who=who,
        instance=measurement,
        project=goal.project,
        fields=MEASUREMENT_FIELDS,
        summary=f"Measured goal '{goal.title}': {plain_number(measurement.value)} "
        f"on {measurement.measured_on:%d %b %Y}",
    )
    _sync_current(who, goal.pk)
    project_figures_moved(goal.project)
    return measurement


@transaction.atomic
def measurement_delete(*, who: Any, measurement: GoalMeasurement, version: int) -> None:
    """Remove a mistaken measurement at ``version``; the goal's current value follows the
    measurement now latest (it stays as it was when none is left)."""
    goal = measurement.goal
    require_perm(who=who, project=goal.project, perm=Perm.EDIT)
    if not GoalMeasurement.objects.filter(pk=measurement.pk).exists():
        raise NotFound("No such measurement.")
    records.delete(
        who=who,
        instance=measurement,
        version=version,
        project=goal.project,
        fields=MEASUREMENT_FIELDS,
        summary=f"Removed the measurement of goal '{goal.title}' "
        f"on {measurement.measured_on:%d %b %Y}",
    )
    _sync_current(who, goal.pk)
    project_figures_moved(goal.project)
