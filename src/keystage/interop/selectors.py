"""Reads for export: a project from the database as a :class:`PlanDocument` and as tables.

The schedule comes from planning's engine adapter (the same rows → engine mapping the
app schedules with), so a plan exported as TOML or MSPDI schedules to the app's dates.
The document adds the people assigned (as work resources with their cost rate), their
assignments (units, planned and actual work), the baselines (up to eleven, oldest
first, as MS Project numbers them), WBS codes and notes.

The ``*_of`` functions take a project already read through the chokepoint (or the
command line acting as the system); :func:`plan_document` and :func:`export_tables`
check that ``who`` may see it. Every query filters on the one project.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast

from django.db.models import Sum
from django.utils import timezone

from keystage.accounts.models import User
from keystage.costs.selectors import CATEGORY_LABELS, cost_plan
from keystage.engine.interchange import Assignment as DocAssignment
from keystage.engine.interchange import PlanDocument, Resource
from keystage.engine.network import Activity, BaselineEntry
from keystage.engine.network import Baseline as EngineBaseline
from keystage.engine.network import Project as EngineProject
from keystage.execution.models import TimeEntry
from keystage.execution.selectors.timesheets import entries_visible_to
from keystage.planning import engine as planning_engine
from keystage.planning.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Dependency,
    Holiday,
    ProjectCalendar,
    Task,
)
from keystage.planning.selectors.assignments import planned_hours
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get
from keystage.resources.models import ResourceProfile
from keystage.risks.models import Risk

MAX_BASELINES = 11  # MS Project keeps Baseline and Baseline1 … Baseline10
Cell = str | int | float | Decimal | dt.date | dt.datetime | None


@dataclass(frozen=True)
class Table:
    """One sheet (XLSX) or one file (CSV): a title, headers and typed rows."""

    name: str  # sheet name and CSV file stem, e.g. "Tasks"
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[int, ...] = ()  # column widths in characters (XLSX)


def _naive(value: dt.datetime | None) -> dt.datetime | None:
    """A stored instant as the site's local wall-clock time (what the pages show)."""
    if value is None:
        return None
    return timezone.make_naive(value) if timezone.is_aware(value) else value


#: The task columns the engine adapter and the document read (no model per row: an
#: export of 10,000 tasks spent most of its read building instances and converting the
#: nine stored schedule dates it does not use).
TASK_COLUMNS = (
    "id", "name", "is_summary", "kind", "duration_minutes", "parent_id", "constraint_type",
    "constraint_date", "deadline", "fixed_cost", "actual_start", "actual_finish",
    "percent_complete", "remaining_minutes", "wbs_code", "notes",
)  # fmt: skip


def _task_rows(project: Project) -> list[Any]:
    """The project's tasks in WBS order as light rows carrying :data:`TASK_COLUMNS`."""
    rows = Task.objects.filter(project=project).order_by("row", "id").values(*TASK_COLUMNS)
    return [SimpleNamespace(pk=row["id"], **row) for row in rows]


