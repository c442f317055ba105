"""Reads of the schedule-risk analysis: the estimates table and the simulation runs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from keystage.core.lookup import get_by_public_id
from keystage.planning import engine as planning_engine
from keystage.planning.models import Task
from keystage.planning.services.wbs import calendar_of
from keystage.portfolio.models import Project
from keystage.risks.engine import default_settings, spread_of
from keystage.risks.models import SimulationRun, SimulationSettings, TaskEstimate

ACTIVE = ("queued", "running")
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class EstimateRow:
    """One task of the estimates table: its planned duration and three points, in days."""

    task: Task
    planned_days: Decimal
    optimistic_days: Decimal
    likely_days: Decimal
    pessimistic_days: Decimal
    distribution: str
    own: bool  # False: the default spread applies
    version: int | None


@dataclass(frozen=True)
class EstimateTable:
    """The estimates page's data: rows, the default spread and the working day's length."""

    rows: tuple[EstimateRow, ...]
    settings: SimulationSettings
    minutes_per_day: int


def minutes_per_day(project: Project) -> int:
    """Working minutes in a day of the project's calendar."""
    return planning_engine.minutes_per_day(calendar_of(project))


def _days(minutes: int, mpd: int) -> Decimal:
    return (Decimal(minutes) / mpd).quantize(HUNDREDTH)


def estimate_table(*, who: Any, project: Project) -> EstimateTable:
    """Every task (not summaries or milestones) with its estimate or the default spread."""
    del who  # the caller has passed the chokepoint
    mpd = minutes_per_day(project)
    settings = default_settings(project)
    own = {e.task_id: e for e in TaskEstimate.objects.filter(project=project)}
    rows = []
    tasks = Task.objects.filter(project=project, is_summary=False, kind="task").order_by("row")
    for task in tasks:
        found = own.get(task.pk)
        if found is not None:
            three = (found.optimistic_minutes, found.likely_minutes, found.pessimistic_minutes)
            kind, version = found.distribution, found.version
        else:
            three = spread_of(task.duration_minutes, settings)
            kind, version = settings.distribution, None
        low, likely, high = (_days(m, mpd) for m in three)
        planned = _days(task.duration_minutes, mpd)
        rows.append(EstimateRow(task, planned, low, likely, high, kind, found is not None, version))
    return EstimateTable(tuple(rows), settings, mpd)


def run_list(*, who: Any, project: Project) -> QuerySet[SimulationRun]:
    """The project's simulation runs, newest first."""
    del who
    return SimulationRun.objects.filter(project=project).select_related("requested_by")


def run_get(*, who: Any, project: Project, run_id: Any) -> SimulationRun:
    """One run of the project (404 when it is another project's or absent)."""
    return get_by_public_id(run_list(who=who, project=project), run_id)
