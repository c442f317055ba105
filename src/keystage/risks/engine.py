"""The adapter between the database and ``keystage.engine.risk``.

:func:`simulation_input` reads the plan the way the scheduler does (tasks, links, the
calendar, progress and the data date), adds each task's three-point estimate (its own,
else the project's default spread around the planned duration), the planned cost of each
task from the cost plan (``Task.fixed_cost`` stays fixed, the rest — labour — scales with
the sampled duration), the latest baseline's finish and cost as the targets, and the risk
register's events.

Risk events come from :func:`risk_events`: the register's
``keystage.risks.selectors.simulation_events.risk_events_for_simulation(project=…)`` when
that module is installed (task ids are ``str(task.pk)``, as in ``engine_project``),
none otherwise; callers and tests may pass their own.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from keystage.engine.network import Kind
from keystage.engine.risk import (
    Distribution,
    RiskEvent,
    RiskModel,
    TaskCost,
    TaskUncertainty,
    ThreePoint,
)
from keystage.planning import engine as planning_engine
from keystage.planning.models import Baseline, Dependency, Holiday, Task
from keystage.planning.selectors.plan_snapshot import plan_costs
from keystage.planning.services.wbs import calendar_of
from keystage.portfolio.models import Project
from keystage.risks.models import SimulationSettings, TaskEstimate

EVENTS_MODULE = "keystage.risks.selectors.simulation_events"


def risk_events(project: Project) -> tuple[RiskEvent, ...]:
    """The register's risks as simulation events (none while the register is absent)."""
    try:
        if importlib.util.find_spec(EVENTS_MODULE) is None:
            return ()
    except ModuleNotFoundError:  # the register's selectors package is not installed
        return ()
    module = importlib.import_module(EVENTS_MODULE)
    return tuple(module.risk_events_for_simulation(project=project))


def default_settings(project: Project) -> SimulationSettings:
    """The project's settings row, or unsaved defaults."""
    found = SimulationSettings.objects.filter(project=project).first()
    return found or SimulationSettings(project=project)


def spread_of(duration: int, settings: SimulationSettings) -> tuple[int, int, int]:
    """Optimistic, likely and pessimistic minutes of the default spread around ``duration``."""
    low = round(duration * (1 - float(settings.low_percent) / 100))
    high = round(duration * (1 + float(settings.high_percent) / 100))
    return max(low, 0), duration, high


@dataclass(frozen=True)
class SimulationInput:
    """The engine's model and what the pages need to read its result."""

    model: RiskModel
    minutes_per_day: int
    names: dict[str, str]  # engine id → "WBS name"
    estimated: int  # tasks with their own estimate
    defaulted: int  # tasks on the default spread
    variable_cost: Decimal  # the duration-driven share of the planned cost
    planned_cost: Decimal


def _naive(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None)


def simulation_input(
    *, project: Project, events: tuple[RiskEvent, ...] | None = None
) -> SimulationInput:
    """Everything the simulation needs for ``project`` (raises the engine's errors)."""
    tasks = list(Task.objects.filter(project=project).order_by("row"))
    dependencies = list(Dependency.objects.filter(project=project))
    calendar_row = calendar_of(project)
    calendar = planning_engine.engine_calendar(
        calendar_row, Holiday.objects.filter(project=project)
    )
    data_date = calendar_row.data_date if calendar_row else None
    network = planning_engine.engine_project(
        project.start_date, tasks, dependencies, calendar, data_date
    )
    settings = default_settings(project)
    own = {e.task_id: e for e in TaskEstimate.objects.filter(project=project)}
    estimates: list[TaskUncertainty] = []
    estimated = defaulted = 0
    kinds = {a.id: a.kind for a in network.activities}
    for task in tasks:
        if kinds[str(task.pk)] is not Kind.TASK:
            continue
        found = own.get(task.pk)
        if found is not None:
            three = (found.optimistic_minutes, found.likely_minutes, found.pessimistic_minutes)
            kind = Distribution(found.distribution)
            estimated += 1
        else:
            three = spread_of(task.duration_minutes, settings)
            kind = Distribution(settings.distribution)
            defaulted += 1
        estimates.append(TaskUncertainty(str(task.pk), ThreePoint(*map(float, three)), kind))
    priced = plan_costs(project)
    costs = []
    variable = Decimal(0)
    by_pk = {t.pk: t for t in tasks}
    for pk, amount in priced.task_costs.items():
        row = by_pk.get(pk)
        if row is None or row.is_summary:
            continue
        fixed = min(row.fixed_cost, amount)
        variable += amount - fixed
        costs.append(TaskCost(str(pk), float(fixed), float(amount - fixed)))
    on_tasks = sum(priced.task_costs.values(), Decimal(0))
    planned = Decimal(str(priced.budget.get("subtotal", on_tasks)))
    baseline = Baseline.objects.filter(project=project).order_by("-number").first()
    finish = _naive(baseline.finish_at) if baseline and baseline.finish_at else None
    if baseline is not None and baseline.cost:
        budget: float | None = float(baseline.cost)
    else:
        budget = float(priced.cost_baseline) if priced.cost_baseline else None
    model = RiskModel(
        project=network,
        estimates=tuple(estimates),
        costs=tuple(costs),
        events=risk_events(project) if events is None else events,
        baseline_finish=finish,
        budget=budget,
        other_cost=float(max(planned - on_tasks, Decimal(0))),
    )
    return SimulationInput(
        model=model,
        minutes_per_day=planning_engine.minutes_per_day(calendar_row),
        names={str(t.pk): str(t) for t in tasks},
        estimated=estimated,
        defaulted=defaulted,
        variable_cost=variable,
        planned_cost=planned,
    )
