"""The plan table (work breakdown, MS Project style) and the project calendar. Thin.

The table is one page; every edit (a cell, an outline move, an insert, a delete) is a POST
that calls one service and answers with the re-rendered table body, because rescheduling
moves many rows at once. htmx swaps the body in and the page's script puts the focus back
on the edited cell. A field error (400), a stale version (409) or a lost version (428)
answers with the body too, the message shown next to the cell. Without htmx a write
redirects back to the page (or renders it with the error).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.versioning import parse_version
from keystage.core.web import page_error
from keystage.engine.network import ConstraintType
from keystage.planning import engine
from keystage.planning.forms.wbs import CELL_FIELDS, CellForm
from keystage.planning.models import Task, TaskKind
from keystage.planning.selectors import wbs as selectors
from keystage.planning.services import dependencies as dependency_services
from keystage.planning.services import wbs as services
from keystage.planning.views.scope import htmx, open_project
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project

PAGE = "planning/wbs.html"
BODY = "planning/wbs_body.html"

# Which cell shows a service's field error (anything else goes to the edited cell).
CELL_OF_ERROR = {
    "name": "name",
    "duration_minutes": "duration",
    "kind": "duration",
    "work_hours": "work",
    "predecessors": "predecessors",
    "constraint_type": "constraint",
    "constraint_date": "constraint",
    "deadline": "deadline",
}


@dataclass
class CellNote:
    """A message shown next to one cell after a refused write.

    ``value`` is what was typed: with ``reopen`` the page opens the cell's editor again with
    it, so the user can correct the entry instead of typing it anew.
    """

    task_id: int
    field: str
    messages: list[str]
    value: str = ""
    reopen: bool = False
    conflict: bool = False


@dataclass
class Answer:
    """What a write tells the table: a note by a cell, a status line, a new row to focus."""

    status: int = 200
    note: CellNote | None = None
    message: str = ""
    focus_task: str = ""
    focus_field: str = ""
    focus_edit: bool = False


def _table_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    table = selectors.plan_table(who=actor(request), project=project)
    return {
        "project": project,
        "table": table,
        "can_edit": Perm.EDIT in project_perms(request.user, project),
        "constraint_choices": ConstraintType.choices(),
        "per_day": table.minutes_per_day,
    }


def _answer(request: HttpRequest, project: Project, answer: Answer) -> HttpResponse:
    """The refreshed table body (htmx), or back to the page."""
    if not htmx(request) and answer.status == 200:
        if answer.message:
            messages.success(request, answer.message)
        return redirect(reverse("planning:plan", args=[project.public_id]))
    # A refusal renders the table with its note (the whole page without htmx).
    context = {**_table_context(request, project), "answer": answer, "oob": htmx(request)}
    template = BODY if htmx(request) else PAGE
    return render(request, template, context, status=answer.status)


def _messages_of(exc: DomainError) -> list[str]:
    if isinstance(exc, InvalidInput):
        return [m for msgs in exc.errors.values() for m in msgs]
    return [exc.message]


def _refused(exc: DomainError, task: Task | None, cell: str, typed: str | None) -> Answer:
    """An Answer for a service's refusal, shown by ``cell`` of the task's row.

    ``typed`` is the value of a cell edit (None for outline commands): the editor reopens
    with it after a field error; after a conflict the row shows the current version instead.
    """
    if isinstance(exc, Conflict):
        if task is None or exc.current is None:
            message = "Not saved — this task was deleted by someone else meanwhile."
            return Answer(409, None, message)
        message = (
            f"Not saved — '{exc.current.name}' was changed by someone else since you loaded "
            "the plan. The row now shows the current version; apply your change again."
        )
        if typed:
            message += f" You had typed: {typed}"
        return Answer(409, CellNote(task.pk, cell, [message], conflict=True), message)
    if isinstance(exc, InvalidInput) and typed is not None:
        cells = {CELL_OF_ERROR[k] for k in exc.errors if k in CELL_OF_ERROR}
        cell = cells.pop() if len(cells) == 1 else cell
    status = 428 if exc.status_code == 428 else 400
    texts = _messages_of(exc)
    note = (
        CellNote(task.pk, cell, texts, typed or "", reopen=typed is not None)
        if task is not None
        else None
    )
    return Answer(status, note, "Not saved: " + " ".join(texts))


# ---------------------------------------------------------------------- the table


@login_required
@require_GET
def plan_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The work breakdown as a table: WBS order, dates, links, float and the critical path."""
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    return render(request, PAGE, {**_table_context(request, project), "answer": None})


def _open_task(request: HttpRequest, project_id: str, task_id: str) -> tuple[Project, Task]:
    project = open_project(request, project_id, Perm.EDIT)
    return project, selectors.task_get(who=actor(request), project=project, task_id=task_id)


def _parse_work(text: str) -> Decimal | None:
    raw = text.strip().lower().removesuffix("hrs").removesuffix("h").strip().replace(",", ".")
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        message = f"'{text}' is not an amount of hours: write e.g. 40h."
        raise InvalidInput({"work_hours": message}) from None


