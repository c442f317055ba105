"""The progress page: every task's status and progress, a row editor (with one-click *Start*
and *Done*), the data date and *Reschedule from data date*. Thin: the services decide.

Works without JavaScript (form pages, POST, redirect); with htmx a row's form opens under
it, and a save swaps the refreshed section in; field errors come back with status 400.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.web import add_errors, page_error
from keystage.execution.forms import DataDateForm, ProgressForm
from keystage.execution.selectors import progress as selectors
from keystage.execution.services import progress as services
from keystage.planning.engine import minutes_per_day
from keystage.planning.models import ProjectCalendar, Task, TaskStatus

SECTION = "#progress-section"


def _section(
    request: HttpRequest, project_id: Any, status: int = 200, **extra: Any
) -> HttpResponse:
    """The progress section (htmx) or the whole page."""
    progress = selectors.project_progress(who=actor(request), project_id=project_id)
    calendar = ProjectCalendar.objects.filter(project=progress.project).first()
    context = {
        "project": progress.project,
        "progress": progress,
        "today": timezone.localdate(),
        "date_form": extra.pop(
            "date_form",
            DataDateForm(
                initial={"data_date": progress.data_date, "version": progress.calendar_version}
            ),
        ),
        "minutes_per_day": minutes_per_day(calendar),
        **extra,
    }
    template = "execution/_section.html" if request.htmx else "execution/page.html"  # type: ignore[attr-defined]
    response = render(request, template, context, status=status)
    if request.htmx:  # type: ignore[attr-defined]
        response["HX-Retarget"] = SECTION
        response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_http_methods(["GET"])
def progress_page(request: HttpRequest, project_id: Any) -> HttpResponse:
    """The project's tasks with status, actual dates, percent complete and slips."""
    try:
        return _section(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)


def _initial(task: Task, per_day: int) -> dict[str, Any]:
    remaining = None
    if task.remaining_minutes is not None:
        remaining = (Decimal(task.remaining_minutes) / per_day).quantize(Decimal("0.01"))
    return {
        "status": task.progress_status,
        "actual_start": task.actual_start,
        "actual_finish": task.actual_finish,
        "percent_complete": task.percent_complete,
        "physical_percent_complete": task.physical_percent_complete,
        "remaining_days": remaining,
        "version": task.version,
    }


def one_click(action: str, task: Task, day: dt.date) -> dict[str, Any]:
    """The change a *Start* or *Done* button makes, on ``day``."""
    if action == "start":
        return {"actual_start": task.actual_start or day}
    planned = timezone.localtime(task.start_at).date() if task.start_at else day
    start = task.actual_start or min(planned, day)
    return {"actual_start": start, "actual_finish": day, "percent_complete": 100}


def _from_form(form: ProgressForm, per_day: int) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    days = data.pop("remaining_days", None)
    data["remaining_minutes"] = None if days is None else round(days * per_day)
    if data.get("actual_finish") is not None:
        data.pop("percent_complete", None)  # a finished task is 100 % complete
        data["remaining_minutes"] = None
    return data


@login_required
@require_http_methods(["GET", "POST"])
def task_progress_edit(request: HttpRequest, project_id: Any, task_id: Any) -> HttpResponse:
    """A task's progress form; POST saves it, or ``action=start`` / ``done`` in one click."""
    who = actor(request)
    try:
        task = selectors.progress_task(who=who, task_id=task_id, project_id=project_id)
        calendar = ProjectCalendar.objects.filter(project=task.project).first()
        per_day = minutes_per_day(calendar)
        services.require_progress_right(who, task)  # before reading the form: 403, not 400
        if request.method == "GET":
            form = ProgressForm(initial=_initial(task, per_day))
            return _form(request, task, form, 200)
        action = request.POST.get("action", "save")
        version = request.POST.get("version") or None
        if action in ("start", "done"):
            data_date = calendar.data_date if calendar else None
            now = services.today()
            day = min(now, data_date) if data_date else now
            data = one_click(action, task, day)
        else:
            form = ProgressForm(request.POST)
            if not form.is_valid():
                return _form(request, task, form, 400)
            data = _from_form(form, per_day)
        try:
            services.update_progress(
                who=who,
                task_id=task.public_id,
                version=int(version) if version and str(version).isdigit() else None,
                data=data,
            )
        except InvalidInput as exc:
            bound = request.POST if action == "save" else {**_initial(task, per_day), **data}
            form = ProgressForm(bound)
            form.is_valid()
            add_errors(form, exc)
            return _form(request, task, form, 400)
    except DomainError as exc:
        return page_error(request, exc)
    if request.htmx:  # type: ignore[attr-defined]
        return _section(request, project_id, flash=f"Progress on '{task.name}' saved.")
    return redirect(reverse("execution:progress", args=[task.project.public_id]))


def _form(request: HttpRequest, task: Task, form: ProgressForm, status: int) -> HttpResponse:
    template = "execution/_task_form.html" if request.htmx else "execution/task_page.html"  # type: ignore[attr-defined]
    context = {
        "project": task.project,
        "task": task,
        "form": form,
        "statuses": TaskStatus.choices,
        "today": timezone.localdate(),
        "standalone": not request.htmx,  # type: ignore[attr-defined]
    }
    response = render(request, template, context, status=status)
    if request.htmx and request.method == "POST":  # type: ignore[attr-defined]
        response["HX-Retarget"] = f"#progress-form-{task.public_id}"  # errors stay in place
        response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_POST
def data_date_edit(request: HttpRequest, project_id: Any) -> HttpResponse:
    """Set the data date and reschedule from it (project editors)."""
    form = DataDateForm(request.POST)
    try:
        if not form.is_valid():
            return _section(request, project_id, status=400, date_form=form)
        version = form.cleaned_data.get("version")
        try:
            services.set_data_date(
                who=actor(request),
                project_id=project_id,
                data_date=form.cleaned_data.get("data_date"),
                version=version,
            )
        except InvalidInput as exc:
            add_errors(form, exc)
            return _section(request, project_id, status=400, date_form=form)
        if request.htmx:  # type: ignore[attr-defined]
            return _section(request, project_id, flash="Data date set; the plan is rescheduled.")
    except DomainError as exc:
        return page_error(request, exc)
    return redirect(reverse("execution:progress", args=[project_id]))


@login_required
@require_POST
def reschedule(request: HttpRequest, project_id: Any) -> HttpResponse:
    """Reschedule remaining work from the data date (project editors)."""
    try:
        services.reschedule_from_data_date(who=actor(request), project_id=project_id)
        if request.htmx:  # type: ignore[attr-defined]
            return _section(request, project_id, flash="Rescheduled from the data date.")
    except DomainError as exc:
        return page_error(request, exc)
    return redirect(reverse("execution:progress", args=[project_id]))
