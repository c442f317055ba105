"""Snapshots of a plan: what a baseline stores, taken from the current plan or read back.

A *snapshot* holds per task its place in the WBS, dates, duration, work and cost
(summaries carry the roll-up of their sub-tasks), and the totals with the cost plan by
category and month. Work and cost come from the cost plan, which sits above planning
(``keystage.costs``): it registers a :class:`PlanCosts` provider when the app is ready,
so planning never imports it. ``WorkingTime`` measures working minutes on the project's
calendar for durations and date variances.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keystage.engine.calendars import WorkIndex
from keystage.engine.money import round_to, to_cents
from keystage.planning import engine
from keystage.planning.models import Baseline, Holiday, ProjectCalendar, Task, TaskKind
from keystage.portfolio.models import Project

ZERO = Decimal("0")
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class PlanCosts:
    """What the cost plan tells a snapshot: work and cost per task pk, the cost baseline
    and the budget document a baseline keeps."""

    task_work: Mapping[int, Decimal] = field(default_factory=dict)
    task_costs: Mapping[int, Decimal] = field(default_factory=dict)
    cost_baseline: Decimal = ZERO
    budget: Mapping[str, Any] = field(default_factory=dict)


PlanCostsProvider = Callable[[Project], PlanCosts]
_PROVIDERS: list[PlanCostsProvider] = []


def register_plan_costs(provider: PlanCostsProvider) -> None:
    """Let ``provider`` price snapshots (the costs app registers one; the latest wins)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def plan_costs(project: Project) -> PlanCosts:
    """The project's costs from the registered provider (nothing without one)."""
    return _PROVIDERS[-1](project) if _PROVIDERS else PlanCosts()


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One task of a plan, as a baseline stores it."""

    task_pk: int | None
    task_public_id: uuid.UUID
    row: int
    wbs_code: str
    outline_level: int
    name: str
    kind: str
    is_summary: bool
    is_critical: bool
    start_at: dt.datetime | None
    finish_at: dt.datetime | None
    duration_minutes: int
    work_hours: Decimal
    cost: Decimal


@dataclass(frozen=True)
class PlanSnapshot:
    """A whole plan: its tasks in WBS order, the totals and (for the current plan) the budget."""

    rows: tuple[PlanRow, ...]
    start_at: dt.datetime | None
    finish_at: dt.datetime | None
    work_hours: Decimal
    cost: Decimal
    budget: dict[str, Any]


class WorkingTime:
    """Working minutes on the project's calendar between stored instants."""

    def __init__(self, project: Project) -> None:
        calendar = ProjectCalendar.objects.filter(project=project).first()
        self.calendar = engine.engine_calendar(calendar, Holiday.objects.filter(project=project))
        self.minutes_per_day = engine.minutes_per_day(calendar)
        self._index: WorkIndex | None = None
        self._span: tuple[dt.date, dt.date] | None = None

    @staticmethod
    def _naive(when: dt.datetime) -> dt.datetime:
        # The scheduler works in naive local time; stored instants are aware.
        return timezone.localtime(when).replace(tzinfo=None) if timezone.is_aware(when) else when

    def cover(self, instants: Iterable[dt.datetime | None]) -> None:
        """Lay the calendar out over the days of these instants (and those covered before)."""
        days = [self._naive(i).date() for i in instants if i is not None]
        if self._span is not None:
            days.extend(self._span)
        if not days:
            return
        first, last = min(days), max(days)
        if self._span != (first, last):
            self._span = (first, last)
            origin = first - dt.timedelta(days=1)
            self._index = self.calendar.index(origin, (last - origin).days + 2)

    def position(self, when: dt.datetime) -> int:
        """Working minutes from the start of the covered period to ``when``.

        Positions are only comparable while the covered period stays the same; cover every
        instant first (a later, wider cover moves the origin).
        """
        day = self._naive(when).date()
        if self._span is None or not self._span[0] <= day <= self._span[1]:
            self.cover([when])
        index = self._index
        assert index is not None
        return int(index.position(index.instant_of(self._naive(when))))

    def minutes(self, start: dt.datetime | None, finish: dt.datetime | None) -> int:
        """Working minutes from ``start`` to ``finish`` (0 when either is missing)."""
        if start is None or finish is None:
            return 0
        self.cover([start, finish])
        return max(self.position(finish) - self.position(start), 0)

    def days(self, minutes: int) -> Decimal:
        """Working minutes as working days, to a tenth."""
        return round_to(Decimal(minutes) / self.minutes_per_day, TENTH)

    def variance(self, before: dt.datetime | None, after: dt.datetime | None) -> Decimal | None:
        """Working days from ``before`` to ``after`` (negative = earlier; None without both)."""
        if before is None or after is None:
            return None
        self.cover([before, after])
        return self.days(self.position(after) - self.position(before))


