"""Progress on tasks and the project's data date (status date); both reschedule the plan.

``update_progress`` records a task's actual start and finish, duration % complete,
physical % complete and remaining duration. A team member updates only the tasks they
are assigned to (``Perm.RECORD_WORK``), the project manager any task (``Perm.EDIT``).
``set_data_date`` sets the status date (``Perm.EDIT``); ``reschedule_from_data_date``
recalculates the plan so that remaining work starts after it with retained logic.
Every write runs in one transaction under planning's plan lock, is version-checked and
journaled, and leaves the plan rescheduled (``planning.services.wbs.reschedule``, which
gives the engine the tasks' actuals and the data date) — or, inside ``progress_batch``
(bulk loads), rescheduled once per project when the batch ends.

Rules (field errors, 400): percent complete within 0–100; *done* needs an actual
finish; an actual finish needs an actual start and is not before it; work done (% > 0)
needs an actual start; actual dates lie neither in the future nor after the data date;
summary tasks are not edited (they roll up from their sub-tasks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.utils import timezone

from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import Forbidden, InvalidInput, NotFound, VersionRequired
from keystage.execution.selectors.progress import progress_task
from keystage.execution.services.notices import tell_predecessor_finished
from keystage.planning.models import Assignment, ProjectCalendar, Task, TaskKind, TaskStatus
from keystage.planning.services.plan_lock import plan_lock
from keystage.planning.services.wbs import calendar_of, reschedule
from keystage.portfolio.access import access_project, project_perms, require_open, require_perm
from keystage.portfolio.models import Project
from keystage.portfolio.project_events import project_figures_moved

PROGRESS_FIELDS = (
    "actual_start",
    "actual_finish",
    "percent_complete",
    "physical_percent_complete",
    "remaining_minutes",
)
INPUT_FIELDS = (*PROGRESS_FIELDS, "status")

#: Projects whose reschedule waits for the end of a ``progress_batch`` (None: no batch).
_DEFERRED: ContextVar[set[int] | None] = ContextVar("progress_deferred", default=None)


def _reschedule(project: Project) -> None:
    """Reschedule now and tell the apps that read the figures (KPIs), or do both once at
    the end of the enclosing ``progress_batch``."""
    waiting = _DEFERRED.get()
    if waiting is None:
        reschedule(project)
        project_figures_moved(project)
    else:
        waiting.add(project.pk)


@contextmanager
def progress_batch() -> Iterator[None]:
    """Record many progress and data-date writes, then reschedule each project once.

    Inside the block every write is still checked, versioned and journaled on its own; the
    plan is recalculated once per project when the block ends (in one transaction under
    the plan lock), instead of after each write — the demo's and an import's bulk path.
    Nothing is rescheduled when the block raises.
    """
    if _DEFERRED.get() is not None:  # already batching: the outer block reschedules
        yield
        return
    token = _DEFERRED.set(set())
    try:
        yield
        waiting = _DEFERRED.get() or set()
    finally:
        _DEFERRED.reset(token)
    for project in Project.objects.filter(pk__in=waiting).order_by("pk"):
        with transaction.atomic():
            plan_lock(project)
            reschedule(project)
            project_figures_moved(project)


def today() -> dt.date:
    """Today in the organisation's time zone: no actual date may lie after it."""
    return timezone.localdate()


def may_update_progress(who: Any, task: Task, perms: frozenset[str] | None = None) -> bool:
    """Whether ``who`` may record progress on ``task``: the project's editors on any task,
    a team member on the tasks they are assigned to."""
    if perms is None:
        perms = project_perms(who, task.project)
    if Perm.EDIT in perms:
        return True
    return Perm.RECORD_WORK in perms and _assigned(who, task)


def _assigned(who: Any, task: Task) -> bool:
    return Assignment.objects.filter(task=task, person_id=getattr(who, "pk", None)).exists()


def require_progress_right(who: Any, task: Task) -> None:
    """Raise Forbidden unless ``who`` may record progress on ``task`` (with the reason)."""
    perms = project_perms(who, task.project)
    if may_update_progress(who, task, perms):
        return
    if Perm.RECORD_WORK in perms:
        raise Forbidden(
            f"You record progress only on tasks you are assigned to; '{task.name}' is not one."
        )
    require_perm(who=who, project=task.project, perm=Perm.RECORD_WORK)  # closed, or the role
    raise Forbidden(f"Your role in {task.project.code} does not allow recording progress.")


