"""What earned value reads from the database, loaded once into arrays (no model objects kept).

:func:`load_records` reads a batch of projects in a constant number of queries: their
calendars (working weekdays, data date), the chosen baseline of each (the latest unless one
is named) and its tasks, the tasks' progress, the approved labour and the recorded costs.
The result, :class:`EvmRecords`, is plain numpy arrays on a daily axis, so the computation
(``control.selectors.evm``) never touches the database and can be timed on its own.

Decisions (see ``docs/architecture.md``, *Control: earned value*):

- **Budget at completion**: the baseline's time-phased cost plan (``budget.subtotal``:
  what the plan phases, without contingency and reserve). Each leaf task's baselined cost
  is spread evenly over the working weekdays of its baselined dates — the cost plan's own
  rule, so the curve matches the budget page's month by month.
- **Costs not tied to a task** (equipment, purchases, budget lines without a task) are
  *level of effort*: planned as the baseline's months say (what the months hold beyond the
  tasks' share) and earned as planned, so they neither help nor hurt SPI.
- **Earned value** = % complete × baselined cost, per leaf task: the physical % complete
  when it is set (above 0), else the duration % complete; a finished task is 100 %. The
  history spreads what a task has earned evenly over the working days from its actual
  start to its actual finish (or the data date), since progress keeps no history of its own.
- **Actual cost**: approved labour (by day and by task, from the summaries approval keeps
  in ``execution.models.labour``) + expenses and invoices (by date,
  category and optional task), up to the data date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

import numpy as np
import numpy.typing as npt
from django.db.models import FloatField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from keystage.costs.models import CostEntry
from keystage.execution.models import (
    ApprovedLabourDay,
    ApprovedLabourTask,
    TimeEntry,
    TimesheetStatus,
)
from keystage.planning.models import Baseline, BaselineTask, ProjectCalendar, Task
from keystage.portfolio.models import Project

LABOUR = "labour"
#: Days of axis kept after the last known date, so a late forecast still has room.
TAIL_DAYS = 7


def _local(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def axis_origin(first: dt.date) -> dt.date:
    """Day 0 of the axis: on or before ``first``, a Monday and on or before its month start,
    so every week and every month boundary falls on a day index ≥ 0."""
    return min(_monday(first), _monday(first.replace(day=1)))


@dataclass(frozen=True)
class TaskRows:
    """Baselined tasks in WBS order (summaries and leaves), as parallel arrays."""

    names: tuple[str, ...]
    wbs_codes: tuple[str, ...]
    levels: npt.NDArray[np.int64]
    summary: npt.NDArray[np.bool_]
    task_pks: npt.NDArray[np.int64]  # -1 when the task was deleted since
    bac: npt.NDArray[np.float64]  # leaves only (summaries 0)
    plan_first: npt.NDArray[np.int64]
    plan_last: npt.NDArray[np.int64]
    progress: npt.NDArray[np.float64]  # 0 … 1
    earn_first: npt.NDArray[np.int64]
    earn_last: npt.NDArray[np.int64]


@dataclass(frozen=True)
class EvmRecords:
    """One project's earned-value inputs on a daily axis starting at ``origin``."""

    project_pk: int
    baseline_pk: int | None
    baseline_number: int | None
    baseline_name: str
    baseline_finish: dt.date | None
    origin: dt.date
    data_date: dt.date
    data_date_set: bool
    working: npt.NDArray[np.bool_]
    tasks: TaskRows
    subtotal: float  # the baseline's phased cost plan: BAC
    contingency: float
    budget_months: tuple[tuple[dt.date, float, Mapping[str, float]], ...]
    budget_categories: Mapping[str, tuple[str, float]]  # key → (label, amount)
    # Actual cost to the data date, three ways: by day (the curve), by task, by category.
    ac_day: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    ac_amount: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    ac_task: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    ac_task_amount: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    ac_category: Mapping[str, float] = field(default_factory=dict)
    unbaselined_tasks: int = 0

    @property
    def days(self) -> int:
        """Length of the daily axis."""
        return len(self.working)

    def index(self, day: dt.date) -> int:
        """The day's index on the axis (may lie outside it)."""
        return (day - self.origin).days

    @property
    def data_index(self) -> int:
        """Index of the data date (progress and costs count up to the end of this day)."""
        return self.index(self.data_date)


