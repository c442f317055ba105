"""*My work*: what one person should work on today and this week, across all their projects.

A row is a leaf task the person is assigned to, in a project they can see
(``projects_visible_to``), not done, whose planned start is on or before the end of this
week (Sunday; a started task's planned start is its actual start). Overdue rows (planned
finish before today, not done) come first, then tasks in progress, then by planned start.
Each row carries the person's remaining work, whether they may record progress and time
there (``perms_by_project``), and the time they logged on it today. Five queries, whatever
the number of projects and tasks; ``planning.Task``'s partial index ``task_open_by_start``
finds the open tasks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Q, Value, When
from django.utils import timezone

from keystage.accounts.roles import Perm
from keystage.execution.models import TimeEntry
from keystage.execution.services import timesheets as timesheet_services
from keystage.execution.services.timesheet_rules import week_start
from keystage.planning.models import Assignment, Task, TaskStatus
from keystage.planning.selectors.assignments import assignment_hours, local_date
from keystage.portfolio.access import perms_by_project, projects_visible_to
from keystage.portfolio.models import Project


@dataclass(frozen=True, slots=True)
class MyWorkRow:
    """One assigned task on *My work*."""

    task: Task
    project: Project
    planned_start: dt.date | None
    planned_finish: dt.date | None
    planned_hours: Decimal  # the person's work on the task (assignment)
    remaining_hours: Decimal  # planned hours × (100 − % complete)
    overdue: bool
    can_progress: bool  # progress on it (assigned with Perm.RECORD_WORK, or Perm.EDIT)
    can_log: bool  # time on it (Perm.RECORD_WORK)
    today_entry: TimeEntry | None  # the time logged on it today

    @property
    def status(self) -> str:
        """The task's derived status (not started, in progress, done)."""
        return self.task.progress_status

    @property
    def status_label(self) -> str:
        """ "Not started", "In progress" or "Done"."""
        return str(TaskStatus(self.status).label)


@dataclass(frozen=True, slots=True)
class MyWork:
    """The page's data: the day, the week's end, the rows and the projects they belong to."""

    today: dt.date
    week_start: dt.date
    week_end: dt.date
    rows: tuple[MyWorkRow, ...]  # this page's
    projects: tuple[Project, ...]  # of every page's rows
    total: int  # rows on every page
    overdue_count: int  # on every page
    offset: int = 0

    @property
    def hours_today(self) -> Decimal:
        """Hours logged today on the rows shown."""
        return sum((r.today_entry.hours for r in self.rows if r.today_entry), Decimal(0))


def remaining_hours(planned: Decimal, percent: int) -> Decimal:
    """The part of ``planned`` hours not yet done at ``percent`` % complete, to the hundredth."""
    return (planned * Decimal(100 - percent) / 100).quantize(Decimal("0.01"))


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def my_work(
    who: Any, *, today: dt.date | None = None, offset: int = 0, limit: int | None = None
) -> MyWork:
    """The tasks ``who`` should work on today and this week, overdue first (five queries).

    Ordered in the database (overdue, in progress, planned start, planned finish, project
    code, WBS row), so ``offset`` / ``limit`` give one page whatever the number of tasks.
    """
    day = today or timesheet_services.today()
    monday = week_start(day)
    sunday = monday + dt.timedelta(days=6)
    today_starts = _midnight(day)
    base = Assignment.objects.filter(
        person_id=who.pk,
        project__in=projects_visible_to(who),
        task__is_summary=False,
        task__actual_finish__isnull=True,
        task__start_at__lt=_midnight(sunday + dt.timedelta(days=1)),
    )
    overdue = Q(task__finish_at__lt=today_starts)
    per_project = {
        row["project_id"]: row
        for row in base.values("project_id").annotate(
            total=Count("pk"), overdue=Count("pk", filter=overdue)
        )
    }
    ordered = base.annotate(
        late=Case(When(overdue, then=Value(0)), default=Value(1)),
        started=Case(When(task__actual_start__isnull=False, then=Value(0)), default=Value(1)),
    ).order_by(
        "late",
        "started",
        F("task__start_at").asc(nulls_last=True),
        F("task__finish_at").asc(nulls_last=True),
        "project__code",
        "task__row",
        "pk",
    )
    end = None if limit is None else offset + limit
    assignments = list(ordered.select_related("task", "project")[offset:end])
    projects = list(Project.objects.filter(pk__in=list(per_project)).order_by("code"))
    perms = perms_by_project(who, projects)
    logged = {
        e.task_id: e
        for e in TimeEntry.objects.filter(
            person_id=who.pk, day=day, task_id__in=[a.task_id for a in assignments]
        )
    }
    rows = []
    for a in assignments:
        task = a.task
        task.project = a.project
        planned = assignment_hours(a, task)
        finish = local_date(task.finish_at)
        rows.append(
            MyWorkRow(
                task=task,
                project=a.project,
                planned_start=local_date(task.start_at),
                planned_finish=finish,
                planned_hours=planned,
                remaining_hours=remaining_hours(planned, task.percent_complete),
                overdue=task.finish_at is not None and task.finish_at < today_starts,
                can_progress=bool({Perm.RECORD_WORK, Perm.EDIT} & perms[a.project_id]),
                can_log=Perm.RECORD_WORK in perms[a.project_id],
                today_entry=logged.get(task.pk),
            )
        )
    return MyWork(
        today=day,
        week_start=monday,
        week_end=sunday,
        rows=tuple(rows),
        projects=tuple(projects),
        total=sum(r["total"] for r in per_project.values()),
        overdue_count=sum(r["overdue"] for r in per_project.values()),
        offset=offset,
    )
