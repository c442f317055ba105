"""A new project from a template: a past (or running) project the user may see, or a
plan TOML file (``docs/plan-format.md``).

:func:`project_create_from_template` opens a project through the portfolio's own
``project_create`` (same rights, same checks) and copies the source's plan into it: the
WBS with every task's duration, work, fixed cost, constraint and deadline, the
dependencies with their types and lags, the calendar's working week and shifts, the
skills each task needs (its roles: who is needed, not who was assigned), and the budget
settings and budget lines. Every date moves by the distance between the two start dates.
Progress, schedule results, people, assignments, holidays (real dates of their own
year), baselines and actual costs are not copied. Each copied record is journaled by the
service that writes it, and the project's journal says which template it came from.
One transaction: a refusal anywhere leaves nothing behind.

:func:`project_create_from_plan` does the same from a plan TOML file, read by the import's
own reader (``interop.readers``) and opened and written by the import into a new project
(``new_project.new_project_import``: the WBS, durations, work, constraints, deadlines,
links and the calendar's working week, with its import report; the plan is scheduled
once), after moving the plan to the new start: constraint dates and
deadlines move by the distance between the plan's start and the new one. Each task's
``cost`` becomes its fixed cost. The format has no roles, skills or budget lines, so
none are created; progress, the status date, baselines and dated calendar exceptions
(holidays of the plan's own year) are not copied, as from a project.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.db import transaction

from keystage.accounts.models import User
from keystage.core.audit import audit_record, audit_records
from keystage.core.errors import Forbidden, InvalidInput
from keystage.core.models import AuditAction
from keystage.costs import services as costs
from keystage.costs.models import BudgetLine, ProjectBudget
from keystage.engine import daterange
from keystage.engine.interchange import PlanDocument
from keystage.engine.mspdi_read import PlanReadError
from keystage.engine.network import Kind
from keystage.interop import readers
from keystage.interop import services as imports
from keystage.interop.new_project import new_project_import
from keystage.planning.models import Dependency, ProjectCalendar, Task, TaskSkill
from keystage.planning.services import calendar as calendars
from keystage.planning.services import wbs
from keystage.portfolio import services as portfolio
from keystage.portfolio.access import can_create_projects, projects_visible_to
from keystage.portfolio.lifecycle import ProjectKind
from keystage.portfolio.models import Project
from keystage.portfolio.services import CREATE_REFUSED
from keystage.staffing import services as staffing

NO_TEMPLATE = "Choose a project you can see as the template."
PLAN_SUFFIX = ".toml"


def templates_visible_to(who: Any) -> Any:
    """Projects ``who`` may use as a template: every project they may see, by code."""
    return projects_visible_to(who).order_by("code", "pk")


def _shift(day: dt.date | None, delta: dt.timedelta) -> dt.date | None:
    return None if day is None else day + delta


@transaction.atomic
def project_create_from_template(
    *, who: User, source: Project, code: str, name: str, start: dt.date
) -> Project:
    """Open project ``code`` starting on ``start`` with ``source``'s plan, dates shifted.

    ``who`` must see ``source`` and be allowed to open projects, and becomes the new
    project's manager; its target date keeps the source's length. Returns the new
    project, its plan scheduled.
    """
    if source is None or not templates_visible_to(who).filter(pk=source.pk).exists():
        raise InvalidInput({"template": NO_TEMPLATE})
    if not isinstance(start, dt.date) or not daterange.plausible(start):
        raise InvalidInput({"start_date": daterange.MESSAGE})
    delta = start - source.start_date
    target = source.target_date + delta
    if not daterange.plausible(target):
        raise InvalidInput({"start_date": daterange.MESSAGE})
    project = portfolio.project_create(
        who=who,
        name=name,
        code=code,
        kind=source.kind,
        start_date=start,
        target_date=target,
        description=source.description,
        project_manager=who,  # the plan is copied under the new project's manager
    )
    _copy_calendar(who, source, project)
    new_tasks = _copy_plan(who, source, project, delta)
    _copy_skill_needs(who, project, new_tasks)
    _copy_budget(who, source, project, new_tasks, delta)
    audit_record(
        who=who,
        obj=project,
        action=AuditAction.CREATE,
        project=project,
        changes={"template": [None, source.code]},
        summary=(
            f"Created from template {source.code} ({len(new_tasks)} task(s), "
            f"dates moved by {delta.days:+d} day(s))"
        ),
    )
    return project


def _copy_calendar(who: User, source: Project, project: Project) -> None:
    calendar = ProjectCalendar.objects.filter(project=source).first()
    if calendar is None:
        return
    calendars.calendar_save(
        who=who,
        project=project,
        version=None,
        data={
            "name": calendar.name,
            "working_weekdays": calendar.working_weekdays,
            "shifts": calendar.shifts,
        },
    )


def _copy_plan(
    who: User, source: Project, project: Project, delta: dt.timedelta
) -> dict[int, Task]:
    """The WBS and its links; returns the new task of each source task's pk."""
    tasks = list(Task.objects.filter(project=source).order_by("row", "id"))
    if not tasks:
        return {}
    index = {task.pk: i for i, task in enumerate(tasks)}
    rows = [
        {
            "name": task.name,
            "kind": task.kind,
            "duration_minutes": task.duration_minutes,
            "work_hours": task.work_hours,
            "fixed_cost": task.fixed_cost,
            "constraint_type": task.constraint_type,
            "constraint_date": _shift(task.constraint_date, delta),
            "deadline": _shift(task.deadline, delta),
            "notes": task.notes,
            "outline_level": task.outline_level,
        }
        for task in tasks
    ]
    links = [
        (index[d.predecessor_id], index[d.successor_id], d.type, d.lag_minutes, d.max_lag_minutes)
        for d in Dependency.objects.filter(project=source).order_by("id")
        if d.predecessor_id in index and d.successor_id in index
    ]
    created = wbs.plan_append(who=who, project=project, rows=rows, links=links)
    by_row = {task.row: task for task in created}
    return {task.pk: by_row[i + 1] for i, task in enumerate(tasks)}