def _parse_date(text: str, field_name: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        message = f"'{text}' is not a date: write it as YYYY-MM-DD."
        raise InvalidInput({field_name: message}) from None


def _save_cell(
    who: User, project: Project, task: Task, form: CellForm, version: int
) -> tuple[Task, str]:
    """Call the one service that writes this cell; returns the task and what changed."""
    cell, value = form.cleaned_data["field"], form.cleaned_data["value"]
    data: dict[str, Any]
    if cell == "predecessors":
        saved = dependency_services.predecessors_set(
            who=who, project=project, task=task, text=value, version=version
        )
        return saved, "predecessors"
    if cell == "name":
        data = {"name": value}
    elif cell == "duration":
        if task.is_summary:
            raise InvalidInput(
                {"duration_minutes": "A summary's duration comes from its sub-tasks."}
            )
        per_day = engine.minutes_per_day(selectors.calendar_get(who=who, project=project))
        minutes = dependency_services.parse_duration(value, per_day)
        if minutes == 0:  # as in MS Project, a zero duration makes a milestone
            data = {"kind": TaskKind.MILESTONE, "duration_minutes": 0}
        elif task.kind == TaskKind.MILESTONE:
            data = {"kind": TaskKind.TASK, "duration_minutes": minutes}
        else:
            data = {"duration_minutes": minutes}
    elif cell == "work":
        data = {"work_hours": _parse_work(value)}
    elif cell == "constraint":
        if value not in ConstraintType:
            raise InvalidInput({"constraint_type": "Choose a constraint from the list."})
        data = {
            "constraint_type": value,
            "constraint_date": form.cleaned_data.get("constraint_date"),
        }
    else:
        data = {"deadline": _parse_date(value, "deadline")}
    saved = services.task_update(who=who, project=project, task=task, version=version, data=data)
    return saved, cell


@login_required
@require_POST
def task_cell(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """Save one cell of a row (name, duration, work, predecessors, constraint, deadline)."""
    try:
        project, task = _open_task(request, project_id, task_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = CellForm(request.POST)
    cell = request.POST.get("field", "")
    cell = cell if cell in CELL_FIELDS else "name"
    typed = request.POST.get("value", "")
    if cell == "constraint":
        typed = f"{typed} {request.POST.get('constraint_date', '')}".strip()
    try:
        if not form.is_valid():
            raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})
        version = parse_version(request.POST.get("version"))
        saved, what = _save_cell(actor(request), project, task, form, version)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return page_error(request, exc)
        return _answer(request, project, _refused(exc, task, cell, typed))
    return _answer(
        request,
        project,
        Answer(message=f"Row {saved.row} '{saved.name}': {what} saved; the plan is rescheduled."),
    )


@login_required
@require_POST
def task_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Insert a task directly below row ``after`` (its first sub-task when it is a summary),
    or at the end of the plan."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        anchor = None
        if request.POST.get("after"):
            anchor = selectors.task_get(who=who, project=project, task_id=request.POST["after"])
    except DomainError as exc:
        return page_error(request, exc)
    name = request.POST.get("name", "").strip() or "New task"
    place: dict[str, Any] = {}
    if anchor is not None and anchor.is_summary:
        first = selectors.first_subtask(who=who, project=project, task=anchor)
        place = {"before_id": first.public_id} if first else {"parent_id": anchor.public_id}
    elif anchor is not None:
        place = {"after_id": anchor.public_id}
    try:
        task = services.task_create(who=who, project=project, data={"name": name}, **place)
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return page_error(request, exc)
        return _answer(request, project, _refused(exc, anchor, "name", None))
    return _answer(
        request,
        project,
        Answer(
            message=f"Row {task.row} '{task.name}' added; type its name.",
            focus_task=str(task.public_id),
            focus_field="name",
            focus_edit=True,
        ),
    )


@login_required
@require_POST
def task_move(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """Indent, outdent, or move a row up or down (with its sub-tasks)."""
    try:
        project, task = _open_task(request, project_id, task_id)
    except DomainError as exc:
        return page_error(request, exc)
    action = request.POST.get("action", "")
    try:
        moved = services.task_move(
            who=actor(request),
            project=project,
            task=task,
            version=parse_version(request.POST.get("version")),
            action=action,
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return page_error(request, exc)
        return _answer(request, project, _refused(exc, task, "name", None))
    verb = {"indent": "indented", "outdent": "outdented", "up": "moved up", "down": "moved down"}
    return _answer(
        request,
        project,
        Answer(
            message=f"'{moved.name}' {verb[action]}: now row {moved.row}, WBS {moved.wbs_code}."
        ),
    )


@login_required
@require_POST
def task_delete(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """Delete a row and its sub-tasks (the page asks for confirmation first)."""
    try:
        project, task = _open_task(request, project_id, task_id)
    except DomainError as exc:
        return page_error(request, exc)
    try:
        services.task_delete(
            who=actor(request),
            project=project,
            task=task,
            version=parse_version(request.POST.get("version")),
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return page_error(request, exc)
        return _answer(request, project, _refused(exc, task, "name", None))
    return _answer(
        request,
        project,
        Answer(message=f"Row {task.row} '{task.name}' deleted; the plan is rescheduled."),
    )