def plan_document_of(project: Project) -> PlanDocument:
    """The project as an interchange document (the caller has checked access)."""
    tasks = _task_rows(project)
    calendar_row = ProjectCalendar.objects.filter(project=project).first()
    calendar = planning_engine.engine_calendar(
        calendar_row, Holiday.objects.filter(project=project)
    )
    dependencies = [
        SimpleNamespace(
            predecessor_id=pred, successor_id=succ, type=kind, lag_minutes=lag, max_lag_minutes=most
        )
        for pred, succ, kind, lag, most in Dependency.objects.filter(project=project).values_list(
            "predecessor_id", "successor_id", "type", "lag_minutes", "max_lag_minutes"
        )
    ]
    data_date = calendar_row.data_date if calendar_row else None
    plan = planning_engine.engine_project(
        project.start_date, tasks, cast("list[Dependency]", dependencies), calendar, data_date
    )
    if calendar_row is not None and calendar_row.name:
        plan = _renamed_calendar(plan, calendar_row.name)
    assignments = list(
        Assignment.objects.filter(project=project)
        .order_by("task__row", "person__username", "id")
        .values(
            "task_id", "person_id", "units_percent", "work_hours", "task__duration_minutes",
            "task__is_summary",
        )
    )  # fmt: skip
    people = {p.pk: p for p in User.objects.filter(pk__in={a["person_id"] for a in assignments})}
    rates = dict(
        ResourceProfile.objects.filter(user_id__in=people).values_list("user_id", "cost_rate")
    )
    resources = tuple(
        Resource(
            id=person.username,
            name=person.display_name,
            standard_rate=Decimal(rates.get(pk) or 0),
            email=person.email,
        )
        for pk, person in sorted(people.items(), key=lambda kv: kv[1].username)
    )
    actual = {
        (row["task_id"], row["person_id"]): row["hours"]
        for row in TimeEntry.objects.filter(project=project)
        .values("task_id", "person_id")
        .annotate(hours=Sum("hours"))
    }
    doc_assignments = []
    work: dict[str, float] = defaultdict(float)
    for a in assignments:
        hours = planned_hours(a["work_hours"], a["task__duration_minutes"], a["units_percent"])
        work[str(a["task_id"])] += float(hours)
        if a["task__is_summary"]:
            continue
        done = Decimal(actual.get((a["task_id"], a["person_id"])) or 0)
        doc_assignments.append(
            DocAssignment(
                activity=str(a["task_id"]),
                resource=people[a["person_id"]].username,
                units=a["units_percent"] / 100,
                work=round(hours * 60),
                actual_work=round(done * 60),
            )
        )
    activities = tuple(
        act if act.id not in work else _with_work(act, work[act.id]) for act in plan.activities
    )
    plan = replace(plan, activities=activities, baselines=_baselines(project, plan.index))
    return PlanDocument(
        title=f"{project.code} {project.name}",
        plan=plan,
        resources=resources,
        assignments=tuple(doc_assignments),
        currency=project.organisation.currency,
        source_format="keystage",
        outline_codes={str(t.pk): t.wbs_code for t in tasks if t.wbs_code},
        notes={str(t.pk): t.notes for t in tasks if t.notes},
    )


def _with_work(act: Activity, hours: float) -> Activity:
    return replace(act, work=round(hours, 2))


def _renamed_calendar(plan: EngineProject, name: str) -> EngineProject:
    return replace(plan, calendars=tuple(replace(c, name=name) for c in plan.calendars))


def _baselines(project: Project, index: dict[str, int]) -> tuple[EngineBaseline, ...]:
    """The project's baselines, oldest first (at most eleven), entries of tasks still there."""
    chosen = list(Baseline.objects.filter(project=project).order_by("-number")[:MAX_BASELINES])
    chosen.reverse()
    rows: dict[int, list[BaselineEntry]] = defaultdict(list)
    for baseline_id, task_id, start_at, finish_at, minutes in (
        BaselineTask.objects.filter(baseline__in=chosen, task__isnull=False)
        .order_by("baseline_id", "row")
        .values_list("baseline_id", "task_id", "start_at", "finish_at", "duration_minutes")
    ):
        start, finish = _naive(start_at), _naive(finish_at)
        if str(task_id) in index and start is not None and finish is not None:
            rows[baseline_id].append(BaselineEntry(str(task_id), start, finish, minutes))
    return tuple(EngineBaseline(b.name, tuple(rows[b.pk])) for b in chosen)


def plan_document(*, who: Any, project_id: Any) -> PlanDocument:
    """The plan document of a project ``who`` may see (NotFound otherwise)."""
    return plan_document_of(project_get(who=who, project_id=project_id))


# ------------------------------------------------------------------------ tables


