"""*My work*: my assigned tasks of today and this week across my projects, with one-click
*Start* / *Done*, a progress form and today's hours on each row. Thin: the progress and
timesheet services decide; a refused save re-renders the section with the row's form and
its messages (400), a stale one says so (409).

Works without JavaScript (POST, redirect back); with htmx each save swaps the section.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.web import add_errors, page_error
from keystage.execution.forms import LogTodayForm, QuickProgressForm
from keystage.execution.selectors import progress as progress_selectors
from keystage.execution.selectors.my_work import my_work
from keystage.execution.services import my_work as services
from keystage.execution.services import progress as progress_services
from keystage.execution.views.progress import one_click
from keystage.planning.models import ProjectCalendar

SECTION = "#mywork-section"
PAGE_SIZE = 50  # rows a page renders; the rest follow on the next pages, in the same order


def _page(request: HttpRequest) -> int:
    raw = request.GET.get("page") or request.POST.get("page") or "1"
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


def _section(
    request: HttpRequest,
    *,
    status: int = 200,
    failed: tuple[str, str, Form] | None = None,
    flash: str = "",
) -> HttpResponse:
    """The section (htmx) or the whole page; ``failed`` = (task id, "progress" | "time", form)."""
    page = _page(request)
    work = my_work(actor(request), offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, -(-work.total // PAGE_SIZE))
    context = {
        "work": work,
        "failed": failed,
        "flash": flash,
        "page": page,
        "pages": pages,
        "prev_page": page - 1 if page > 1 else None,
        "next_page": page + 1 if page < pages else None,
        "first": work.offset + 1,
        "last": work.offset + len(work.rows),
    }
    template = "execution/_my_work.html" if request.htmx else "execution/my_work.html"  # type: ignore[attr-defined]
    response = render(request, template, context, status=status)
    if request.htmx:  # type: ignore[attr-defined]
        response["HX-Retarget"] = SECTION
        response["HX-Reswap"] = "outerHTML"
    return response


def _version(raw: Any) -> int | None:
    return int(raw) if raw and str(raw).isdigit() else None


def _done(request: HttpRequest, flash: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        return _section(request, flash=flash)
    page = _page(request)
    return redirect(reverse("execution:my-work") + (f"?page={page}" if page > 1 else ""))


def _refused(request: HttpRequest, task_id: Any, kind: str, form: Form, exc: DomainError) -> Any:
    add_errors(form, exc)
    return _section(
        request, status=409 if isinstance(exc, Conflict) else 400, failed=(str(task_id), kind, form)
    )


@login_required
@require_GET
def my_work_page(request: HttpRequest) -> HttpResponse:
    """My assigned tasks of today and this week, overdue first."""
    return _section(request)


@login_required
@require_POST
def my_work_progress(request: HttpRequest, task_id: Any) -> HttpResponse:
    """Record progress on one of my tasks: ``action=start`` / ``done``, or the row's form."""
    who = actor(request)
    action = request.POST.get("action", "save")
    form = QuickProgressForm(request.POST)
    try:
        task = progress_selectors.progress_task(who=who, task_id=task_id)
        if action in ("start", "done"):
            calendar = ProjectCalendar.objects.filter(project=task.project).first()
            day = progress_services.today()
            if calendar is not None and calendar.data_date is not None:
                day = min(day, calendar.data_date)
            data = one_click(action, task, day)
        elif not form.is_valid():
            return _section(request, status=400, failed=(str(task_id), "progress", form))
        else:
            data = {
                k: v for k, v in form.cleaned_data.items() if k != "version" and k in request.POST
            }
            if data.get("percent_complete") is None or data.get("actual_finish"):
                data.pop("percent_complete", None)  # finished: 100 %, set by the service
        try:
            progress_services.update_progress(
                who=who,
                task_id=task.public_id,
                version=_version(request.POST.get("version")),
                data=data,
            )
        except (InvalidInput, Conflict) as exc:
            form.is_valid()
            return _refused(request, task_id, "progress", form, exc)
    except DomainError as exc:
        return page_error(request, exc)
    return _done(request, f"Progress on '{task.name}' saved.")


@login_required
@require_POST
def my_work_time(request: HttpRequest, task_id: Any) -> HttpResponse:
    """Set the hours I worked today on one of my tasks (0 removes them)."""
    form = LogTodayForm(request.POST)
    if not form.is_valid():
        return _section(request, status=400, failed=(str(task_id), "time", form))
    try:
        entry = services.log_today(
            who=actor(request),
            task_id=task_id,
            hours=form.cleaned_data["hours"],
            note=form.cleaned_data.get("note") or "",
            version=form.cleaned_data.get("version"),
        )
    except (InvalidInput, Conflict) as exc:
        return _refused(request, task_id, "time", form, exc)
    except DomainError as exc:
        return page_error(request, exc)
    if entry is None:
        return _done(request, "Today's time removed.")
    return _done(request, f"Logged {entry.hours.normalize():f} h today on '{entry.task.name}'.")