def _as_date(value: Any, field: str, errors: dict[str, str]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = "Give a date as YYYY-MM-DD."
        return None


def _as_percent(value: Any, field: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors[field] = "Give a whole number from 0 to 100."
        return None
    if not 0 <= number <= 100:
        errors[field] = "Percent complete runs from 0 to 100."
        return None
    return round(number)


def _as_minutes(value: Any, field: str, errors: dict[str, str]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = "Give the remaining duration in working minutes."
        return None
    if number < 0:
        errors[field] = "The remaining duration is never negative."
        return None
    return number


def _parsed(data: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """Typed values of the fields given (absent fields stay absent)."""
    out: dict[str, Any] = {}
    for field in ("actual_start", "actual_finish"):
        if field in data:
            out[field] = _as_date(data[field], field, errors)
    for field in ("percent_complete", "physical_percent_complete"):
        if field in data:
            out[field] = _as_percent(data[field], field, errors) or 0
    if "remaining_minutes" in data:
        out["remaining_minutes"] = _as_minutes(
            data["remaining_minutes"], "remaining_minutes", errors
        )
    if "status" in data and data["status"] not in (None, ""):
        if data["status"] not in TaskStatus.values:
            errors["status"] = "Choose not started, in progress or done."
        else:
            out["status"] = data["status"]
    return out


def check_progress(
    task: Task, data: dict[str, Any], *, data_date: dt.date | None, today: dt.date
) -> dict[str, Any]:
    """The progress changes to store, or InvalidInput with every broken rule by field.

    ``data`` holds the fields given (typed or text); the result is normalised: a
    finished task is 100 % complete with nothing remaining, a milestone's dates are one day.
    """
    errors: dict[str, str] = {}
    if task.is_summary:
        raise InvalidInput(
            {"task": f"'{task.name}' is a summary task: its progress rolls up from its sub-tasks."}
        )
    given = _parsed(records.editable(data, INPUT_FIELDS), errors)
    status = given.pop("status", None)
    merged = {f: given.get(f, getattr(task, f)) for f in PROGRESS_FIELDS}
    start, finish = merged["actual_start"], merged["actual_finish"]
    if task.kind == TaskKind.MILESTONE and finish is not None and start is None:
        merged["actual_start"] = start = finish
    if status == TaskStatus.NOT_STARTED and (start or finish or merged["percent_complete"]):
        errors["status"] = "A task not started has no actual dates and no work done."
    if status == TaskStatus.IN_PROGRESS and finish is not None:
        errors["status"] = "A task with an actual finish is done, not in progress."
    if status == TaskStatus.IN_PROGRESS and start is None:
        errors.setdefault("actual_start", "A task in progress needs an actual start.")
    if status == TaskStatus.DONE and finish is None:
        errors.setdefault("actual_finish", "A task marked done needs an actual finish.")
    if finish is not None:
        if start is None:
            errors.setdefault("actual_start", "An actual finish needs an actual start.")
        elif finish < start:
            errors.setdefault("actual_finish", "The actual finish is before the actual start.")
        if given.get("percent_complete") not in (None, 100):
            errors.setdefault("percent_complete", "A finished task is 100 % complete.")
        merged["percent_complete"] = 100
        merged["remaining_minutes"] = None
    elif merged["percent_complete"] >= 100:
        errors.setdefault("actual_finish", "A task 100 % complete is done: give its actual finish.")
    if merged["percent_complete"] > 0 and start is None:
        errors.setdefault(
            "actual_start", f"Work done ({merged['percent_complete']} %) needs an actual start."
        )
    if task.kind == TaskKind.MILESTONE:
        if 0 < merged["percent_complete"] < 100:
            errors.setdefault(
                "percent_complete", "A milestone is either reached (100 %) or not (0 %)."
            )
        if start is not None and finish is not None and start != finish:
            errors.setdefault("actual_finish", "A milestone is reached on one day.")
    for field in ("actual_start", "actual_finish"):
        day = merged[field]
        if day is None or field in errors:
            continue
        if day > today:
            errors[field] = f"{day:%d %b %Y} is in the future; actual dates record what happened."
        elif data_date is not None and day > data_date:
            errors[field] = f"{day:%d %b %Y} is after the data date ({data_date:%d %b %Y})."
    if errors:
        raise InvalidInput(errors)
    return {f: v for f, v in merged.items() if v != getattr(task, f)}


def _summary(task: Task, changes: dict[str, Any]) -> str:
    if changes.get("actual_finish"):
        return f"Recorded '{task.name}' as done on {changes['actual_finish']:%d %b %Y}"
    return f"Recorded progress on '{task.name}'"


def update_progress(
    *, who: Any, task_id: Any, version: int | None, data: dict[str, Any], project_id: Any = None
) -> Task:
    """Record progress on one task at ``version`` and reschedule its plan.

    ``data`` may hold ``actual_start``, ``actual_finish`` (dates), ``percent_complete``
    (duration %), ``physical_percent_complete``, ``remaining_minutes`` and ``status``
    (checked against the actuals; it is derived, never stored). The project manager
    updates any task, a team member only the tasks they are assigned to; outsiders get
    404, closed projects 403. Returns the task as stored, with its new dates.
    """
    task = progress_task(who=who, task_id=task_id, project_id=project_id)
    require_progress_right(who, task)
    if version is None:
        raise VersionRequired()
    project = task.project
    with transaction.atomic():
        plan_lock(project)
        fresh = Task.objects.select_related("project").filter(pk=task.pk).first()
        if fresh is None:
            raise NotFound("No such task.")
        calendar = calendar_of(project)
        changes = check_progress(
            fresh,
            data,
            data_date=calendar.data_date if calendar else None,
            today=today(),
        )
        finished_now = fresh.actual_finish is None and changes.get("actual_finish") is not None
        stored = records.update(
            who=who,
            instance=fresh,
            version=version,
            changes=changes,
            project=project,
            summary=_summary(fresh, changes),
        )
        _reschedule(project)
        if finished_now:
            tell_predecessor_finished(who, stored)
    stored.refresh_from_db()
    return stored


def _latest_actual(project: Project) -> tuple[Task, dt.date] | None:
    """The task with the latest actual date of the project and that date (None without)."""
    tasks = Task.objects.filter(project=project, actual_start__isnull=False)
    by_finish = tasks.filter(actual_finish__isnull=False).order_by("-actual_finish").first()
    by_start = tasks.order_by("-actual_start").first()
    best: tuple[Task, dt.date] | None = None
    for task in (by_finish, by_start):
        if task is None:
            continue
        day = task.actual_finish or task.actual_start
        if day is not None and (best is None or day > best[1]):
            best = (task, day)
    return best


def set_data_date(
    *, who: Any, project_id: Any, data_date: Any, version: int | None
) -> ProjectCalendar:
    """Set (or clear, with None) the project's data date and reschedule from it.

    The project manager's right (``Perm.EDIT``). The data date is the status date: work
    is recorded up to the end of that day, remaining work is scheduled after it. It may
    not precede the project's start or any actual date already recorded. The calendar row
    carries it, so its ``version`` is needed once the calendar exists.
    """
    project = access_project(who=who, project_id=project_id, perm=Perm.EDIT)
    return _set_data_date(who=who, project=project, data_date=data_date, version=version)


def set_data_date_as_system(
    *, project: Project, data_date: Any, via: str = "keystage CLI"
) -> ProjectCalendar:
    """Set the data date as the system actor (the command line): no version needed.

    Closed and cancelled projects stay read-only here too.
    """
    require_open(project)
    return _set_data_date(who=None, project=project, data_date=data_date, version=None, via=via)


def _set_data_date(
    *, who: Any, project: Project, data_date: Any, version: int | None, via: str = ""
) -> ProjectCalendar:
    errors: dict[str, str] = {}
    day = _as_date(data_date, "data_date", errors)
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        plan_lock(project)
        if day is not None:
            _check_data_date(project, day)
        summary = f"Set the data date to {day:%d %b %Y}" if day else "Cleared the data date"
        if via:
            summary += f" (as the system, {via})"
        calendar = calendar_of(project)
        if calendar is None:
            calendar = records.create(
                who=who,
                instance=ProjectCalendar(project=project, data_date=day),
                project=project,
                fields=("data_date",),
                summary=summary,
            )
        else:
            if version is None and who is not None:
                raise VersionRequired()
            calendar = records.update(
                who=who,
                instance=calendar,
                version=calendar.version if version is None else version,
                changes={"data_date": day},
                project=project,
                summary=summary,
            )
        _reschedule(project)
    return calendar


def _check_data_date(project: Project, day: dt.date) -> None:
    if day < project.start_date:
        raise InvalidInput({"data_date": f"The project starts on {project.start_date:%d %b %Y}."})
    latest = _latest_actual(project)
    if latest is not None:
        task, last = latest
        if day < last:
            raise InvalidInput(
                {
                    "data_date": f"'{task.name}' has an actual date of "
                    f"{last:%d %b %Y}; the data date cannot be before it."
                }
            )


def reschedule_from_data_date(*, who: Any, project_id: Any) -> Project:
    """Recalculate the plan from its data date and recorded progress (``Perm.EDIT``).

    Every progress and data-date write already reschedules; this is the explicit action
    (the page's button, the CLI) after, say, a change of the calendar's holidays.
    """
    project = access_project(who=who, project_id=project_id, perm=Perm.EDIT)
    with transaction.atomic():
        plan_lock(project)
        reschedule(project)
    return project
