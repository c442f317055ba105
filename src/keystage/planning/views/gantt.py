"""The Gantt page: the SVG chart inline, zoom and baseline controls, drag to reschedule. Thin.

The chart is one SVG (no element per task besides its shapes); ``planning/gantt.js``
keeps the table and the time scale in view while it scrolls and, for those who may
edit, turns a drag into a PATCH of the task (``If-Match`` its version) through the
REST API, then fetches the redrawn chart (``?partial=chart``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.planning.selectors import gantt as selectors
from keystage.planning.views.scope import open_project
from keystage.portfolio.access import project_perms

KIND_CODES = {"task": "t", "milestone": "m", "summary": "s"}


def _task_meta(data: selectors.GanttData) -> dict[str, list[Any]]:
    """What the drag script needs per task: version, kind, start and finish day, duration."""
    return {
        t.id: [
            t.version,
            KIND_CODES[str(t.kind)],
            t.start.date().isoformat(),
            t.finish.date().isoformat(),
            t.duration_minutes,
        ]
        for t in data.tasks
    }


def _first_open_row(data: selectors.GanttData, today: dt.date) -> int:
    """The first task or milestone not finished before ``today``: where "Today" scrolls to."""
    summary = selectors.GanttKind.SUMMARY
    return next(
        (i for i, t in enumerate(data.tasks) if t.kind != summary and t.finish.date() >= today),
        0,
    )


@login_required
@require_GET
def gantt_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's Gantt; ``?partial=chart`` answers the chart alone (for redraws)."""
    who = actor(request)
    zoom = request.GET.get("zoom") or "week"
    baseline_id = request.GET.get("baseline") or selectors.LATEST
    try:
        project = open_project(request, project_id)
        data = selectors.gantt_data(who=who, project=project, baseline_id=baseline_id)
        today = timezone.localdate()
        data_date = selectors.data_date_of(project, today)
        chart = selectors.gantt_chart(data, zoom=zoom, today=today, data_date=data_date)
    except DomainError as exc:
        return page_error(request, exc)
    can_edit = Perm.EDIT in project_perms(who, project)
    shown = str(data.baseline.id) if data.baseline else selectors.NO_BASELINE
    page_url = reverse("planning:gantt", args=[project.public_id])
    api_args = {"project_id": project.public_id}
    first_day = min((t.start.date() for t in data.tasks), default=chart.origin)
    finish = max((t.finish for t in data.tasks), default=None)
    context = {
        "project": project,
        "start_x": chart.x_of(first_day),
        "today_x": chart.x_of(today),
        # A plan under way opens on today's line, one yet to start (or over) on its first day.
        "opens_at": "today" if finish and first_day < today <= finish.date() else "start",
        "today_row": _first_open_row(data, today),
        "data": data,
        "chart": chart,
        "today": today,
        "data_date": data_date,
        "zoom": zoom,
        "zooms": selectors.ZOOMS,
        "baseline_shown": shown,
        "can_edit": can_edit,
        "critical_count": sum(1 for t in data.tasks if t.critical),
        "finish": finish,
        "refresh_url": f"{page_url}?zoom={zoom}&baseline={shown}&partial=chart",
        "tasks_api": reverse("api:planning-task-list", kwargs=api_args),
        "svg_url": reverse("api:planning-gantt", kwargs=api_args)
        + f"?format=svg&zoom={zoom}&baseline={shown}",
    }
    if can_edit:
        context["task_meta"] = _task_meta(data)
        working = selectors.working_time(project)
        context["working_time"] = {
            "weekdays": working.weekdays,
            "minutes_per_day": working.minutes_per_day,
            "holidays": [d.isoformat() for d in working.holidays],
        }
    if request.GET.get("partial") == "chart":
        return render(request, "planning/gantt/_chart.html", context)
    return render(request, "planning/gantt/page.html", context)
