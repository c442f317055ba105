"""The Export page of a project and its downloads. Thin: read through the chokepoint, send."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from keystage.accounts.actor import actor
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.interop.exports import FORMATS, TABLES, ExportFile, export_for
from keystage.planning.models import Task
from keystage.portfolio.selectors import project_get
from keystage.risks.models import Risk


def download(export: ExportFile) -> HttpResponse:
    """The export as an attachment with its file name (ASCII: the project code is)."""
    response = HttpResponse(export.content, content_type=export.media_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    if export.losses:  # what the format could not carry (MSPDI: maximum lags), counted
        response["X-Keystage-Losses"] = str(len(export.losses))
    return response


def task_url(request: HttpRequest) -> Callable[[Task], str]:
    """Absolute address of a task's page, for the calendar events."""

    def url(task: Task) -> str:
        path = reverse("planning:plan-task-detail", args=[task.project.public_id, task.public_id])
        return request.build_absolute_uri(path)

    return url


@login_required
@require_GET
def export_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The formats a project exports to, each a download link."""
    try:
        project = project_get(who=actor(request), project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    # The risk register is a table only when the project has risks (as in the export).
    has_risks = Risk.objects.filter(project=project).exists()
    tables = [t for t in TABLES if t != "risk-register" or has_risks]
    context = {"project": project, "formats": FORMATS.values(), "tables": tables}
    return render(request, "interop/export.html", context)


@login_required
@require_GET
def export_download(request: HttpRequest, project_id: str, export_format: str) -> HttpResponse:
    """One format of the project as a file (``?table=`` picks one CSV instead of the zip)."""
    try:
        export = export_for(
            who=actor(request),
            project_id=project_id,
            key=export_format,
            table=request.GET.get("table") or None,
            task_url=task_url(request),
        )
    except DomainError as exc:
        return page_error(request, exc)
    return download(export)
