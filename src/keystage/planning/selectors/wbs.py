"""Reads of the work breakdown; every queryset starts from the project chokepoint."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from keystage.core.errors import NotFound
from keystage.core.lookup import get_by_public_id
from keystage.engine.money import CENT, round_to
from keystage.planning import engine
from keystage.planning.models import Assignment, Dependency, Holiday, ProjectCalendar, Task
from keystage.planning.selectors.assignments import assignment_hours
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project


def tasks_visible_to(who: Any) -> QuerySet[Task]:
    """Tasks of projects the user may see."""
    return Task.objects.filter(project__in=projects_visible_to(who))


def dependencies_visible_to(who: Any) -> QuerySet[Dependency]:
    """Dependencies of projects the user may see."""
    return Dependency.objects.filter(project__in=projects_visible_to(who))


def task_list(*, who: Any, project: Project) -> QuerySet[Task]:
    """The project's tasks in WBS order, with their parents' ids (one query)."""
    return tasks_visible_to(who).filter(project=project).select_related("parent").order_by("row")


def task_get(*, who: Any, project: Project, task_id: Any) -> Task:
    """One task of the project, or NotFound."""
    try:
        return get_by_public_id(task_list(who=who, project=project), task_id)
    except NotFound:
        raise NotFound("No such task in this project.") from None


def first_subtask(*, who: Any, project: Project, task: Task) -> Task | None:
    """The first child of a summary task (None for a plain task)."""
    children = tasks_visible_to(who).filter(project=project, parent=task)
    return children.order_by("position", "id").first()


def dependency_list(*, who: Any, project: Project) -> QuerySet[Dependency]:
    """The project's dependencies, with both tasks (one query)."""
    return (
        dependencies_visible_to(who)
        .filter(project=project)
        .select_related("predecessor", "successor")
        .order_by("successor__row", "predecessor__row")
    )


def dependency_get(*, who: Any, project: Project, dependency_id: Any) -> Dependency:
    """One dependency of the project, or NotFound."""
    try:
        return get_by_public_id(dependency_list(who=who, project=project), dependency_id)
    except NotFound:
        raise NotFound("No such dependency in this project.") from None


# ------------------------------------------------------------------ the plan table


@dataclass
class PlanRow:
    """One row of the plan table: the task and what the table derives for it."""

    task: Task
    predecessors: str  # MS Project notation, e.g. "3, 5SS+2d"
    duration_minutes: int  # a summary's working span from its start to its finish
    work_hours: Decimal | None  # a summary's is the sum of its sub-tasks'
    late: bool  # finishes after its deadline


@dataclass
class PlanTable:
    """The whole work breakdown as the table page shows it."""

    rows: list[PlanRow]
    minutes_per_day: int
    start_at: dt.datetime | None
    finish_at: dt.datetime | None
    critical_count: int
    calendar: ProjectCalendar | None
    holidays: list[Holiday]


def _trim(value: Decimal) -> str:
    text = f"{round_to(value, CENT):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def duration_text(minutes: int, minutes_per_day: int) -> str:
    """Working minutes as MS Project shows a duration: ``5d``, ``2.5d``, ``0d``."""
    return f"{_trim(Decimal(minutes) / Decimal(minutes_per_day))}d"


def link_words(kind: str, lag: int, most: int | None, minutes_per_day: int) -> str:
    """A link as a sentence writes it: ``FS +1 d, at most 3 d`` (``FS`` without a lag,
    no ``at most`` without a maximum), in the units of :func:`lag_text`."""

    def spaced(minutes: int) -> str:
        text = lag_text(minutes, minutes_per_day)
        return f"{text[:-1]} {text[-1]}"  # "+1d" -> "+1 d"

    text = kind + (f" {spaced(lag)}" if lag else "")
    return text + (f", at most {spaced(most).lstrip('+')}" if most is not None else "")


def lag_text(minutes: int, minutes_per_day: int) -> str:
    """A lag in the largest unit that writes it exactly: ``+2d``, ``-4h``, ``+30m``."""
    sign = "-" if minutes < 0 else "+"
    size = abs(minutes)
    days = Decimal(size) / Decimal(minutes_per_day)
    if size % minutes_per_day == 0:
        return f"{sign}{size // minutes_per_day}d"
    if size % 60 == 0 and size < minutes_per_day:
        return f"{sign}{size // 60}h"
    if days == round_to(days, CENT):
        return f"{sign}{_trim(days)}d"
    if size % 60 == 0:
        return f"{sign}{size // 60}h"
    return f"{sign}{size}m"