def plan_snapshot(project: Project, working: WorkingTime | None = None) -> PlanSnapshot:
    """The current plan as a baseline would store it (a constant number of queries).

    Work is the assignments' hours, or the task's own work estimate when nobody is
    assigned; cost is everything the cost plan ties to the task (labour, fixed cost,
    budget lines). Summaries get their own plus their sub-tasks' work and cost, and the
    working time between their start and finish as duration. The caller has checked
    that the project is visible.
    """
    plan = plan_costs(project)
    tasks = list(Task.objects.filter(project=project).order_by("row", "id"))
    working = working or WorkingTime(project)
    working.cover(d for t in tasks for d in (t.start_at, t.finish_at))
    own_work: dict[int, Decimal] = {}
    for task in tasks:
        if task.pk in plan.task_work:
            own_work[task.pk] = plan.task_work[task.pk]
        elif not task.is_summary and task.work_hours is not None:
            own_work[task.pk] = Decimal(task.work_hours)
        else:
            own_work[task.pk] = ZERO
    work = dict(own_work)
    cost = {t.pk: plan.task_costs.get(t.pk, ZERO) for t in tasks}
    for task in reversed(tasks):  # sub-tasks come after their summary in WBS order
        if task.parent_id is not None and task.parent_id in work:
            work[task.parent_id] += work[task.pk]
            cost[task.parent_id] += cost[task.pk]
    rows = tuple(
        PlanRow(
            task_pk=t.pk,
            task_public_id=t.public_id,
            row=t.row,
            wbs_code=t.wbs_code,
            outline_level=t.outline_level,
            name=t.name,
            kind=t.kind,
            is_summary=t.is_summary,
            is_critical=t.is_critical,
            start_at=t.start_at,
            finish_at=t.finish_at,
            duration_minutes=(
                working.minutes(t.start_at, t.finish_at)
                if t.is_summary
                else (0 if t.kind == TaskKind.MILESTONE else t.duration_minutes)
            ),
            work_hours=to_cents(work[t.pk]),
            cost=to_cents(cost[t.pk]),
        )
        for t in tasks
    )
    starts = [t.start_at for t in tasks if t.start_at is not None]
    finishes = [t.finish_at for t in tasks if t.finish_at is not None]
    return PlanSnapshot(
        rows=rows,
        start_at=min(starts) if starts else None,
        finish_at=max(finishes) if finishes else None,
        work_hours=to_cents(sum(own_work.values(), ZERO)),
        cost=to_cents(plan.cost_baseline),
        budget=dict(plan.budget),
    )


def baseline_snapshot(baseline: Baseline) -> PlanSnapshot:
    """What a baseline stored, in the shape of :func:`plan_snapshot`."""
    rows = tuple(
        PlanRow(
            task_pk=bt.task_id,
            task_public_id=bt.task_public_id,
            row=bt.row,
            wbs_code=bt.wbs_code,
            outline_level=bt.outline_level,
            name=bt.name,
            kind=bt.kind,
            is_summary=bt.is_summary,
            is_critical=bt.is_critical,
            start_at=bt.start_at,
            finish_at=bt.finish_at,
            duration_minutes=bt.duration_minutes,
            work_hours=Decimal(bt.work_hours),
            cost=Decimal(bt.cost),
        )
        for bt in baseline.tasks.all()
    )
    return PlanSnapshot(
        rows=rows,
        start_at=baseline.start_at,
        finish_at=baseline.finish_at,
        work_hours=Decimal(baseline.work_hours),
        cost=Decimal(baseline.cost),
        budget=baseline.budget,
    )
