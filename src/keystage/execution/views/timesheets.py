"""Timesheet pages: one's week as a grid (tasks × days), submit; the manager's approval queue
with totals by task, person and week. Thin: parse, call one service, render.

The grid posts as a plain form (works without JavaScript); a saved week redirects back to
itself, a refused one re-renders with the messages and status 400 (409 when the week changed
meanwhile). Rows are ``task-<i>``, ``h-<i>-<0..6>`` and ``note-<i>``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict, DomainError, InvalidInput, NotFound
from keystage.core.lookup import parse_public_id
from keystage.core.web import page_error
from keystage.execution.models import TimesheetStatus
from keystage.execution.selectors import timesheets as selectors
from keystage.execution.services import timesheets as services
from keystage.execution.services.timesheet_rules import week_start
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get

WEEK = "execution/timesheets/week.html"
APPROVALS = "execution/timesheets/approvals.html"
SEARCH = "execution/timesheets/_task_search.html"
MAX_ROWS = selectors.MAX_ROWS
#: The decisions that take a reason: the service and what the message says was done.
WITH_REASON = {
    "reject": (services.timesheet_reject, "rejected"),
    "reopen": (services.timesheet_reopen, "reopened"),
}


def _project(request: HttpRequest, project_id: Any, perm: str = Perm.VIEW) -> Project:
    return project_get(who=actor(request), project_id=project_id, perm=perm)


def _monday(raw: str) -> dt.date:
    try:
        return week_start(dt.date.fromisoformat(raw))
    except ValueError:
        raise NotFound() from None


def _week_url(project: Project, monday: dt.date) -> str:
    return reverse("execution:timesheet-week", args=[project.public_id, monday.isoformat()])


@login_required
@require_GET
def timesheet_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """One's current week in the project."""
    try:
        project = _project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    return redirect(_week_url(project, week_start(services.today())))


def _posted_rows(request: HttpRequest) -> tuple[list[services.GridRow], dict[str, list[str]]]:
    """The grid's rows and what was typed in each cell (to show it again after an error)."""
    rows: list[services.GridRow] = []
    typed: dict[str, list[str]] = {}
    for i in range(MAX_ROWS):
        task = request.POST.get(f"task-{i}")
        if task is None:
            break
        cells = [request.POST.get(f"h-{i}-{d}", "").strip() for d in range(7)]
        rows.append(services.GridRow(task, cells, request.POST.get(f"note-{i}", "")))
        typed[task] = [*cells, request.POST.get(f"note-{i}", "")]
    return rows, typed


def _public_ids(raw: list[str]) -> list[uuid.UUID]:
    found = []
    for value in raw:
        try:
            found.append(parse_public_id(value))
        except NotFound:
            continue
    return found


def _assigned(task: Any) -> bool:
    """``loggable_tasks``' annotation: the task is assigned to the person."""
    return bool(getattr(task, "is_assigned", False))


def _week_context(
    request: HttpRequest,
    project: Project,
    monday: dt.date,
    typed: dict[str, list[str]] | None,
    places: dict[tuple[str, int | None], list[str]] | None = None,
) -> dict[str, Any]:
    """The grid's context; ``places`` are a refused save's messages by (task id, day index),
    day None for the whole row, shown on the offending cell or row."""
    who = actor(request)
    week = selectors.week_view(who=who, project=project, day=monday)
    shown = {r.task.pk for r in week.rows}
    add = _public_ids([request.GET.get("add") or ""])
    if add and week.editable:
        for task in selectors.loggable_tasks(who=who, project=project).filter(public_id=add[0]):
            if task.pk not in shown:
                week.rows.append(selectors.WeekRow(task, [None] * 7, assigned=_assigned(task)))
                shown.add(task.pk)
    if typed:  # re-show what was typed, rows the page added included (one query)
        known = {str(r.task.public_id) for r in week.rows}
        missing = _public_ids([t for t in typed if t not in known])
        if missing:
            for task in selectors.loggable_tasks(who=who, project=project).filter(
                public_id__in=missing
            ):
                week.rows.append(selectors.WeekRow(task, [None] * 7, assigned=_assigned(task)))
    rows = []
    for r in week.rows:
        values = (typed or {}).get(str(r.task.public_id))
        cells = (
            values[:7] if values else [("" if c is None else f"{c.normalize():f}") for c in r.cells]
        )
        task_id = str(r.task.public_id)
        rows.append(
            {
                "row": r,
                "cells": [
                    (day, value, (places or {}).get((task_id, d), []))
                    for d, (day, value) in enumerate(zip(week.days, cells, strict=True))
                ],
                "note": values[7] if values else r.note,
                "problems": (places or {}).get((task_id, None), []),
            }
        )
    perms = project_perms(who, project)
    query = request.GET.get("q", "").strip()[:100]
    return {
        "project": project,
        "week": week,
        "rows": rows,
        "prev": _week_url(project, monday - dt.timedelta(days=7)),
        "next": _week_url(project, monday + dt.timedelta(days=7)),
        "this_week": _week_url(project, week_start(services.today())),
        "week_url": _week_url(project, monday),
        "today": services.today(),
        "can_record": Perm.RECORD_WORK in perms,
        "can_approve": Perm.APPROVE_TIME in perms,
        "query": query,
        "limit": selectors.SEARCH_LIMIT,
        "found": (
            selectors.task_search(who=who, project=project, query=query, exclude=shown)
            if query and week.editable
            else None
        ),
    }


