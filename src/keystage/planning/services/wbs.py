"""Writes to the work breakdown: tasks in a WBS tree (dependencies and the calendar have
their own modules, ``dependencies`` and ``calendar``, and reschedule through this one).

Every write needs the project-edit permission, is validated as field errors, version-checked
and journaled, and leaves the plan scheduled: the tree is renumbered (row, WBS code, outline
level, summary flag) and the critical path recalculated in the same transaction, as MS
Project does in automatic scheduling mode. An edit that the scheduler cannot honour (a
constraint before the project start) is refused as a whole. Each service runs under
``plan_lock.plan_write``: one transaction that locks the project's plan before reading it, so
concurrent edits of one plan queue instead of computing from stale snapshots.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum

from keystage.accounts.models import User
from keystage.core import records
from keystage.core.audit import audit_record
from keystage.core.errors import InvalidInput
from keystage.core.models import AuditAction
from keystage.engine.network import DATED_CONSTRAINTS
from keystage.planning import engine
from keystage.planning.models import (
    Dependency,
    Holiday,
    ProjectCalendar,
    Task,
    TaskKind,
)
from keystage.planning.services.plan_lock import plan_lock, plan_write
from keystage.portfolio.models import Project

TASK_FIELDS = (
    "name",
    "kind",
    "duration_minutes",
    "work_hours",
    "fixed_cost",
    "constraint_type",
    "constraint_date",
    "deadline",
    "notes",
)
MAX_DEPTH = 12


# ---------------------------------------------------------------- tree upkeep


def renumber(project: Project) -> list[Task]:
    """Recompute every task's row, WBS code, outline level and summary flag, in order."""
    tasks = list(Task.objects.filter(project=project).order_by("position", "id"))
    children: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        children[task.parent_id].append(task)
    ordered: list[Task] = []
    changed: list[Task] = []

    def walk(parent_id: int | None, prefix: str, level: int) -> None:
        for number, task in enumerate(children.get(parent_id, []), start=1):
            code = f"{prefix}{number}"
            new = (len(ordered) + 1, code, level, bool(children.get(task.pk)))
            old = (task.row, task.wbs_code, task.outline_level, task.is_summary)
            ordered.append(task)
            if new != old:
                task.row, task.wbs_code, task.outline_level, task.is_summary = new
                changed.append(task)
            walk(task.pk, code + ".", level + 1)

    walk(None, "", 1)
    if changed:
        changed.sort(key=lambda t: t.pk)  # one row order for every writer
        Task.objects.bulk_update(
            changed, ["row", "wbs_code", "outline_level", "is_summary"], batch_size=500
        )
    return ordered


def calendar_of(project: Project) -> ProjectCalendar | None:
    """The project's calendar row, if one was saved."""
    return ProjectCalendar.objects.filter(project=project).first()


def plan_follow_project_start(project: Project) -> None:
    """Reschedule the plan from the project's new start date (in the caller's transaction).

    Registered with ``portfolio.project_events`` at start-up: the portfolio's
    ``project_update`` calls it when the start date changes, so the stored dates never
    wait for the next plan edit to follow the project.
    """
    reschedule(plan_lock(project))


def reschedule(project: Project, ordered: list[Task] | None = None) -> engine.CpmResult | None:
    """Recalculate the critical path and store every task's dates (no version change)."""
    tasks = ordered if ordered is not None else list(Task.objects.filter(project=project))
    if not tasks:
        return None
    calendar_row = calendar_of(project)
    calendar = engine.engine_calendar(calendar_row, Holiday.objects.filter(project=project))
    dependencies = Dependency.objects.filter(project=project).only(
        "predecessor_id", "successor_id", "type", "lag_minutes", "max_lag_minutes"
    )
    data_date = calendar_row.data_date if calendar_row else None
    result = engine.run_cpm(
        engine.engine_project(project.start_date, tasks, dependencies, calendar, data_date)
    )
    by_id = {t.pk: t for t in tasks}
    fields = [
        "start_at",
        "finish_at",
        "early_start_at",
        "early_finish_at",
        "late_start_at",
        "late_finish_at",
        "total_float_minutes",
        "free_float_minutes",
        "is_critical",
    ]
    changed = []
    for dates in result.dates:
        task = by_id[dates.task_id]
        new = [getattr(dates, f) for f in fields]
        if [getattr(task, f) for f in fields] != new:
            for f, v in zip(fields, new, strict=True):
                setattr(task, f, v)
            changed.append(task)
    if changed:
        changed.sort(key=lambda t: t.pk)  # one row order for every writer
        Task.objects.bulk_update(changed, fields, batch_size=500)
    return result


