"""Files on the task and deliverable pages: upload (contributors), download (anyone on the
project, always as an attachment), remove (the uploader or the project manager)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict, DomainError
from keystage.core.files import file_response
from keystage.core.lookup import get_by_public_id
from keystage.core.middleware import accepts_uploads
from keystage.core.versioning import parse_version
from keystage.core.web import page_error
from keystage.planning.models import Deliverable, PlanFile, Task
from keystage.planning.selectors import scope as scope_selectors
from keystage.planning.selectors.threads import deliverable_url, task_url
from keystage.planning.selectors.wbs import task_get
from keystage.planning.services.attachments import plan_file_create, plan_file_delete
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get


class PlanFileForm(forms.Form):
    """One file for a task or a deliverable."""

    file = forms.FileField(label="File", allow_empty_file=True)


def _record_url(project: Project, file: PlanFile) -> str:
    if file.task is not None:
        return task_url(project, file.task)
    return deliverable_url(project, file.deliverable)  # type: ignore[arg-type]


def _upload(
    request: HttpRequest, project: Project, record: Task | Deliverable, back: str
) -> HttpResponse:
    form = PlanFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to upload.")
        return redirect(f"{back}#files")
    try:
        made = plan_file_create(who=actor(request), record=record, upload=form.cleaned_data["file"])
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return page_error(request, exc)
        errors = getattr(exc, "errors", {}) or {}
        text = "; ".join(str(m) for msgs in errors.values() for m in msgs) or exc.message
        messages.error(request, text)
        return redirect(f"{back}#files")
    messages.success(request, f"'{made.original_name}' attached.")
    return redirect(f"{back}#files")


@accepts_uploads
@login_required
@require_POST
def task_files(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """Attach a file to a task."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.CONTRIBUTE)
        task = task_get(who=who, project=project, task_id=task_id)
    except DomainError as exc:
        return page_error(request, exc)
    return _upload(request, project, task, task_url(project, task))


@accepts_uploads
@login_required
@require_POST
def deliverable_files(request: HttpRequest, project_id: str, deliverable_id: str) -> HttpResponse:
    """Attach a file to a deliverable."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.CONTRIBUTE)
        deliverable = scope_selectors.deliverable_get(
            who=who, project=project, deliverable_id=deliverable_id
        )
    except DomainError as exc:
        return page_error(request, exc)
    return _upload(request, project, deliverable, deliverable_url(project, deliverable))


def _file(
    request: HttpRequest, project_id: str, plan_file_id: str, perm: str
) -> tuple[Project, PlanFile]:
    who = actor(request)
    project = project_get(who=who, project_id=project_id, perm=perm)
    scoped = PlanFile.objects.filter(
        project__in=projects_visible_to(who), project=project
    ).select_related("task", "deliverable", "project")
    return project, get_by_public_id(scoped, plan_file_id)


@login_required
@require_GET
def plan_file(request: HttpRequest, project_id: str, plan_file_id: str) -> HttpResponseBase:
    """Send the file as a download, after checking that the project is visible."""
    try:
        _, file = _file(request, project_id, plan_file_id, Perm.VIEW)
        return file_response(file)
    except DomainError as exc:
        return page_error(request, exc)


@login_required
@require_POST
def plan_file_remove(request: HttpRequest, project_id: str, plan_file_id: str) -> HttpResponse:
    """Remove a file at the version shown."""
    try:
        project, file = _file(request, project_id, plan_file_id, Perm.CONTRIBUTE)
        back = _record_url(project, file)
        plan_file_delete(
            who=actor(request), file=file, version=parse_version(request.POST.get("version"))
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(f"{back}#files")
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, f"'{file.original_name}' removed.")
    return redirect(f"{back}#files")