@login_required
@require_GET
def task_search(request: HttpRequest, project_id: str, week: str) -> HttpResponse:
    """*Add a task*: the tasks one may log time on matching ``q`` (htmx partial), each a link
    that adds it as a row of the week."""
    try:
        project = _project(request, project_id, Perm.RECORD_WORK)
        monday = _monday(week)
    except DomainError as exc:
        return page_error(request, exc)
    query = request.GET.get("q", "").strip()[:100]
    found = selectors.task_search(who=actor(request), project=project, query=query)
    return render(
        request,
        SEARCH,
        {
            "found": found,
            "query": query,
            "week_url": _week_url(project, monday),
            "limit": selectors.SEARCH_LIMIT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def week_page(request: HttpRequest, project_id: str, week: str) -> HttpResponse:
    """One's week: tasks × days with a note per row; save the whole grid at once."""
    try:
        project = _project(request, project_id)
        monday = _monday(week)
    except DomainError as exc:
        return page_error(request, exc)
    if request.method == "GET":
        return render(request, WEEK, _week_context(request, project, monday, None))
    rows, typed = _posted_rows(request)
    raw = request.POST.get("version") or ""
    context: dict[str, Any] = {}
    try:
        services.week_save(
            who=actor(request),
            project=project,
            week=monday,
            version=int(raw) if raw.isdigit() else None,
            rows=rows,
        )
    except InvalidInput as exc:
        context["errors"] = [m for messages_ in exc.errors.values() for m in messages_]
        status = 400
        if isinstance(exc, services.GridInvalid):  # on the offending cells and rows too
            task_of = [str(r.task) for r in rows]
            places: dict[tuple[str, int | None], list[str]] = {
                (task_of[r], d): texts for (r, d), texts in exc.cells.items() if r < len(task_of)
            }
            places |= {(task_of[r], None): t for r, t in exc.rows.items() if r < len(task_of)}
            context["places"] = places
    except Conflict:
        context["errors"] = ["Someone changed this week meanwhile; reload it and try again."]
        status = 409
    except DomainError as exc:
        context["errors"] = [exc.message]
        status = exc.status_code if exc.status_code in (403, 428) else 400
    else:
        messages.success(request, f"Week of {monday:%d %b %Y} saved.")
        return redirect(_week_url(project, monday))
    context.update(_week_context(request, project, monday, typed, context.get("places")))
    return render(request, WEEK, context, status=status)


@login_required
@require_POST
def week_submit(request: HttpRequest, project_id: str, week: str) -> HttpResponse:
    """Send one's week to the project manager."""
    try:
        project = _project(request, project_id, Perm.RECORD_WORK)
        monday = _monday(week)
        sheet = (
            selectors.timesheet_list(who=actor(request), project=project)
            .filter(person=actor(request), week_start=monday)
            .first()
        )
        if sheet is None:
            raise InvalidInput({"status": "The week has no time yet; log some before submitting."})
        raw = request.POST.get("version") or ""
        services.timesheet_submit(
            who=actor(request), timesheet=sheet, version=int(raw) if raw.isdigit() else 0
        )
    except (InvalidInput, Conflict) as exc:
        context = _week_context(request, project, monday, None)
        context["errors"] = (
            [m for ms in exc.errors.values() for m in ms]
            if isinstance(exc, InvalidInput)
            else ["Someone changed this week meanwhile; reload it and try again."]
        )
        return render(request, WEEK, context, status=409 if isinstance(exc, Conflict) else 400)
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, f"Week of {monday:%d %b %Y} submitted to the project manager.")
    return redirect(_week_url(project, monday))


def _approvals_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    who = actor(request)
    queue = list(
        selectors.timesheet_list(who=who, project=project, status=TimesheetStatus.SUBMITTED)
    )
    entries = (
        selectors.entries_visible_to(who, project)
        .filter(timesheet__in=[s.pk for s in queue])
        .order_by("task__row", "day")
    )
    by_sheet: dict[int, list[Any]] = {}
    for entry in entries:
        by_sheet.setdefault(entry.timesheet_id, []).append(entry)
    recent = list(
        selectors.timesheet_list(who=who, project=project).exclude(
            status__in=[TimesheetStatus.SUBMITTED, TimesheetStatus.DRAFT]
        )[:20]
    )
    settings = selectors.project_settings(project)
    return {
        "project": project,
        "queue": [(s, by_sheet.get(s.pk, [])) for s in queue],
        "recent": recent,
        "totals": selectors.totals(who=who, project=project),
        "settings": settings,
        "allow_unassigned": bool(settings and settings.allow_unassigned),
        "me": who,
        "currency": getattr(project.organisation, "currency", ""),
    }


@login_required
@require_GET
def approvals_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The manager's queue of submitted weeks, recent decisions, and totals."""
    try:
        project = _project(request, project_id, Perm.APPROVE_TIME)
    except DomainError as exc:
        return page_error(request, exc)
    return render(request, APPROVALS, _approvals_context(request, project))


@login_required
@require_POST
def timesheet_decide(request: HttpRequest, project_id: str, timesheet_id: str) -> HttpResponse:
    """Approve or reject (with a reason) a submitted week; reopen (with a reason) an approved
    one."""
    try:
        project = _project(request, project_id, Perm.APPROVE_TIME)
        sheet = selectors.timesheet_get(
            who=actor(request), project=project, timesheet_id=timesheet_id
        )
        raw = request.POST.get("version") or ""
        version = int(raw) if raw.isdigit() else 0
        with_reason = WITH_REASON.get(request.POST.get("action", ""))
        if with_reason is not None:
            service, done = with_reason
            service(
                who=actor(request),
                timesheet=sheet,
                version=version,
                reason=request.POST.get("reason", ""),
            )
        else:
            services.timesheet_approve(who=actor(request), timesheet=sheet, version=version)
            done = "approved"
    except (InvalidInput, Conflict) as exc:
        context = _approvals_context(request, project)
        context["errors"] = (
            [m for ms in exc.errors.values() for m in ms]
            if isinstance(exc, InvalidInput)
            else ["Someone changed this week meanwhile; reload and decide again."]
        )
        context["error_sheet"] = str(timesheet_id)
        return render(request, APPROVALS, context, status=409 if isinstance(exc, Conflict) else 400)
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(
        request, f"Week of {sheet.week_start:%d %b %Y} of {sheet.person.display_name} {done}."
    )
    return redirect("execution:timesheet-approvals", project.public_id)


@login_required
@require_POST
def settings_save(request: HttpRequest, project_id: str) -> HttpResponse:
    """Allow (or not) time on tasks one is not assigned to."""
    try:
        project = _project(request, project_id, Perm.APPROVE_TIME)
        raw = request.POST.get("version") or ""
        services.settings_save(
            who=actor(request),
            project=project,
            version=int(raw) if raw.isdigit() else None,
            allow_unassigned=request.POST.get("allow_unassigned") in ("on", "true", "1"),
        )
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, "Timesheet settings saved.")
    return redirect("execution:timesheet-approvals", project.public_id)
