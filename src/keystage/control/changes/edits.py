"""The change itself: plan edits a project manager composes, checked, and what they do to a
copy of the plan (the what-if).

An edit is a small JSON object with an ``op``:

* ``duration`` — a task's new duration (``task``, ``duration_minutes``);
* ``task_cost`` — a task's new fixed cost (``task``, ``fixed_cost``);
* ``add_task`` — a new task (``name``, ``duration_minutes``, ``fixed_cost``, optional
  ``parent`` summary, ``predecessors`` and ``successors``: existing tasks, linked finish-to-start);
* ``remove_task`` — a leaf task goes, with its links and people;
* ``add_link`` / ``remove_link`` — a dependency between two tasks (``predecessor``,
  ``successor``, ``type``, ``lag_minutes``, ``max_lag_minutes``: None = no maximum);
* ``change_link`` — an existing dependency's new type (FS, SS, FF, SF), lag and maximum lag;
* ``contingency`` — the budget's new contingency (``percent`` of the cost plan);
* ``line_amount`` — a budget line's new amount (``line``, ``amount``);
* ``add_line`` — a new budget line (``name``, ``category``, ``amount``).

Tasks and lines are named by their public ids. :func:`check_edit` turns a user's input
into a stored edit (field errors otherwise); :func:`what_if` reschedules a copy of the
plan with every edit applied through the planning engine adapter — nothing is written —
and prices it as the cost plan would.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from keystage.core.errors import InvalidInput
from keystage.costs.models import BudgetLine, CostCategory, ProjectBudget
from keystage.costs.selectors import cost_plan
from keystage.engine.money import to_cents
from keystage.engine.network import LinkType
from keystage.planning import engine
from keystage.planning.models import (
    Assignment,
    Dependency,
    Holiday,
    ProjectCalendar,
    Task,
    TaskKind,
)
from keystage.planning.selectors.assignments import planned_hours
from keystage.portfolio.models import Project

OPS = {
    "duration": "Change a task's duration",
    "task_cost": "Change a task's fixed cost",
    "add_task": "Add a task",
    "remove_task": "Remove a task",
    "add_link": "Add a dependency",
    "remove_link": "Remove a dependency",
    "change_link": "Change a dependency's type, lag or maximum lag",
    "contingency": "Change the contingency",
    "line_amount": "Change a budget line's amount",
    "add_line": "Add a budget line",
}
MAX_EDITS = 50
MAX_DAYS = Decimal(3650)
MAX_MONEY = Decimal("999999999999.99")
ZERO = Decimal("0")
NAME_MAX = 200


# ------------------------------------------------------------------ reading input


def _text(data: Mapping[str, Any], field: str, limit: int) -> str:
    value = str(data.get(field) or "").strip()
    if not value:
        raise InvalidInput({field: "This field is required."})
    if len(value) > limit:
        raise InvalidInput({field: f"At most {limit} characters."})
    return value


def _money(data: Mapping[str, Any], field: str, *, required: bool = True) -> Decimal:
    raw = data.get(field)
    if raw in (None, ""):
        if required:
            raise InvalidInput({field: "Enter an amount."})
        return ZERO
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput({field: "Enter a number."}) from None
    if not value.is_finite() or value < 0:
        raise InvalidInput({field: "Enter an amount of 0 or more."})
    if value > MAX_MONEY:
        raise InvalidInput({field: "This amount is too large."})
    return to_cents(value)


def _minutes(data: Mapping[str, Any], per_day: int, *, milestone_ok: bool = False) -> int:
    """Working minutes from ``duration_days`` (or ``duration_minutes``)."""
    if data.get("duration_days") not in (None, ""):
        field, raw, scale = "duration_days", data.get("duration_days"), per_day
    else:
        field, raw, scale = "duration_minutes", data.get("duration_minutes"), 1
    if raw in (None, ""):
        raise InvalidInput({"duration_days": "Enter the duration in working days."})
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidInput({field: "Enter a number of working days."}) from None
    if not value.is_finite() or value < 0 or (value == 0 and not milestone_ok):
        raise InvalidInput({field: "A duration is more than 0 working days."})
    minutes = int((value * scale).to_integral_value())
    if minutes > MAX_DAYS * per_day:
        raise InvalidInput({field: "A duration is at most ten years."})
    return minutes


def _task(project: Project, ref: Any, field: str) -> Task:
    try:
        found = Task.objects.filter(project=project, public_id=str(ref or "").strip()).first()
    except Exception:  # a malformed id names no task
        found = None
    if found is None:
        raise InvalidInput({field: "Choose a task of this project."})
    return found


#: Predecessors (or successors) of one new task: refused above this before any lookup.
MAX_LINKS_PER_TASK = 50


def _tasks(project: Project, refs: Any, field: str) -> list[Task]:
    if refs in (None, ""):
        return []
    if isinstance(refs, str):
        refs = [r for r in refs.replace(";", ",").split(",") if r.strip()]
    if not isinstance(refs, list | tuple):
        raise InvalidInput({field: "Give a list of tasks."})
    if len(refs) > MAX_LINKS_PER_TASK:
        raise InvalidInput({field: f"At most {MAX_LINKS_PER_TASK} tasks."})
    found = [_task(project, ref, field) for ref in refs]
    if len({task.pk for task in found}) != len(found):
        # A repeated task would ask apply to link the same pair twice, which it refuses.
        raise InvalidInput({field: "Name each task once."})
    for task in found:
        if task.is_summary:
            raise InvalidInput({field: f"'{task.name}' is a summary; link its sub-tasks."})
    return found


def _line(project: Project, ref: Any) -> BudgetLine:
    try:
        found = BudgetLine.objects.filter(project=project, public_id=str(ref or "").strip()).first()
    except Exception:
        found = None
    if found is None:
        raise InvalidInput({"line": "Choose a budget line of this project."})
    return found


def _max_lag(raw: Any, per_day: int) -> int | None:
    """A maximum lag typed in working days as working minutes; blank = no maximum."""
    text = str(raw or "").strip().replace(",", ".")
    if not text:
        return None
    try:
        most = Decimal(text)
        if not most.is_finite() or abs(most) > MAX_DAYS:
            raise ValueError
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            {"max_lag_days": "Enter a number of working days, or leave it blank."}
        ) from None
    return int((most * per_day).to_integral_value())


def check_edit(
    project: Project, data: Mapping[str, Any], existing: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """The stored form of one edit from ``data`` (field errors when it cannot apply).

    ``existing`` are the request's edits so far: a second edit of the same task or link
    is refused, as are more than ``MAX_EDITS``.
    """
    op = str(data.get("op") or "")
    if op not in OPS:
        raise InvalidInput({"op": f"Choose one of: {', '.join(OPS)}."})
    if len(existing) >= MAX_EDITS:
        raise InvalidInput({"op": f"A change request holds at most {MAX_EDITS} edits."})
    per_day = engine.minutes_per_day(ProjectCalendar.objects.filter(project=project).first())
    edit: dict[str, Any] = {"op": op}
    if op in ("duration", "task_cost", "remove_task"):
        task = _task(project, data.get("task"), "task")
        if task.is_summary:
            raise InvalidInput({"task": f"'{task.name}' is a summary: change its sub-tasks."})
        edit["task"] = str(task.public_id)
        edit["label"] = task.name
        if op == "duration":
            if task.kind == TaskKind.MILESTONE:
                raise InvalidInput({"task": f"'{task.name}' is a milestone; it has no duration."})
            edit["duration_minutes"] = _minutes(data, per_day)
            edit["was_minutes"] = task.duration_minutes
        elif op == "task_cost":
            edit["fixed_cost"] = str(_money(data, "fixed_cost"))
            edit["was"] = str(to_cents(task.fixed_cost))
        elif task.time_entries.exists():  # type: ignore[attr-defined]
            raise InvalidInput(
                {"task": f"'{task.name}' has time logged on it; it cannot be removed."}
            )
    elif op == "add_task":
        edit["name"] = _text(data, "name", 255)
        milestone = str(data.get("kind") or "") == TaskKind.MILESTONE
        edit["kind"] = TaskKind.MILESTONE if milestone else TaskKind.TASK
        edit["duration_minutes"] = 0 if milestone else _minutes(data, per_day)
        edit["fixed_cost"] = str(_money(data, "fixed_cost", required=False))
        parent = data.get("parent")
        if parent not in (None, ""):
            found = _task(project, parent, "parent")
            if not found.is_summary:
                raise InvalidInput({"parent": f"'{found.name}' is not a summary task."})
            edit["parent"] = str(found.public_id)
        else:
            edit["parent"] = None
        preds = _tasks(project, data.get("predecessors"), "predecessors")
        succs = _tasks(project, data.get("successors"), "successors")
        if {t.pk for t in preds} & {t.pk for t in succs}:
            raise InvalidInput({"successors": "A task cannot come both before and after it."})
        edit["predecessors"] = [str(t.public_id) for t in preds]
        edit["successors"] = [str(t.public_id) for t in succs]
        edit["label"] = edit["name"]
    elif op in ("add_link", "remove_link", "change_link"):
        pred = _tasks(project, [data.get("predecessor")], "predecessor")[0]
        succ = _tasks(project, [data.get("successor")], "successor")[0]
        if pred.pk == succ.pk:
            raise InvalidInput({"successor": "A task cannot depend on itself."})
        linked = Dependency.objects.filter(predecessor=pred, successor=succ).first()
        if op == "change_link" and linked is None:
            raise InvalidInput({"successor": "These two tasks are not linked."})
        if op == "change_link":
            assert linked is not None
            edit["was_type"], edit["was_lag_minutes"] = linked.type, int(linked.lag_minutes)
            edit["was_max_lag_minutes"] = linked.max_lag_minutes
        if op in ("add_link", "change_link"):
            if op == "add_link" and linked is not None:
                raise InvalidInput({"successor": "These two tasks are already linked."})
            kind = str(data.get("type") or "FS").upper()
            if kind not in {t.value for t in LinkType}:
                raise InvalidInput({"type": "Choose FS, SS, FF or SF."})
            try:
                lag_days = Decimal(str(data.get("lag_days") or "0").replace(",", "."))
                if not lag_days.is_finite() or abs(lag_days) > MAX_DAYS:
                    raise ValueError
            except (InvalidOperation, ValueError):
                raise InvalidInput({"lag_days": "Enter a number of working days."}) from None
            edit["type"] = kind
            edit["lag_minutes"] = int((lag_days * per_day).to_integral_value())
            edit["max_lag_minutes"] = _max_lag(data.get("max_lag_days"), per_day)
            if (
                edit["max_lag_minutes"] is not None
                and edit["max_lag_minutes"] < edit["lag_minutes"]
            ):
                raise InvalidInput({"max_lag_days": "The maximum lag cannot be less than the lag."})
            if op == "change_link" and (kind, edit["lag_minutes"], edit["max_lag_minutes"]) == (
                edit["was_type"],
                edit["was_lag_minutes"],
                edit["was_max_lag_minutes"],
            ):
                raise InvalidInput({"type": "This is the dependency as it stands: change it."})
        elif linked is None:
            raise InvalidInput({"successor": "These two tasks are not linked."})
        edit["predecessor"] = str(pred.public_id)
        edit["successor"] = str(succ.public_id)
        edit["label"] = f"{pred.name} → {succ.name}"
    elif op == "contingency":
        try:
            percent = Decimal(str(data.get("percent") or "").strip().replace(",", "."))
            if not percent.is_finite() or not ZERO <= percent <= 100:
                raise ValueError
        except (InvalidOperation, ValueError):
            raise InvalidInput({"percent": "Enter a percentage from 0 to 100."}) from None
        budget = ProjectBudget.objects.filter(project=project).first()
        edit["percent"] = str(percent.quantize(Decimal("0.01")))
        edit["was"] = str(budget.contingency_percent if budget else ZERO)
        edit["label"] = "Contingency"
    elif op == "line_amount":
        line = _line(project, data.get("line"))
        edit["line"] = str(line.public_id)
        edit["amount"] = str(_money(data, "amount"))
        edit["was"] = str(to_cents(line.amount))
        edit["label"] = line.name
    else:  # add_line
        edit["name"] = _text(data, "name", NAME_MAX)
        category = str(data.get("category") or CostCategory.SERVICES)
        if category not in CostCategory.values:
            raise InvalidInput({"category": f"Choose one of: {', '.join(CostCategory.values)}."})
        edit["category"] = category
        edit["amount"] = str(_money(data, "amount"))
        edit["label"] = edit["name"]
    _refuse_overlap(edit, existing)
    return edit


def _key(edit: Mapping[str, Any]) -> tuple[str, ...] | None:
    if edit["op"] in ("duration", "task_cost", "remove_task"):
        return ("task", edit["op"], edit["task"])
    if edit["op"] in ("add_link", "remove_link", "change_link"):
        return ("link", edit["predecessor"], edit["successor"])
    if edit["op"] == "contingency":
        return ("contingency",)
    if edit["op"] == "line_amount":
        return ("line", edit["line"])
    return None


def _refuse_overlap(edit: Mapping[str, Any], existing: Sequence[Mapping[str, Any]]) -> None:
    key = _key(edit)
    removed = {e["task"] for e in existing if e["op"] == "remove_task"}
    if key is not None and any(_key(e) == key for e in existing):
        raise InvalidInput({"op": "This change already has an edit of that; remove it first."})
    named = {edit.get(f) for f in ("task", "predecessor", "successor", "parent")}
    named |= set(edit.get("predecessors") or ()) | set(edit.get("successors") or ())
    if edit["op"] != "remove_task" and named & removed:
        raise InvalidInput({"op": "This edit names a task the change removes."})
    if edit["op"] == "remove_task" and any(
        edit["task"]
        in {e.get(f) for f in ("task", "predecessor", "successor", "parent")}
        | set(e.get("predecessors") or ())
        | set(e.get("successors") or ())
        for e in existing
    ):
        raise InvalidInput({"task": "Another edit of this change names this task."})


# ------------------------------------------------------------------ the plan as it stands


def fingerprint(project: Project) -> str:
    """Changes whenever a task, link, assignment, holiday, the calendar, a budget line, the
    budget or the project's start is edited: the inputs of the schedule and the cost plan."""
    parts: list[Any] = [
        list(model.objects.filter(project=project).order_by("pk").values_list("pk", "version"))
        for model in (
            Task,
            Dependency,
            Assignment,
            Holiday,
            ProjectCalendar,
            BudgetLine,
            ProjectBudget,
        )
    ]
    parts.append(Project.objects.filter(pk=project.pk).values_list("start_date", flat=True).first())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