def _replan(project: Project) -> None:
    reschedule(project, renumber(project))


# --------------------------------------------------------------------- tasks


def _check_task(data: dict[str, Any], current: Task | None) -> dict[str, Any]:
    """Whole-record rules of a task, as field errors."""
    kind = data.get("kind", current.kind if current else TaskKind.TASK)
    constraint = data.get("constraint_type", current.constraint_type if current else "ASAP")
    date = data.get("constraint_date", current.constraint_date if current else None)
    errors: dict[str, str] = {}
    if kind == TaskKind.MILESTONE:
        if data.get("duration_minutes"):
            errors["duration_minutes"] = "A milestone has no duration."
        data["duration_minutes"] = 0
    elif current is not None and current.kind == TaskKind.MILESTONE and "kind" in data:
        data.setdefault("duration_minutes", 480)
    if constraint in DATED_CONSTRAINTS and date is None:
        errors["constraint_date"] = f"'{constraint}' needs a constraint date."
    if constraint not in DATED_CONSTRAINTS and "constraint_type" in data:
        data["constraint_date"] = None
    if errors:
        raise InvalidInput(errors)
    return data


def _parent_for(project: Project, parent_id: Any) -> Task | None:
    if parent_id in (None, ""):
        return None
    parent = Task.objects.filter(project=project, public_id=parent_id).first()
    if parent is None:
        raise InvalidInput({"parent": "No such task in this project."})
    _may_have_children(parent)
    return parent


def _may_have_children(task: Task) -> None:
    if task.kind == TaskKind.MILESTONE:
        raise InvalidInput({"parent": f"'{task.name}' is a milestone; it cannot have sub-tasks."})
    if task.outline_level >= MAX_DEPTH:
        raise InvalidInput({"parent": f"The WBS is limited to {MAX_DEPTH} levels."})
    if task.is_summary:
        return
    # A summary's dates come from its sub-tasks and its work is done in them: a leaf
    # keeps its links, people and skill needs until they are moved or removed.
    if Dependency.objects.filter(Q(predecessor=task) | Q(successor=task)).exists():
        raise InvalidInput(
            {
                "parent": f"'{task.name}' has dependencies; remove them before giving it "
                "sub-tasks (a summary's dates come from its sub-tasks)."
            }
        )
    if task.assignments.exists() or task.skill_needs.exists():
        raise InvalidInput(
            {
                "parent": f"'{task.name}' has people assigned or skill needs; move them to "
                "the sub-tasks first (a summary's work is done in its sub-tasks)."
            }
        )


def _append_position(project: Project, parent: Task | None) -> int:
    last = (
        Task.objects.filter(project=project, parent=parent)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
    )
    return 0 if last is None else last + 1


def _make_room(project: Project, parent: Task | None, position: int) -> None:
    Task.objects.filter(project=project, parent=parent, position__gte=position).update(
        position=F("position") + 1
    )


@plan_write
def task_create(
    *,
    who: User,
    project: Project,
    data: dict[str, Any],
    parent_id: Any = None,
    after_id: Any = None,
    before_id: Any = None,
) -> Task:
    """Add a task: at the end of ``parent``'s children, or right after task ``after_id``, or
    right before task ``before_id`` (at that task's level)."""
    data = _check_task(records.editable(data, TASK_FIELDS), None)
    anchor_id, field, offset = (
        (after_id, "after", 1) if after_id not in (None, "") else (before_id, "before", 0)
    )
    if anchor_id not in (None, ""):
        anchor = Task.objects.filter(project=project, public_id=anchor_id).first()
        if anchor is None:
            raise InvalidInput({field: "No such task in this project."})
        parent = anchor.parent
        position = anchor.position + offset
        _make_room(project, parent, position)
    else:
        parent = _parent_for(project, parent_id)
        position = _append_position(project, parent)
    task = Task(project=project, parent=parent, position=position, **data)
    records.create(
        who=who,
        instance=task,
        project=project,
        fields=TASK_FIELDS,
        summary=f"Added task '{task.name}'",
    )
    _replan(project)
    task.refresh_from_db()
    return task