@dataclass(frozen=True)
class Actuals:
    """One project's actual cost as read: labour by day and by task (already cut at the
    data date in SQL), and expenses and invoices by date, task and category."""

    labour_by_day: list[tuple[dt.date, float]]
    labour_by_task: list[tuple[int, float]]
    costs: list[tuple[dt.date, float, int, str]]


def _baselines(projects: list[Project], chosen: Mapping[int, Any] | None) -> dict[int, Baseline]:
    """The chosen baseline per project (by public id), else the latest (one query)."""
    pks = [p.pk for p in projects]
    wanted = {pk: ref for pk, ref in (chosen or {}).items() if ref}
    top = (
        Baseline.objects.filter(project_id=OuterRef("project_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    found = {
        b.project_id: b
        for b in Baseline.objects.filter(
            project_id__in=[pk for pk in pks if pk not in wanted], number=Subquery(top)
        )
    }
    if wanted:
        for b in Baseline.objects.filter(project_id__in=list(wanted)):
            if str(b.public_id) == str(wanted[b.project_id]):
                found[b.project_id] = b
    return found


def _approved_labour(
    pks: list[int], cuts: Mapping[int, dt.date]
) -> tuple[dict[int, list[tuple[dt.date, float]]], dict[int, list[tuple[int, float]]]]:
    """Approved labour cost per project, by day and by task, up to each project's cut, in
    three queries: the days before the cut, the tasks' totals, and the few approved entries
    after the cut, which are taken away from their tasks' totals (in exact cents)."""
    by_day: dict[int, list[tuple[dt.date, float]]] = {pk: [] for pk in pks}
    sharing: dict[dt.date, list[int]] = {}
    for pk in pks:  # one condition per distinct cut (most share today), not per project
        sharing.setdefault(cuts[pk], []).append(pk)
    upto = Q()
    after = Q()
    for cut, ids in sorted(sharing.items()):  # the (project, day) indexes serve
        upto |= Q(project_id__in=ids, day__lte=cut)
        after |= Q(project_id__in=ids, day__gt=cut)
    for d in (
        ApprovedLabourDay.objects.filter(upto, centihours__gt=0)
        .order_by("project_id", "day")
        .values_list("project_id", "day", "cents")
    ):
        by_day[d[0]].append((d[1], d[2] / 100))
    late: dict[tuple[int, int], tuple[int, int]] = {
        (r["project_id"], r["task_id"]): (_cents(r["a"]), _cents(r["h"]))
        for r in TimeEntry.objects.filter(after, timesheet__status=TimesheetStatus.APPROVED)
        .order_by()
        .values("project_id", "task_id")
        .annotate(a=Sum("amount"), h=Sum("hours"))
    }
    by_task: dict[int, list[tuple[int, float]]] = {pk: [] for pk in pks}
    for project_id, task_id, cents, centihours in (
        ApprovedLabourTask.objects.filter(project_id__in=pks, centihours__gt=0)
        .order_by("project_id", "task_id")
        .values_list("project_id", "task_id", "cents", "centihours")
    ):
        later_cents, later_hours = late.get((project_id, task_id), (0, 0))
        if centihours > later_hours:  # some of its approved time lies before the cut
            by_task[project_id].append((task_id, (cents - later_cents) / 100))
    return by_day, by_task


def _cents(value: Decimal | None) -> int:
    return int(((value or Decimal(0)) * 100).to_integral_value())


def _month(text: str) -> dt.date:
    year, month = text.split("-")
    return dt.date(int(year), int(month), 1)


def load_records(
    projects: Iterable[Project],
    *,
    baselines: Mapping[int, Any] | None = None,
    today: dt.date | None = None,
) -> dict[int, EvmRecords | None]:
    """Earned-value inputs of each project (None without a baseline), in nine queries.

    ``baselines`` maps a project pk to the public id of the baseline to measure against
    (the latest by default); an unknown id counts as no baseline.
    """
    projects = list(projects)
    today = today or timezone.localdate()
    pks = [p.pk for p in projects]
    if not pks:
        return {}
    chosen = _baselines(projects, baselines)
    calendars: dict[int, dict[str, Any]] = {
        c["project_id"]: dict(c)
        for c in ProjectCalendar.objects.filter(project_id__in=pks).values(
            "project_id", "working_weekdays", "data_date"
        )
    }
    rows_by_baseline: dict[int, list[dict[str, Any]]] = {b.pk: [] for b in chosen.values()}
    zone = timezone.get_current_timezone()
    for row in (
        BaselineTask.objects.filter(baseline_id__in=list(rows_by_baseline))
        .order_by("baseline_id", "row")
        .annotate(
            amount=Cast("cost", FloatField()),  # no Decimal per row
            # the local days, from the database: no aware datetime built per row
            start=TruncDate("start_at", tzinfo=zone),
            finish=TruncDate("finish_at", tzinfo=zone),
        )
        .values(
            "baseline_id",
            "task_id",
            "name",
            "wbs_code",
            "outline_level",
            "is_summary",
            "start",
            "finish",
            "amount",
        )
    ):
        rows_by_baseline[row["baseline_id"]].append(cast(dict[str, Any], row))
    progress: dict[int, dict[str, Any]] = {}
    current: dict[int, int] = {}
    for t in Task.objects.filter(project_id__in=pks, is_summary=False).values(
        "pk",
        "project_id",
        "percent_complete",
        "physical_percent_complete",
        "actual_start",
        "actual_finish",
    ):
        progress[t["pk"]] = cast(dict[str, Any], t)
        current[t["project_id"]] = current.get(t["project_id"], 0) + 1
    # Approved labour up to each project's data date (today without one), from the
    # summaries approval keeps (execution.models.labour), never entry by entry.
    cuts = {pk: calendars.get(pk, {}).get("data_date") or today for pk in pks}
    by_day, by_task = _approved_labour(pks, cuts)
    costs: dict[int, list[tuple[dt.date, float, int, str]]] = {pk: [] for pk in pks}
    for c in (
        CostEntry.objects.filter(project_id__in=pks)
        .values("project_id", "date", "task_id", "category")
        .annotate(a=Sum("amount"))
        .order_by()
    ):
        costs[c["project_id"]].append(
            (c["date"], float(c["a"] or 0), c["task_id"] or -1, c["category"])
        )

    out: dict[int, EvmRecords | None] = {}
    for project in projects:
        baseline = chosen.get(project.pk)
        if baseline is None:
            out[project.pk] = None
            continue
        calendar: dict[str, Any] = dict(calendars.get(project.pk) or {})
        data_date = calendar.get("data_date") or today
        out[project.pk] = _assemble(
            project,
            baseline,
            rows_by_baseline.get(baseline.pk, []),
            progress,
            Actuals(by_day[project.pk], by_task[project.pk], costs[project.pk]),
            weekdays=calendar.get("working_weekdays") or "12345",
            data_date=data_date,
            data_date_set=calendar.get("data_date") is not None,
            current_tasks=current.get(project.pk, 0),
        )
    return out


def _assemble(
    project: Project,
    baseline: Baseline,
    rows: list[dict[str, Any]],
    progress: Mapping[int, Mapping[str, Any]],
    actual: Actuals,
    *,
    weekdays: str,
    data_date: dt.date,
    data_date_set: bool,
    current_tasks: int,
) -> EvmRecords:
    budget = baseline.budget or {}
    months = tuple(
        (
            _month(m["month"]),
            float(m.get("amount", 0)),
            {k: float(v) for k, v in (m.get("by_category") or {}).items()},
        )
        for m in budget.get("months", [])
    )
    starts: list[dt.date | None] = [r["start"] for r in rows]
    finishes: list[dt.date | None] = [r["finish"] for r in rows]
    known = [d for d in (*starts, *finishes) if d is not None]
    known += [project.start_date, data_date]
    if actual.labour_by_day:
        known += [min(d for d, _ in actual.labour_by_day), max(d for d, _ in actual.labour_by_day)]
    known += [c[0] for c in actual.costs]
    if months:
        known += [months[0][0], _next_month(months[-1][0]) - dt.timedelta(days=1)]
    origin = axis_origin(min(known))
    last = max(known) + dt.timedelta(days=TAIL_DAYS)
    days = (last - origin).days + 1
    iso = {int(c) for c in weekdays if c.isdigit()}
    weekday_of_origin = origin.isoweekday()
    working = np.array([((weekday_of_origin - 1 + d) % 7) + 1 in iso for d in range(7)])
    working = np.resize(working, days)

    n = len(rows)
    fallback = _local(baseline.start_at) or project.start_date
    plan_first = np.array([((s or fallback) - origin).days for s in starts], dtype=np.int64)
    plan_last = np.array(
        [((f or s or fallback) - origin).days for s, f in zip(starts, finishes, strict=True)],
        dtype=np.int64,
    )
    plan_last = np.maximum(plan_last, plan_first)
    summary = np.array([bool(r["is_summary"]) for r in rows], dtype=bool)
    bac = np.array([0.0 if r["is_summary"] else float(r["amount"] or 0) for r in rows])
    task_pks = np.array([r["task_id"] or -1 for r in rows], dtype=np.int64)
    share = np.zeros(n)
    earn_first = plan_first.copy()
    earn_last = plan_first.copy()
    data_index = (data_date - origin).days
    for i, r in enumerate(rows):  # one pass over the tasks, not per period
        t = progress.get(r["task_id"]) if r["task_id"] else None
        if t is None or r["is_summary"]:
            continue
        percent = t["physical_percent_complete"] or t["percent_complete"] or 0
        if t["actual_finish"] is not None:
            percent = 100
        share[i] = percent / 100
        begun = t["actual_start"] or (starts[i] or fallback)
        ended = t["actual_finish"] or data_date
        earn_first[i] = min((begun - origin).days, data_index)
        earn_last[i] = max(min((ended - origin).days, data_index), earn_first[i])
    budget_categories = {
        c["key"]: (str(c.get("label", c["key"])), float(c.get("amount", 0)))
        for c in budget.get("categories", [])
    }
    costs = [c for c in actual.costs if c[0] <= data_date]
    days_ac = [(d, a) for d, a in actual.labour_by_day] + [(c[0], c[1]) for c in costs]
    tasks_ac = list(actual.labour_by_task) + [(c[2], c[1]) for c in costs if c[2] >= 0]
    by_category: dict[str, float] = {}
    labour_total = sum(a for _, a in actual.labour_by_day)
    if labour_total:
        by_category[LABOUR] = labour_total
    for c in costs:
        by_category[c[3]] = by_category.get(c[3], 0.0) + c[1]
    return EvmRecords(
        project_pk=project.pk,
        baseline_pk=baseline.pk,
        baseline_number=baseline.number,
        baseline_name=baseline.name,
        baseline_finish=_local(baseline.finish_at),
        origin=origin,
        data_date=data_date,
        data_date_set=data_date_set,
        working=working,
        tasks=TaskRows(
            names=tuple(r["name"] for r in rows),
            wbs_codes=tuple(r["wbs_code"] for r in rows),
            levels=np.array([r["outline_level"] for r in rows], dtype=np.int64),
            summary=summary,
            task_pks=task_pks,
            bac=bac,
            plan_first=plan_first,
            plan_last=plan_last,
            progress=share,
            earn_first=earn_first,
            earn_last=earn_last,
        ),
        subtotal=float(Decimal(budget.get("subtotal", "0") or "0")) or float(bac.sum()),
        contingency=float(Decimal(budget.get("contingency", "0") or "0")),
        budget_months=months,
        budget_categories=budget_categories,
        ac_day=np.array([(d - origin).days for d, _ in days_ac], dtype=np.int64),
        ac_amount=np.array([a for _, a in days_ac], dtype=np.float64),
        ac_task=np.array([t for t, _ in tasks_ac], dtype=np.int64),
        ac_task_amount=np.array([a for _, a in tasks_ac], dtype=np.float64),
        ac_category=by_category,
        unbaselined_tasks=max(current_tasks - int(np.count_nonzero((task_pks >= 0) & ~summary)), 0),
    )


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