@dataclass
class _Plan:
    tasks: list[Task]
    links: list[Dependency]
    calendar: Any
    data_date: dt.date | None
    per_day: int


def _current(project: Project) -> _Plan:
    row = ProjectCalendar.objects.filter(project=project).first()
    calendar = engine.engine_calendar(row, Holiday.objects.filter(project=project))
    return _Plan(
        tasks=list(Task.objects.filter(project=project).order_by("row", "pk")),
        links=list(Dependency.objects.filter(project=project)),
        calendar=calendar,
        data_date=row.data_date if row else None,
        per_day=engine.minutes_per_day(row),
    )


def _schedule(project: Project, plan: _Plan) -> engine.CpmResult | None:
    if not plan.tasks:
        return None
    return engine.run_cpm(
        engine.engine_project(
            project.start_date, plan.tasks, plan.links, plan.calendar, plan.data_date
        )
    )


def _changed_copy(project: Project, plan: _Plan, edits: Sequence[Mapping[str, Any]]) -> _Plan:
    """The plan with every edit applied, in memory (new tasks get negative ids)."""
    tasks = [copy.copy(t) for t in plan.tasks]
    links = [copy.copy(d) for d in plan.links]
    by_public = {str(t.public_id): t for t in tasks}

    def find(ref: str) -> Task:
        task = by_public.get(ref)
        if task is None:
            raise InvalidInput({"edits": "A task this change names no longer exists; edit it."})
        return task

    new_id = 0
    for edit in edits:
        op = edit["op"]
        if op == "duration":
            find(edit["task"]).duration_minutes = int(edit["duration_minutes"])
        elif op == "task_cost":
            find(edit["task"]).fixed_cost = Decimal(edit["fixed_cost"])
        elif op == "remove_task":
            gone = find(edit["task"])
            tasks = [t for t in tasks if t.pk != gone.pk]
            links = [d for d in links if gone.pk not in (d.predecessor_id, d.successor_id)]
        elif op == "add_task":
            new_id -= 1
            parent = find(edit["parent"]) if edit.get("parent") else None
            task = Task(
                project=project,
                name=edit["name"],
                kind=edit["kind"],
                duration_minutes=int(edit["duration_minutes"]),
                fixed_cost=Decimal(edit["fixed_cost"]),
                parent_id=parent.pk if parent else None,
            )
            task.pk = new_id
            tasks.append(task)
            for ref in edit["predecessors"]:
                links.append(
                    Dependency(predecessor_id=find(ref).pk, successor_id=new_id, type="FS")
                )
            for ref in edit["successors"]:
                links.append(
                    Dependency(predecessor_id=new_id, successor_id=find(ref).pk, type="FS")
                )
        elif op == "add_link":
            links.append(
                Dependency(
                    predecessor_id=find(edit["predecessor"]).pk,
                    successor_id=find(edit["successor"]).pk,
                    type=edit["type"],
                    lag_minutes=int(edit["lag_minutes"]),
                    max_lag_minutes=edit.get("max_lag_minutes"),
                )
            )
        elif op == "remove_link":
            pair = (find(edit["predecessor"]).pk, find(edit["successor"]).pk)
            links = [d for d in links if (d.predecessor_id, d.successor_id) != pair]
        elif op == "change_link":
            pair = (find(edit["predecessor"]).pk, find(edit["successor"]).pk)
            found = [d for d in links if (d.predecessor_id, d.successor_id) == pair]
            if not found:
                raise InvalidInput({"edits": "A dependency this change names no longer exists."})
            found[0].type, found[0].lag_minutes = edit["type"], int(edit["lag_minutes"])
            if "max_lag_minutes" in edit:  # older edits hold none: the maximum stays
                found[0].max_lag_minutes = edit["max_lag_minutes"]
    parents = {t.parent_id for t in tasks if t.parent_id is not None}
    for task in tasks:
        task.is_summary = task.pk in parents
    return _Plan(tasks, links, plan.calendar, plan.data_date, plan.per_day)