@plan_write
def task_update(
    *, who: User, project: Project, task: Task, version: int, data: dict[str, Any]
) -> Task:
    """Edit a task at ``version``; the plan is rescheduled."""
    data = _check_task(records.editable(data, TASK_FIELDS), task)
    if data.get("kind") == TaskKind.MILESTONE and task.is_summary:
        raise InvalidInput({"kind": "A summary task cannot be a milestone."})
    fresh = records.update(
        who=who,
        instance=task,
        version=version,
        changes=data,
        project=project,
        summary=f"Edited task '{task.name}'",
    )
    reschedule(project)
    fresh.refresh_from_db()
    return fresh


def _subtree_ids(project: Project, task: Task) -> set[int]:
    """The task's id and its descendants' (one query)."""
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Task.objects.filter(project=project).values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    found, todo = set(), [task.pk]
    while todo:
        pk = todo.pop()
        found.add(pk)
        todo.extend(children[pk])
    return found


def _refuse_logged_time(project: Project, task: Task) -> None:
    """InvalidInput when time entries (of any status) name the task or one of its sub-tasks."""
    logged = Task.objects.filter(pk__in=_subtree_ids(project, task)).aggregate(
        n=Count("time_entries"), h=Sum("time_entries__hours")
    )
    if logged["n"]:
        where = "it" if not task.is_summary else "it or its sub-tasks"
        raise InvalidInput(
            {
                "task": f"'{task.name}' cannot be deleted: {logged['n']} time "
                f"entr{'y is' if logged['n'] == 1 else 'ies are'} ({logged['h'].normalize():f} h) "
                f"logged on {where}. Recorded work stays with its task; mark it done instead."
            }
        )


@plan_write
def task_delete(*, who: User, project: Project, task: Task, version: int) -> None:
    """Delete a task and its sub-tasks at ``version``; their dependencies go with them.

    Refused (400 on ``task``) when time is logged on any of them: recorded work stays with
    its task (``execution.TimeEntry.task`` also restricts the delete in the database)."""
    below = Task.objects.filter(project=project, parent=task).count()
    _refuse_logged_time(project, task)
    records.delete(
        who=who,
        instance=task,
        version=version,
        project=project,
        fields=("name", "wbs_code"),
        summary=f"Deleted task '{task.name}'" + (f" and its {below} sub-task(s)" if below else ""),
    )
    _replan(project)


@plan_write
def plan_append(
    *,
    who: User,
    project: Project,
    rows: list[dict[str, Any]],
    links: Sequence[tuple[int, int, str, int] | tuple[int, int, str, int, int | None]] = (),
) -> list[Task]:
    """Append an outline of tasks and their links in one go, then schedule once.

    ``rows`` are task fields plus ``outline_level`` (1 = top level; a row one level deeper
    than the row before it becomes its child), as an MS Project outline is read.
    ``links`` are ``(predecessor index, successor index, type, lag minutes)`` into ``rows``,
    optionally with a fifth item, the maximum lag in minutes (None = no maximum).
    Each task and link is journaled; a cycle or a bad row refuses the whole outline.
    """
    stack: list[Task] = []
    created: list[Task] = []
    for number, raw in enumerate(rows, start=1):
        row = dict(raw)
        level = int(row.pop("outline_level", 1))
        if not 1 <= level <= len(stack) + 1 or level > MAX_DEPTH:
            raise InvalidInput({"rows": f"Row {number}: outline level {level} skips a level."})
        del stack[level - 1 :]
        parent = stack[-1] if stack else None
        try:
            data = _check_task(records.editable(row, TASK_FIELDS), None)
        except InvalidInput as exc:
            raise InvalidInput({f"rows[{number}].{k}": v for k, v in exc.errors.items()}) from None
        task = Task(
            project=project, parent=parent, position=_append_position(project, parent), **data
        )
        records.create(
            who=who,
            instance=task,
            project=project,
            fields=TASK_FIELDS,
            summary=f"Added task '{task.name}'",
        )
        created.append(task)
        stack.append(task)
    renumber(project)
    by_index = {i: Task.objects.get(pk=t.pk) for i, t in enumerate(created)}
    for pred_i, succ_i, link_type, lag, *most in links:
        pred, succ = by_index[pred_i], by_index[succ_i]
        linkable(pred, "links")
        linkable(succ, "links")
        link_insert(
            who=who,
            project=project,
            predecessor=pred,
            successor=succ,
            data={"type": link_type, "lag_minutes": lag, "max_lag_minutes": (most or [None])[0]},
        )
    reschedule(project)
    return list(Task.objects.filter(pk__in=[t.pk for t in created]).order_by("row"))