def _task_table(project: Project) -> Table:
    tasks = list(Task.objects.filter(project=project).order_by("row", "id"))
    names: dict[int, list[str]] = defaultdict(list)
    for a in (
        Assignment.objects.filter(project=project)
        .select_related("person")
        .order_by("person__username", "id")
    ):
        names[a.task_id].append(f"{a.person.display_name} [{a.units_percent} %]")
    rows = tuple(
        (
            t.wbs_code,
            ("    " * (t.outline_level - 1)) + t.name,
            "summary" if t.is_summary else t.kind,
            _naive(t.start_at),
            _naive(t.finish_at),
            round(t.duration_minutes / 60, 2) if not t.is_summary else None,
            round(t.total_float_minutes / 60, 2) if t.total_float_minutes is not None else None,
            "yes" if t.is_critical else "",
            ", ".join(names.get(t.pk, ())),
            t.percent_complete,
            t.actual_start,
            t.actual_finish,
        )
        for t in tasks
    )
    headers = (
        "WBS", "Name", "Kind", "Start", "Finish", "Duration (h)", "Total float (h)",
        "Critical", "Assignments", "% complete", "Actual start", "Actual finish",
    )  # fmt: skip
    return Table("Tasks", headers, rows, (10, 44, 10, 18, 18, 12, 14, 9, 40, 11, 13, 13))


def _budget_table(project: Project) -> Table:
    plan = cost_plan(project=project)
    keys = [k for k in CATEGORY_LABELS if plan.phased.by_category.get(k)]
    headers = ("Month", *(CATEGORY_LABELS[k] for k in keys), "Contingency", "Total", "Cumulative")
    rows: list[tuple[Cell, ...]] = []
    for i, month in enumerate(plan.phased.months):
        by = plan.phased.by_month.get(month, {})
        rows.append(
            (
                month,
                *(by.get(k, Decimal(0)) for k in keys),
                plan.month_contingency[i],
                plan.month_baseline[i],
                plan.cumulative_baseline[i],
            )
        )
    widths = (12, *(16 for _ in keys), 14, 14, 14)
    return Table("Budget by month", headers, tuple(rows), widths)


def _timesheet_table(entries: Any) -> Table:
    rows = tuple(
        (
            e.day,
            e.person.display_name,
            e.task.wbs_code,
            e.task.name,
            e.hours,
            e.timesheet.status,
            e.note,
        )
        for e in entries.order_by("day", "task__row", "person__username", "id")
    )
    headers = ("Day", "Person", "WBS", "Task", "Hours", "Status", "Note")
    return Table("Timesheets", headers, rows, (12, 24, 10, 40, 8, 12, 40))


def _risk_table(project: Project) -> Table:
    risks = (
        Risk.objects.filter(project=project)
        .select_related("owner")
        .prefetch_related("responses")
        .order_by("number")
    )
    rows = tuple(
        (
            r.key,
            r.title,
            r.get_category_display(),
            r.get_status_display(),
            r.owner.display_name if r.owner else "",
            r.probability,
            r.schedule_likely,
            r.cost_likely,
            r.proximity,
            r.cause,
            r.event,
            r.effect,
            "; ".join(f"{x.get_strategy_display()}: {x.description}" for x in r.responses.all()),
        )
        for r in risks
    )
    headers = (
        "Risk", "Title", "Category", "Status", "Owner", "Probability", "Schedule impact (d)",
        "Cost impact", "Proximity", "Cause", "Event", "Effect", "Responses",
    )  # fmt: skip
    return Table(
        "Risk register", headers, rows, (8, 36, 14, 11, 22, 11, 12, 12, 12, 30, 30, 30, 40)
    )


def tables_of(project: Project, entries: Any) -> tuple[Table, ...]:
    """Tasks, budget by month, timesheets (the given entries) and, when any, the risks."""
    tables = [_task_table(project), _budget_table(project), _timesheet_table(entries)]
    if Risk.objects.filter(project=project).exists():
        tables.append(_risk_table(project))
    return tuple(tables)


def export_tables(*, who: Any, project_id: Any) -> tuple[Project, tuple[Table, ...]]:
    """The project's tables as ``who`` may read them (their own time unless they approve it)."""
    project = project_get(who=who, project_id=project_id)
    return project, tables_of(project, entries_visible_to(who, project))


def all_entries(project: Project) -> Any:
    """Every time entry of the project (the command line acts as the system)."""
    return TimeEntry.objects.filter(project=project).select_related("task", "person", "timesheet")