def predecessor_text(
    row: int, link_type: str, lag_minutes: int, minutes_per_day: int, max_lag: int | None = None
) -> str:
    """One predecessor in MS Project notation: ``3`` (plain finish-to-start), ``5SS+2d``;
    a maximum lag follows as ``max 3d`` (``5FS+1d max 3d``, ``3 max 0d``), which MS
    Project lacks."""
    most = "" if max_lag is None else f" max {lag_text(max_lag, minutes_per_day).lstrip('+')}"
    if link_type == "FS" and lag_minutes == 0:
        return f"{row}{most}"
    return f"{row}{link_type}{lag_text(lag_minutes, minutes_per_day) if lag_minutes else ''}{most}"


def plan_table(*, who: Any, project: Project) -> PlanTable:
    """Every task of the project in WBS order, with predecessors, summary spans and work.

    A constant number of queries whatever the plan's size: the tasks, the links (with their
    predecessors' row numbers), the calendar and its holidays.
    """
    tasks = list(tasks_visible_to(who).filter(project=project).order_by("row", "id"))
    calendar = ProjectCalendar.objects.filter(project=project).first()
    holidays = list(Holiday.objects.filter(project=project))
    per_day = engine.minutes_per_day(calendar)
    preds: dict[int, list[str]] = defaultdict(list)
    links = (
        dependencies_visible_to(who)
        .filter(project=project)
        .order_by("predecessor__row", "id")
        .values_list("successor_id", "predecessor__row", "type", "lag_minutes", "max_lag_minutes")
    )
    for successor_id, row, link_type, lag, most in links:
        preds[successor_id].append(predecessor_text(row, link_type, lag, per_day, most))
    summaries = [t for t in tasks if t.is_summary and t.start_at and t.finish_at]
    spans = engine.working_spans(
        engine.engine_calendar(calendar, holidays),
        [(t.start_at, t.finish_at) for t in summaries],  # type: ignore[misc]
    )
    span_of = {t.pk: span for t, span in zip(summaries, spans, strict=True)}
    work = _rolled_up_work(tasks, _assigned_work(project, tasks))
    rows = [
        PlanRow(
            task=t,
            predecessors=", ".join(preds.get(t.pk, [])),
            duration_minutes=span_of.get(t.pk, 0) if t.is_summary else t.duration_minutes,
            work_hours=work.get(t.pk),
            late=bool(t.deadline and t.finish_at and timezone.localdate(t.finish_at) > t.deadline),
        )
        for t in tasks
    ]
    starts = [t.start_at for t in tasks if t.start_at]
    finishes = [t.finish_at for t in tasks if t.finish_at]
    return PlanTable(
        rows=rows,
        minutes_per_day=per_day,
        start_at=min(starts, default=None),
        finish_at=max(finishes, default=None),
        critical_count=sum(1 for t in tasks if t.is_critical and not t.is_summary),
        calendar=calendar,
        holidays=holidays,
    )


def _assigned_work(project: Project, tasks: list[Task]) -> dict[int, Decimal]:
    """The hours of the people assigned to each task (one query), as the assignments page."""
    by_pk = {t.pk: t for t in tasks}
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for a in Assignment.objects.filter(project=project).only(
        "task_id", "work_hours", "units_percent"
    ):
        task = by_pk.get(a.task_id)
        if task is not None:
            hours[a.task_id] += assignment_hours(a, task)
    return hours


def _rolled_up_work(
    tasks: list[Task], assigned: dict[int, Decimal] | None = None
) -> dict[int, Decimal | None]:
    """Each task's work: its people's assigned hours, else its own estimate; a summary's is
    the sum over its sub-tasks (None when there is neither)."""
    assigned = assigned or {}
    work: dict[int, Decimal | None] = {
        t.pk: assigned.get(t.pk, t.work_hours) for t in tasks if not t.is_summary
    }
    for task in sorted(tasks, key=lambda t: -t.outline_level):
        if task.parent_id is None:
            continue
        own = work.get(task.pk)
        if own is not None:
            above = work.get(task.parent_id)
            work[task.parent_id] = own + (above or Decimal("0"))
        else:
            work.setdefault(task.parent_id, None)
    return work


def calendar_get(*, who: Any, project: Project) -> ProjectCalendar | None:
    """The project's calendar if one was saved (the defaults apply otherwise)."""
    visible = projects_visible_to(who)
    return ProjectCalendar.objects.filter(project__in=visible, project=project).first()


def holiday_list(*, who: Any, project: Project) -> QuerySet[Holiday]:
    """The project's holidays, by date."""
    return Holiday.objects.filter(project__in=projects_visible_to(who), project=project)


def holiday_get(*, who: Any, project: Project, holiday_id: Any) -> Holiday:
    """One holiday of the project, or NotFound."""
    try:
        return get_by_public_id(holiday_list(who=who, project=project), holiday_id)
    except NotFound:
        raise NotFound("No such holiday in this project.") from None