def _cost_after(project: Project, edits: Sequence[Mapping[str, Any]]) -> tuple[Decimal, Decimal]:
    """The cost baseline now and with the edits (labour follows changed durations)."""
    plan = cost_plan(project=project)
    durations = {e["task"]: int(e["duration_minutes"]) for e in edits if e["op"] == "duration"}
    removed = {e["task"] for e in edits if e["op"] == "remove_task"}
    tasks = {
        str(t.public_id): t
        for t in Task.objects.filter(project=project, public_id__in=[*durations, *removed])
    }
    pk_public = {t.pk: key for key, t in tasks.items()}
    delta = ZERO
    if pk_public:
        work = dict(
            Assignment.objects.filter(task_id__in=pk_public).values_list("pk", "work_hours")
        )
        for row in plan.labour:
            key = pk_public.get(row.task_id)
            if key is None:
                continue
            if key in removed:
                delta -= row.cost
            else:
                hours = planned_hours(
                    work.get(row.assignment_id), durations[key], row.units_percent
                )
                delta += to_cents(hours * row.cost_rate) - row.cost
    lines = {
        str(line.public_id): line
        for line in BudgetLine.objects.filter(
            project=project, public_id__in=[e["line"] for e in edits if e["op"] == "line_amount"]
        )
    }
    for edit in edits:
        op = edit["op"]
        if op == "task_cost":
            old = (
                Task.objects.filter(project=project, public_id=edit["task"])
                .values_list("fixed_cost", flat=True)
                .first()
            )
            delta += Decimal(edit["fixed_cost"]) - Decimal(old or 0)
        elif op == "remove_task":
            delta -= Decimal(tasks[edit["task"]].fixed_cost) if edit["task"] in tasks else ZERO
        elif op == "add_task":
            delta += Decimal(edit["fixed_cost"])
        elif op == "line_amount":
            line = lines.get(edit["line"])
            if line is None:
                raise InvalidInput({"edits": "A budget line this change names no longer exists."})
            delta += Decimal(edit["amount"]) - Decimal(line.amount)
        elif op == "add_line":
            delta += Decimal(edit["amount"])
    subtotal = plan.subtotal + delta
    percent = plan.contingency_percent
    for edit in edits:
        if edit["op"] == "contingency":
            percent = Decimal(edit["percent"])
    after = subtotal + to_cents(subtotal * percent / 100)
    return to_cents(plan.cost_baseline), to_cents(after)


