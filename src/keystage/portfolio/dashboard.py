"""The portfolio dashboard: every visible project with its stage, project manager and the
figures that higher apps own (schedule, budget, earned value, health, top risk).

The portfolio sits below planning, costs and control, so it cannot import them. Each
registers a batch provider from its ``AppConfig.ready()``:
``register_project_figures(fn)``, where ``fn(projects)`` returns
``{project_pk: {figure: value}}`` for the whole list at once, in a constant number of
queries. The dashboard merges what the providers give; a figure nobody provides shows
"—". The figures read by name (all optional):

``baseline_finish``, ``planned_finish`` (planning); ``budget``, ``actual_cost`` (costs);
``spi``, ``cpi``, ``eac``, ``forecast_finish``, ``health`` (green / amber / red),
``health_reason`` and ``top_risk`` (control).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q

from keystage.accounts.roles import ProjectRole
from keystage.core.errors import InvalidInput
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.lifecycle import STAGE_ORDER, Stage
from keystage.portfolio.models import Project, ProjectMembership

FigureProvider = Callable[[Sequence[Project]], dict[int, dict[str, Any]]]

_PROVIDERS: list[FigureProvider] = []

# Figures the control app owns; without its provider the page says so.
CONTROL_FIGURES = ("spi", "cpi", "eac", "forecast_finish", "health", "health_reason", "top_risk")
# Every figure a row carries (``None`` until a provider gives it).
FIGURES = ("baseline_finish", "planned_finish", "budget", "actual_cost", *CONTROL_FIGURES)
HEALTHS = ("green", "amber", "red")
SORTS = (
    "code",
    "name",
    "stage",
    "pm",
    "health",
    "spi",
    "cpi",
    "forecast_finish",
    "baseline_finish",
    "budget",
    "eac",
)
_HEALTH_ORDER = {"red": 0, "amber": 1, "green": 2}


def register_project_figures(provider: FigureProvider) -> None:
    """Add a batch provider of project figures (registering twice is harmless)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def unregister_project_figures(provider: FigureProvider) -> None:
    """Remove a provider (tests)."""
    if provider in _PROVIDERS:
        _PROVIDERS.remove(provider)


@dataclass(frozen=True, slots=True)
class DashboardRow:
    """One project with its lead and its figures (absent figures are ``None``)."""

    project: Project
    project_manager: str
    figures: dict[str, Any]

    def get(self, name: str) -> Any:
        """A figure by name, ``None`` when no provider gave it."""
        return self.figures.get(name)

    @property
    def slip_days(self) -> int | None:
        """Forecast (else planned) finish minus the baseline finish, in days."""
        finish = self.get("forecast_finish") or self.get("planned_finish")
        base = self.get("baseline_finish")
        if isinstance(finish, dt.date) and isinstance(base, dt.date):
            return (finish - base).days
        return None

    @property
    def over_budget(self) -> Decimal | None:
        """EAC minus budget (positive: over)."""
        eac, budget = self.get("eac"), self.get("budget")
        if eac is None or budget is None:
            return None
        return Decimal(eac) - Decimal(budget)


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The rows after filters and sort, the managers to filter by, and what is missing."""

    rows: list[DashboardRow]
    managers: list[str]
    control_installed: bool
    total: int
    stages: list[tuple[str, str]] = field(default_factory=list)


def _managers(projects: Iterable[Project]) -> dict[int, str]:
    rows = ProjectMembership.objects.filter(
        project__in=[p.pk for p in projects], role=ProjectRole.PROJECT_MANAGER
    ).values_list("project_id", "user__first_name", "user__last_name", "user__username")
    return {pid: (f"{first} {last}".strip() or username) for pid, first, last, username in rows}


def _figures(projects: Sequence[Project]) -> tuple[dict[int, dict[str, Any]], set[str]]:
    merged: dict[int, dict[str, Any]] = {p.pk: dict.fromkeys(FIGURES) for p in projects}
    names: set[str] = set()
    for provider in _PROVIDERS:
        for pid, values in provider(projects).items():
            if pid in merged:
                merged[pid].update(values)
                names.update(values)
    return merged, names


def _sort_key(name: str) -> Callable[[DashboardRow], tuple[bool, Any]]:
    def key(row: DashboardRow) -> tuple[bool, Any]:
        if name == "code":
            return False, row.project.code
        if name == "name":
            return False, row.project.name.lower()
        if name == "stage":
            return False, STAGE_ORDER.index(row.project.stage)
        if name == "pm":
            return not row.project_manager, row.project_manager.lower()
        value = row.get(name)
        if name == "health":
            value = _HEALTH_ORDER.get(str(value)) if value is not None else None
        return value is None, value if value is not None else 0

    return key


def dashboard(
    *,
    who: Any,
    search: str = "",
    stage: str = "",
    health: str = "",
    pm: str = "",
    sort: str = "code",
    descending: bool = False,
) -> Dashboard:
    """Every project ``who`` may see, with its figures, filtered and sorted.

    Queries: the projects, their project managers, then each provider's own (constant)
    ones — the count does not grow with the number of projects.
    """
    if stage and stage not in Stage.values:
        raise InvalidInput({"stage": f"One of: {', '.join(Stage.values)}."})
    if health and health not in (*HEALTHS, "unknown"):
        raise InvalidInput({"health": f"One of: {', '.join(HEALTHS)}, unknown."})
    if sort not in SORTS:
        raise InvalidInput({"sort": f"One of: {', '.join(SORTS)}."})
    qs = projects_visible_to(who).order_by("code")
    if stage:
        qs = qs.filter(stage=stage)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    projects = list(qs)
    managers = _managers(projects)
    figures, names = _figures(projects)
    rows = [DashboardRow(p, managers.get(p.pk, ""), figures[p.pk]) for p in projects]
    all_managers = sorted({r.project_manager for r in rows if r.project_manager}, key=str.lower)
    if pm:
        rows = [r for r in rows if r.project_manager == pm]
    if health:
        wanted = None if health == "unknown" else health
        rows = [r for r in rows if r.get("health") == wanted]
    key = _sort_key(sort)
    if descending:
        known = sorted((r for r in rows if not key(r)[0]), key=key, reverse=True)
        rows = known + [r for r in rows if key(r)[0]]
    else:
        rows.sort(key=key)
    return Dashboard(
        rows=rows,
        managers=all_managers,
        control_installed=bool(names & set(CONTROL_FIGURES)) or _control_registered(),
        total=len(projects),
        stages=list(Stage.choices),
    )


def _control_registered() -> bool:
    return any(getattr(p, "__module__", "").startswith("keystage.control") for p in _PROVIDERS)
