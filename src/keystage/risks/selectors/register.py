"""Reads of the register: the page's figures, the heat map's counts, the KPIs' figures and
the portfolio's top risk per project (one query per kind for any number of projects)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from keystage.risks.matrix import LEVELS, Matrix
from keystage.risks.models import (
    LIVE_STATUSES,
    OPEN_ISSUE_STATUSES,
    Issue,
    ResponseStatus,
    Risk,
    RiskResponse,
)
from keystage.risks.positions import with_positions
from keystage.risks.services.matrix import matrix_of


@dataclass(frozen=True, slots=True)
class RiskFigures:
    """A project's live risks in numbers (what the KPIs and the dashboard show)."""

    registered: int
    live: int
    high: int
    high_after: int
    exposure: Decimal
    exposure_after: Decimal
    overdue_responses: list[RiskResponse]
    open_issues: int
    top: Risk | None


def heat_counts(risks: Sequence[Risk], *, after: bool) -> list[list[int]]:
    """``counts[probability level - 1][impact level - 1]`` of the live risks (positioned)."""
    grid = [[0] * LEVELS for _ in range(LEVELS)]
    for risk in risks:
        if risk.status in LIVE_STATUSES:
            at = risk.after_at if after else risk.before_at
            grid[at.probability_level - 1][at.impact_level - 1] += 1
    return grid


def _rank(risk: Risk) -> tuple[Any, ...]:
    return (-risk.before_at.score, -risk.before.exposure, risk.number)


def figures_of(risks: Sequence[Risk], *, today: dt.date, open_issues: int = 0) -> RiskFigures:
    """The figures of positioned risks (with their responses)."""
    live = [r for r in risks if r.status in LIVE_STATUSES]
    overdue = [
        response
        for risk in live
        for response in risk.responses.all()
        if response.status != ResponseStatus.DONE
        and response.due_date is not None
        and response.due_date < today
    ]
    ranked = sorted(live, key=_rank)
    return RiskFigures(
        registered=len(risks),
        live=len(live),
        high=sum(1 for r in live if r.before_at.rating == "high"),
        high_after=sum(1 for r in live if r.after_at.rating == "high"),
        exposure=sum((r.before.exposure for r in live), Decimal("0")),
        exposure_after=sum((r.after.exposure for r in live), Decimal("0")),
        overdue_responses=overdue,
        open_issues=open_issues,
        top=ranked[0] if ranked else None,
    )


def positioned_risks(project: Any, matrix: Matrix | None = None) -> list[Risk]:
    """All the project's risks with responses, owners and tasks, placed on the matrix
    (no permission check: the caller has read the project through the chokepoint)."""
    rows = list(
        Risk.objects.filter(project=project)
        .select_related("owner", "issue")
        .prefetch_related("tasks", "responses")
    )
    return with_positions(rows, matrix or matrix_of(project.organisation_id))


def project_risk_figures(project: Any, *, today: dt.date) -> RiskFigures:
    """The figures of one project's register."""
    issues = Issue.objects.filter(project=project, status__in=OPEN_ISSUE_STATUSES).count()
    return figures_of(positioned_risks(project), today=today, open_issues=issues)


def top_risks(projects: Sequence[Any]) -> dict[int, Risk]:
    """The highest-rated live risk of each project, in a constant number of queries."""
    pks = [p.pk for p in projects]
    if not pks:
        return {}
    matrices: dict[int | None, Matrix] = {}
    for project in projects:
        if project.organisation_id not in matrices:
            matrices[project.organisation_id] = matrix_of(project.organisation_id)
    rows = list(
        Risk.objects.filter(project_id__in=pks, status__in=LIVE_STATUSES)
        .select_related("project")
        .prefetch_related(Prefetch("responses", queryset=RiskResponse.objects.order_by("pk")))
    )
    by_project: dict[int, list[Risk]] = {}
    for risk in rows:
        with_positions([risk], matrices[risk.project.organisation_id])
        by_project.setdefault(risk.project_id, []).append(risk)
    return {pk: sorted(rs, key=_rank)[0] for pk, rs in by_project.items()}