class Move:
    """Structural moves of a row, as MS Project's outline commands."""

    INDENT = "indent"
    OUTDENT = "outdent"
    UP = "up"
    DOWN = "down"
    ALL = (INDENT, OUTDENT, UP, DOWN)


@plan_write
def task_move(*, who: User, project: Project, task: Task, version: int, action: str) -> Task:
    """Indent, outdent, or move a task up or down among its siblings (with its sub-tasks)."""
    if action not in Move.ALL:
        raise InvalidInput({"action": f"Choose one of: {', '.join(Move.ALL)}."})
    siblings = list(
        Task.objects.filter(project=project, parent_id=task.parent_id).order_by("position", "id")
    )
    at = next(i for i, t in enumerate(siblings) if t.pk == task.pk)
    changes: dict[str, Any]
    if action == Move.INDENT:
        if at == 0:
            raise InvalidInput({"action": "The first task of its level cannot be indented."})
        new_parent = siblings[at - 1]
        _may_have_children(new_parent)
        changes = {"parent": new_parent, "position": _append_position(project, new_parent)}
    elif action == Move.OUTDENT:
        if task.parent is None:
            raise InvalidInput({"action": "A top-level task cannot be outdented."})
        parent = task.parent
        _make_room(project, parent.parent, parent.position + 1)
        changes = {"parent": parent.parent, "position": parent.position + 1}
    else:
        other_at = at - 1 if action == Move.UP else at + 1
        if not 0 <= other_at < len(siblings):
            raise InvalidInput(
                {
                    "action": "The task is already the "
                    f"{'first' if action == Move.UP else 'last'} of its level."
                }
            )
        other = siblings[other_at]
        # Distinct positions first (rows created concurrently may share one).
        for i, sibling in enumerate(siblings):
            if sibling.position != i:
                Task.objects.filter(pk=sibling.pk).update(position=i)
        Task.objects.filter(pk=other.pk).update(position=at)
        changes = {"position": other_at}
    fresh = records.update(
        who=who,
        instance=task,
        version=version,
        changes=changes,
        project=project,
        summary=f"Moved task '{task.name}' ({action})",
    )
    _replan(project)
    fresh.refresh_from_db()
    return fresh


# ------------------------------------------------- links (shared with dependencies)


def linkable(task: Task, field: str) -> None:
    """Refuse a summary task as either end of a link (a field error on ``field``)."""
    if task.is_summary:
        raise InvalidInput({field: f"'{task.name}' is a summary task; link its sub-tasks instead."})


def link_insert(
    *, who: User, project: Project, predecessor: Task, successor: Task, data: dict[str, Any]
) -> Dependency:
    """Validate, insert and journal one link (the caller checks cycles and reschedules)."""
    dependency = Dependency(project=project, predecessor=predecessor, successor=successor, **data)
    records.clean(dependency)
    try:
        with transaction.atomic():
            dependency.save()
    except IntegrityError:
        raise InvalidInput({"successor": "These two tasks are already linked."}) from None
    audit_record(
        who=who,
        obj=dependency,
        action=AuditAction.CREATE,
        project=project,
        changes={
            "predecessor": [None, predecessor.name],
            "successor": [None, successor.name],
            "type": [None, dependency.type],
            "lag_minutes": [None, dependency.lag_minutes],
            **(
                {"max_lag_minutes": [None, dependency.max_lag_minutes]}
                if dependency.max_lag_minutes is not None
                else {}
            ),
        },
        summary=f"Linked '{predecessor.name}' → '{successor.name}' ({dependency.type})",
    )
    return dependency