def _copy_skill_needs(who: User, project: Project, new_tasks: dict[int, Task]) -> None:
    needs = TaskSkill.objects.filter(task_id__in=list(new_tasks)).select_related("skill")
    for need in needs.order_by("task__row", "skill__name", "id"):
        target = new_tasks[need.task_id]
        if target.is_summary:
            continue  # needs sit on leaf tasks; a template's tree is copied as it is
        staffing.skill_need_create(
            who=who,
            project=project,
            task=target,
            data={"skill": need.skill, "min_level": need.min_level},
        )


def _copy_budget(
    who: User,
    source: Project,
    project: Project,
    new_tasks: dict[int, Task],
    delta: dt.timedelta,
) -> None:
    budget = ProjectBudget.objects.filter(project=source).first()
    if budget is not None:
        costs.budget_save(
            who=who,
            project=project,
            version=None,
            data={
                "contingency_percent": budget.contingency_percent,
                "management_reserve": budget.management_reserve,
                "notes": budget.notes,
            },
        )
    for line in BudgetLine.objects.filter(project=source).order_by("id"):
        costs.line_create(
            who=who,
            project=project,
            data={
                "category": line.category,
                "name": line.name,
                "amount": line.amount,
                "task": new_tasks.get(line.task_id) if line.task_id else None,
                "start_date": _shift(line.start_date, delta),
                "end_date": _shift(line.end_date, delta),
                "notes": line.notes,
            },
        )


def _moved(value: dt.datetime | None, delta: dt.timedelta) -> dt.datetime | None:
    return None if value is None else value + delta


def plan_moved_to(document: PlanDocument, start: dt.date) -> tuple[PlanDocument, dt.timedelta]:
    """The plan as a template starting on ``start``, and the distance it moved.

    Constraint dates and deadlines move with the start; progress, the status date,
    baselines and calendar exceptions (real dates of the plan's own year) are dropped.
    """
    plan = document.plan
    delta = dt.datetime.combine(start, dt.time()) - dt.datetime.combine(
        plan.start.date(), dt.time()
    )
    activities = tuple(
        replace(
            act,
            constraint_date=_moved(act.constraint_date, delta),
            deadline=_moved(act.deadline, delta),
            actual_start=None,
            actual_finish=None,
            percent_complete=0.0,
            remaining=None,
        )
        for act in plan.activities
    )
    moved = replace(
        plan,
        start=plan.start + delta,
        activities=activities,
        calendars=tuple(replace(c, exceptions=()) for c in plan.calendars),
        data_date=None,
        baselines=(),
    )
    return replace(document, plan=moved), delta


