"""Reads of goals, and the rule that turns a goal's numbers into a status.

Progress is ``(current − baseline) / (target − baseline)``: 0 at the baseline, 1 (100 %) at
the target, negative when the metric moved the wrong way; the sign of the denominator
takes care of decreasing goals. The status, checked in this order:

* **achieved** — progress ≥ 100 % (whatever the date);
* **missed** — the due date has passed and the target was not reached;
* **on track** — progress keeps up with the time elapsed from the project start to the due
  date, with 10 percentage points of tolerance (``progress ≥ elapsed − 0.10``);
* **at risk** — otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from keystage.core.lookup import get_by_public_id
from keystage.planning.models.goals import Goal
from keystage.portfolio.access import access_project, projects_visible_to
from keystage.portfolio.models import Project

TOLERANCE = 0.10
STATUS_LABELS = {
    "achieved": "Achieved",
    "missed": "Missed",
    "on_track": "On track",
    "at_risk": "At risk",
}


@dataclass(frozen=True, slots=True)
class GoalProgress:
    """Where a goal stands on a given day."""

    progress: float
    expected: float
    status: str

    @property
    def status_label(self) -> str:
        """The status as the pages show it."""
        return STATUS_LABELS[self.status]

    @property
    def progress_percent(self) -> int:
        """Progress in whole percent (may exceed 100 or be negative)."""
        return round(self.progress * 100)

    @property
    def percent(self) -> int:
        """Progress in whole percent, clamped to 0…100 for bars."""
        return max(0, min(100, round(self.progress * 100)))


def evaluate(
    *,
    baseline: Decimal,
    target: Decimal,
    current: Decimal,
    due: dt.date,
    start: dt.date,
    today: dt.date,
) -> GoalProgress:
    """The progress and status of one goal (pure: numbers and dates in, verdict out)."""
    span = target - baseline
    progress = float((current - baseline) / span) if span else 0.0
    total_days = (due - start).days
    if total_days <= 0:
        expected = 1.0 if today >= due else 0.0
    else:
        expected = min(1.0, max(0.0, (today - start).days / total_days))
    if progress >= 1.0:
        status = "achieved"
    elif today > due:
        status = "missed"
    elif progress >= expected - TOLERANCE:
        status = "on_track"
    else:
        status = "at_risk"
    return GoalProgress(progress=progress, expected=expected, status=status)


def goal_progress(goal: Goal, *, today: dt.date | None = None) -> GoalProgress:
    """The progress and status of a goal, measured from the project's start date."""
    day = today or timezone.localdate()
    start = min(goal.project.start_date, goal.due_date)
    return evaluate(
        baseline=goal.baseline_value,
        target=goal.target_value,
        current=goal.current_value,
        due=goal.due_date,
        start=start,
        today=day,
    )


def goals_visible_to(who: Any) -> QuerySet[Goal]:
    """Goals of projects the user may see."""
    return Goal.objects.filter(project__in=projects_visible_to(who))


def goal_list(*, who: Any, project: Project) -> QuerySet[Goal]:
    """The project's goals in their order."""
    return goals_visible_to(who).filter(project=project).select_related("project")


def goal_get(*, who: Any, project: Project, goal_id: Any) -> Goal:
    """One goal of this project (404 for another project's)."""
    return get_by_public_id(goal_list(who=who, project=project), goal_id)


def goals_with_progress(goals: Any, *, today: dt.date | None = None) -> list[tuple[Goal, Any]]:
    """Each goal with its :class:`GoalProgress`."""
    return [(goal, goal_progress(goal, today=today)) for goal in goals]


def goal_status_list(
    *, who: Any, project_id: Any, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every goal of a visible project with its progress and status, as plain data (for KPIs)."""
    project = access_project(who=who, project_id=project_id)
    rows = []
    for goal, progress in goals_with_progress(goal_list(who=who, project=project), today=today):
        rows.append(
            {
                "id": str(goal.public_id),
                "title": goal.title,
                "metric": goal.metric,
                "unit": goal.unit,
                "direction": goal.direction,
                "baseline_value": goal.baseline_value,
                "target_value": goal.target_value,
                "current_value": goal.current_value,
                "due_date": goal.due_date,
                "progress": progress.progress,
                "expected_progress": progress.expected,
                "status": progress.status,
                "status_label": progress.status_label,
            }
        )
    return rows