# ------------------------------------------------------------------ the what-if


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _days(plan: _Plan, before: dt.datetime, after: dt.datetime) -> Decimal:
    """Working days from ``before`` to ``after`` (negative when earlier)."""
    if after == before:
        return ZERO
    a, b = (before, after) if after > before else (after, before)
    minutes = engine.working_spans(plan.calendar, [(a, b)])[0]
    days = (Decimal(minutes) / Decimal(plan.per_day)).quantize(Decimal("0.01"))
    return days if after > before else -days


def what_if(project: Project, edits: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The impact of ``edits``: both engine schedules' finishes, the working days between,
    the cost baseline before and after, each milestone's slip; nothing is written.

    Raises InvalidInput when the changed plan cannot be scheduled (e.g. a link closes a
    cycle) or names a task that is gone.
    """
    plan = _current(project)
    changed = _changed_copy(project, plan, edits)
    before = _schedule(project, plan)
    try:
        after = _schedule(project, changed)
    except InvalidInput as exc:
        raise InvalidInput({"edits": exc.errors.get("schedule", ["Cannot schedule."])}) from None
    cost_before, cost_after = _cost_after(project, edits)
    finish_before = before.finish_at if before else None
    finish_after = after.finish_at if after else None
    days = (
        _days(plan, finish_before, finish_after)
        if finish_before is not None and finish_after is not None
        else ZERO
    )
    old_dates = {d.task_id: d for d in before.dates} if before else {}
    new_dates = {d.task_id: d for d in after.dates} if after else {}
    milestones = []
    for task in changed.tasks:
        if task.kind != TaskKind.MILESTONE:
            continue
        old, new = old_dates.get(task.pk), new_dates.get(task.pk)
        slip = _days(plan, old.finish_at, new.finish_at) if old and new else None
        milestones.append(
            {
                "task": str(task.public_id) if task.pk > 0 else None,
                "name": task.name,
                "before": _iso(old.finish_at) if old else None,
                "after": _iso(new.finish_at) if new else None,
                "slip_days": str(slip) if slip is not None else None,
            }
        )
    moved = sum(
        1
        for pk, new in new_dates.items()
        if pk > 0
        and pk in old_dates
        and (old_dates[pk].start_at, old_dates[pk].finish_at) != (new.start_at, new.finish_at)
    )
    return {
        "finish_before": _iso(finish_before),
        "finish_after": _iso(finish_after),
        "finish_delta_days": str(days),
        "cost_before": str(cost_before),
        "cost_after": str(cost_after),
        "cost_delta": str(cost_after - cost_before),
        "critical_before": before.critical_count if before else 0,
        "critical_after": after.critical_count if after else 0,
        "tasks_moved": moved,
        "tasks_added": sum(1 for t in changed.tasks if t.pk < 0),
        "tasks_removed": len(plan.tasks) - sum(1 for t in changed.tasks if t.pk > 0),
        "milestones": milestones,
    }
