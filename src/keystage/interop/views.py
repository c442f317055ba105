"""The Import page: upload a plan file, see the preview (what will be created and every
loss), confirm to write it. Thin: the services in ``keystage.interop.services`` do it all."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.web import add_errors, page_error
from keystage.interop import services
from keystage.interop.forms import ImportUploadForm, NewProjectImportForm
from keystage.interop.models import ImportReport
from keystage.interop.new_project import new_project_confirm, new_project_upload, require_may_open
from keystage.planning.models import Task
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get

PAGE = "interop/import.html"


def _page(
    request: HttpRequest,
    project: Project,
    *,
    form: ImportUploadForm | None = None,
    report: ImportReport | None = None,
    preview: services.Preview | None = None,
    status: int = 200,
) -> HttpResponse:
    who = actor(request)
    context: dict[str, Any] = {
        "project": project,
        "can_edit": Perm.EDIT in project_perms(request.user, project),
        "has_tasks": Task.objects.filter(project=project).exists(),
        "form": form or ImportUploadForm(),
        "report": report,
        "preview": preview,
        "rows": preview.tasks[: services.PREVIEW_ROWS] if preview else [],
        "more_rows": max(len(preview.tasks) - services.PREVIEW_ROWS, 0) if preview else 0,
        "reports": services.import_reports(who=who, project=project),
    }
    return render(request, PAGE, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """GET: the upload form and past imports. POST: read the file and show its preview."""
    try:
        perm = Perm.EDIT if request.method == "POST" else Perm.VIEW
        project = project_get(who=actor(request), project_id=project_id, perm=perm)
    except DomainError as exc:
        return page_error(request, exc)
    if request.method == "GET":
        return _page(request, project)
    form = ImportUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report, preview = services.import_upload(
                who=actor(request), project=project, name=str(upload.name), data=upload.read()
            )
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
        else:
            return _page(request, project, form=form, report=report, preview=preview)
    return _page(request, project, form=form, status=400)


@login_required
@require_POST
def import_confirm(request: HttpRequest, project_id: str) -> HttpResponse:
    """Write the previewed plan (field ``report``) and show the Gantt."""
    try:
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        report = services.import_confirm(
            who=actor(request), project=project, report_id=request.POST.get("report", "")
        )
    except DomainError as exc:
        return page_error(request, exc)
    counts = report.counts
    messages.success(
        request,
        f"Imported {report.file_name}: {counts.get('tasks', 0)} tasks, "
        f"{counts.get('links', 0)} links, {counts.get('assignments', 0)} assignments"
        f"{f', {len(report.losses)} item(s) not kept (see Import)' if report.losses else ''}.",
    )
    return redirect("planning:gantt", project_id=project.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def import_new_page(request: HttpRequest) -> HttpResponse:
    """GET: the upload form. POST: read the file and show the new project's preview."""
    who = actor(request)
    try:
        require_may_open(who)
    except DomainError as exc:
        return page_error(request, exc)
    form = NewProjectImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "GET":
        return render(request, "interop/import_new.html", {"form": NewProjectImportForm()})
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report, preview = new_project_upload(
                who=who,
                name=form.cleaned_data["name"],
                code=form.cleaned_data["code"],
                file_name=str(upload.name),
                data=upload.read(),
            )
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
        else:
            context.update(
                report=report,
                preview=preview,
                new_project=report.new_project,
                rows=preview.tasks[: services.PREVIEW_ROWS],
                more_rows=max(len(preview.tasks) - services.PREVIEW_ROWS, 0),
            )
            return render(request, "interop/import_new.html", context)
    return render(request, "interop/import_new.html", context, status=400)


@login_required
@require_POST
def import_new_confirm(request: HttpRequest) -> HttpResponse:
    """Open the previewed project with its plan (field ``report``) and show its Gantt."""
    try:
        project, report = new_project_confirm(
            who=actor(request), report_id=request.POST.get("report", "")
        )
    except DomainError as exc:
        return page_error(request, exc)
    counts = report.counts
    parts = [
        f"{counts.get('tasks', 0)} tasks",
        f"{counts.get('links', 0)} links",
        f"{counts.get('assignments', 0)} assignments",
    ]
    if counts.get("team_additions"):
        parts.append(f"{counts['team_additions']} people added to the team")
    if report.losses:
        parts.append(f"{len(report.losses)} item(s) not kept (see Import)")
    messages.success(request, f"Opened {project.code} from {report.file_name}: {', '.join(parts)}.")
    return redirect("planning:gantt", project_id=project.public_id)
