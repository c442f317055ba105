"""A project's KPIs and health, read through the project chokepoint.

Pages, the API, the alerts and the command line all call :func:`evaluate_project`; it
writes nothing (page views never alert — only :mod:`control.kpis.alerts` stores states).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from keystage.control.kpis.catalogue import AREAS
from keystage.control.kpis.sources import SOURCES, context_for
from keystage.control.kpis.thresholds import thresholds_of
from keystage.engine.kpi import Health, KpiResult, evaluate_all, health
from keystage.portfolio.access import access_project
from keystage.portfolio.models import Project


@dataclass(frozen=True, slots=True)
class ProjectKpis:
    """Every KPI of a project on its status date, and the health they give."""

    project: Project
    status_date: dt.date
    results: list[KpiResult]
    health: Health

    def by_area(self) -> list[tuple[str, str, list[KpiResult]]]:
        """(area key, area label, its KPIs) in the catalogue's order, areas with KPIs only."""
        return [
            (key, label, [r for r in self.results if r.area == key])
            for key, label in AREAS.items()
            if any(r.area == key for r in self.results)
        ]


def evaluate_project(project: Project, *, today: dt.date | None = None) -> ProjectKpis:
    """The KPIs of ``project`` (already read through the chokepoint, or the system's)."""
    ctx = context_for(project, thresholds_of(project.organisation_id), today)
    inputs = [item for source in SOURCES for item in source(ctx)]
    order = list(AREAS)
    results = sorted(evaluate_all(inputs), key=lambda r: order.index(r.area))
    return ProjectKpis(project, ctx.status_date, results, health(results))


def project_kpis(*, who: Any, project_id: Any, today: dt.date | None = None) -> ProjectKpis:
    """The KPIs of a project the user may see (404 otherwise)."""
    project = access_project(who=who, project_id=project_id)
    return evaluate_project(project, today=today)