def _read_template_plan(data: bytes, filename: str) -> PlanDocument:
    """The plan TOML of an upload; a field error on ``plan`` for anything else."""
    if not filename.lower().endswith(PLAN_SUFFIX):
        raise InvalidInput({"plan": "Upload a plan TOML file (.toml, docs/plan-format.md)."})
    if not data:
        raise InvalidInput({"plan": "The file is empty."})
    if len(data) > imports.MAX_UPLOAD:
        limit = imports.MAX_UPLOAD // 2**20
        raise InvalidInput({"plan": f"The file is larger than the {limit} MB allowed."})
    try:
        return readers.read_toml_file(data, filename)
    except PlanReadError as exc:
        raise InvalidInput({"plan": str(exc)}) from None


@transaction.atomic
def project_create_from_plan(
    *,
    who: User,
    data: bytes,
    filename: str,
    code: str,
    name: str,
    start: dt.date,
    kind: str = ProjectKind.OTHER,
) -> Project:
    """Open project ``code`` starting on ``start`` with the plan of a TOML file as template.

    ``who`` must be allowed to open projects and becomes the project's manager; the
    target date is the moved plan's scheduled finish. Returns the new project, its plan
    imported (and scheduled) by the import service, which keeps the import report.
    """
    if not can_create_projects(who):
        raise Forbidden(CREATE_REFUSED)
    document = _read_template_plan(data, filename)
    if not isinstance(start, dt.date) or not daterange.plausible(start):
        raise InvalidInput({"start_date": daterange.MESSAGE})
    if len(document.plan.activities) > imports.MAX_TASKS:  # before any scheduling work
        raise InvalidInput(
            {"plan": f"The plan has {len(document.plan.activities)} tasks; at most "
             f"{imports.MAX_TASKS} can be used as a template."}
        )  # fmt: skip
    moved, delta = plan_moved_to(document, start)
    try:
        project, _report, preview = new_project_import(
            who=who,
            document=moved,
            source=imports.source_of(filename, data, moved),
            name=name,
            code=code,
            kind=kind,
            description="",
        )
    except InvalidInput as exc:  # the import names the upload "file"; here it is "plan"
        raise InvalidInput(
            {("plan" if field == "file" else field): texts for field, texts in exc.errors.items()}
        ) from None
    if project is None:  # only a dry run opens no project
        raise InvalidInput({"plan": "The plan could not be imported."})
    _fixed_costs(who, project, moved, [row.key for row in preview.tasks])
    audit_record(
        who=who,
        obj=project,
        action=AuditAction.CREATE,
        project=project,
        changes={"template": [None, filename[:200]]},
        summary=(
            f"Created from template plan {filename[:200]} ({len(preview.tasks)} task(s), "
            f"dates moved by {delta.days:+d} day(s))"
        ),
    )
    return project


def _fixed_costs(who: User, project: Project, document: PlanDocument, keys: list[str]) -> None:
    """Each leaf task's ``cost`` from the plan as its fixed cost (journaled)."""
    costs_of = {
        a.id: a.cost for a in document.plan.activities if a.cost and a.kind is not Kind.SUMMARY
    }
    tasks = list(Task.objects.filter(project=project).order_by("row"))
    changed = []
    for key, task in zip(keys, tasks, strict=True):
        if key in costs_of and not task.is_summary:
            task.fixed_cost = Decimal(str(costs_of[key])).quantize(Decimal("0.01"))
            task.version += 1
            changed.append(task)
    Task.objects.bulk_update(changed, ["fixed_cost", "version"])
    audit_records(
        who=who,
        action=AuditAction.UPDATE,
        project=project,
        entries=[
            (
                task,
                {"fixed_cost": [None, str(task.fixed_cost)]},
                f"Fixed cost of '{task.name}' set from the template plan",
            )
            for task in changed
        ],
    )
