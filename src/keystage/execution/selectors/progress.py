"""Reads of progress: a project's tasks with their status and rolled-up percent, and the
tasks one person works on across their projects (the *My work* page builds on it).

Every read starts from the project chokepoint (``projects_visible_to``); summaries'
percent complete is the duration-weighted roll-up of their sub-tasks
(:func:`keystage.engine.progress.rollup_percent`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keystage.accounts.roles import Perm
from keystage.core.errors import NotFound
from keystage.core.lookup import get_by_public_id
from keystage.engine.progress import ProgressRow, rollup_percent
from keystage.planning.models import (
    Assignment,
    BaselineTask,
    ProjectCalendar,
    Task,
    TaskStatus,
)
from keystage.portfolio.access import access_project, project_perms, projects_visible_to
from keystage.portfolio.models import Project


@dataclass(frozen=True, slots=True)
class TaskProgress:
    """One task's progress as pages and the API show it."""

    task: Task
    status: str
    percent_complete: float  # rolled up for summaries
    remaining_work_hours: Decimal | None
    slipped: bool  # finishes later than in the latest baseline
    editable: bool  # whether the reader may record progress on it

    @property
    def status_label(self) -> str:
        """ "Not started", "In progress" or "Done"."""
        return str(TaskStatus(self.status).label)


@dataclass(frozen=True, slots=True)
class ProjectProgress:
    """A project's progress: its data date (and the calendar's version) and every task."""

    project: Project
    data_date: dt.date | None
    calendar_version: int | None
    tasks: tuple[TaskProgress, ...]
    can_set_data_date: bool

    @property
    def counts(self) -> dict[str, int]:
        """Leaf tasks per status, and how many slipped."""
        leaves = [t for t in self.tasks if not t.task.is_summary]
        out = {s: sum(1 for t in leaves if t.status == s) for s in TaskStatus.values}
        out["slipped"] = sum(1 for t in leaves if t.slipped)
        return out


def remaining_work(task: Task, percent: float) -> Decimal | None:
    """Planned work left: the task's work hours × (100 − % complete), None without work."""
    if task.work_hours is None:
        return None
    return (task.work_hours * Decimal(str(100 - percent)) / 100).quantize(Decimal("0.01"))


def _day(value: dt.datetime) -> dt.date:
    return (timezone.localtime(value) if timezone.is_aware(value) else value).date()


def baseline_finishes(task_ids: Iterable[int]) -> dict[int, dt.date]:
    """Each task's finish day in the latest baseline that holds it (one query)."""
    best: dict[int, tuple[int, dt.date]] = {}
    rows = BaselineTask.objects.filter(task_id__in=list(task_ids), finish_at__isnull=False)
    for task_id, number, finish in rows.values_list("task_id", "baseline__number", "finish_at"):
        if finish is not None and (task_id not in best or number > best[task_id][0]):
            best[task_id] = (number, _day(finish))
    return {task_id: day for task_id, (_, day) in best.items()}


def slipped(task: Task, baseline_finish: dt.date | None) -> bool:
    """Whether a task finishes (or finished) later than in the latest baseline.

    Without a baseline nothing counts as slipped: the current schedule is the plan.
    """
    if baseline_finish is None or task.is_summary:
        return False
    if task.actual_finish is not None:
        return task.actual_finish > baseline_finish
    return task.finish_at is not None and _day(task.finish_at) > baseline_finish


def project_progress(*, who: Any, project_id: Any) -> ProjectProgress:
    """Every task of the project in WBS order with its progress (three queries)."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    calendar = ProjectCalendar.objects.filter(project=project).first()
    data_date = calendar.data_date if calendar else None
    tasks = list(Task.objects.filter(project=project).order_by("row", "id"))
    perms = project_perms(who, project)
    mine = set(
        Assignment.objects.filter(project=project, person_id=who.pk).values_list(
            "task_id", flat=True
        )
    )
    percents = rollup_percent(
        [
            ProgressRow(
                str(t.pk),
                str(t.parent_id) if t.parent_id else None,
                t.duration_minutes,
                float(t.percent_complete),
                t.is_summary,
            )
            for t in tasks
        ]
    )
    planned = baseline_finishes(t.pk for t in tasks)
    rows = tuple(
        TaskProgress(
            task=t,
            status=_rolled_status(t, percents[str(t.pk)]),
            percent_complete=percents[str(t.pk)],
            remaining_work_hours=remaining_work(t, percents[str(t.pk)]),
            slipped=slipped(t, planned.get(t.pk)),
            editable=not t.is_summary
            and (Perm.EDIT in perms or (Perm.RECORD_WORK in perms and t.pk in mine)),
        )
        for t in tasks
    )
    return ProjectProgress(
        project=project,
        data_date=data_date,
        calendar_version=calendar.version if calendar else None,
        tasks=rows,
        can_set_data_date=Perm.EDIT in perms,
    )


def _rolled_status(task: Task, percent: float) -> str:
    if not task.is_summary:
        return task.progress_status
    if percent >= 100:
        return TaskStatus.DONE
    return TaskStatus.IN_PROGRESS if percent > 0 else TaskStatus.NOT_STARTED


def tasks_for_person(
    who: Any, *, include_done: bool = False, project_id: Any = None
) -> list[TaskProgress]:
    """The tasks ``who`` is assigned to across the projects they see, overdue first.

    Then by planned finish. Done tasks are left out unless ``include_done``; a
    ``project_id`` narrows to one project. Two queries, and two per project for the rights.
    """
    assignments = Assignment.objects.filter(
        person_id=who.pk, project__in=projects_visible_to(who), task__is_summary=False
    )
    if project_id is not None:
        assignments = assignments.filter(project__public_id=project_id)
    if not include_done:
        assignments = assignments.filter(task__actual_finish__isnull=True)
    tasks = [
        a.task
        for a in assignments.select_related("task", "task__project").order_by("task__finish_at")
    ]
    planned = baseline_finishes(t.pk for t in tasks)
    perms: dict[int, frozenset[str]] = {}
    rows = []
    for task in tasks:
        if task.project_id not in perms:
            perms[task.project_id] = project_perms(who, task.project)
        late = slipped(task, planned.get(task.pk))
        rows.append(
            TaskProgress(
                task=task,
                status=task.progress_status,
                percent_complete=float(task.percent_complete),
                remaining_work_hours=remaining_work(task, float(task.percent_complete)),
                slipped=late,
                editable=Perm.RECORD_WORK in perms[task.project_id],
            )
        )
    rows.sort(key=lambda r: (not r.slipped,))  # stable: overdue first, then by finish
    return rows


def progress_task(*, who: Any, task_id: Any, project_id: Any = None) -> Task:
    """One task (with its project) if ``who`` may see it, else NotFound; ``project_id``
    narrows the lookup to that project."""
    tasks = Task.objects.filter(project__in=projects_visible_to(who)).select_related("project")
    if project_id is not None:
        try:
            project_uuid = uuid.UUID(str(project_id))
        except ValueError:
            raise NotFound("No such task.") from None
        tasks = tasks.filter(project__public_id=project_uuid)
    try:
        return get_by_public_id(tasks, task_id)
    except NotFound:
        raise NotFound("No such task.") from None


def project_data_date(*, who: Any, project_id: Any) -> dict[str, Any]:
    """The project's data date and the version of the calendar row that carries it."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    calendar = ProjectCalendar.objects.filter(project=project).first()
    return {
        "data_date": calendar.data_date if calendar else None,
        "version": calendar.version if calendar else None,
    }
