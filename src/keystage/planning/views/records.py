"""The task page and the deliverable page: what a record is, what links it to the rest of
the plan (the deliverables a task produces, the tasks that produce a deliverable), and its
comment thread (``notifications``). Read with *view*; linking tasks needs *edit*."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.files import max_bytes
from keystage.core.versioning import parse_version
from keystage.core.web import page_error
from keystage.planning.models import Assignment, Deliverable, Task
from keystage.planning.selectors import scope as scope_selectors
from keystage.planning.selectors.threads import deliverable_url
from keystage.planning.selectors.wbs import task_get, task_list
from keystage.planning.services import scope as scope_services
from keystage.planning.services.attachments import files_of
from keystage.portfolio.access import may_change_contribution, project_perms
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get


@login_required
@require_GET
def task_detail(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """One task: its plan figures, the people on it, the deliverables it produces, comments."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
        task = task_get(who=who, project=project, task_id=task_id)
    except DomainError as exc:
        return page_error(request, exc)
    context = {
        "project": project,
        "task": task,
        "assignments": Assignment.objects.filter(task=task).select_related("person"),
        "deliverables": task.deliverables.order_by("order", "id"),
        "can_edit": Perm.EDIT in project_perms(request.user, project),
        **files_context(request, project, task),
        "upload_url": reverse("planning:plan-task-files", args=[project.public_id, task.public_id]),
    }
    return render(request, "planning/records/task.html", context)


def files_context(
    request: HttpRequest, project: Project, record: Task | Deliverable
) -> dict[str, object]:
    """The record's files, with whether the user may remove each, and the size limit."""
    perms = project_perms(request.user, project)
    return {
        "files": [
            (f, may_change_contribution(request.user, project, f.uploaded_by_id, perms=perms))
            for f in files_of(record).select_related("uploaded_by")
        ],
        "can_contribute": Perm.CONTRIBUTE in perms,
        "limit_mb": max_bytes() // (1024 * 1024),
    }


class DeliverableTasksForm(forms.Form):
    """Tick the tasks that produce the deliverable."""

    tasks = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Produced by"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: object, tasks: list[Task], **kwargs: object) -> None:
        """The project's tasks as choices, in WBS order."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["tasks"].choices = [  # type: ignore[attr-defined]
            (str(t.public_id), f"{t.wbs_code} {t.name}".strip()) for t in tasks
        ]


def _deliverable_page(
    request: HttpRequest,
    project: Project,
    deliverable: Deliverable,
    form: DeliverableTasksForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = Perm.EDIT in project_perms(request.user, project)
    tasks = list(task_list(who=actor(request), project=project))
    if form is None and can_edit:
        form = DeliverableTasksForm(
            initial={
                "tasks": [str(t.public_id) for t in deliverable.tasks.all()],
                "version": deliverable.version,
            },
            tasks=tasks,
        )
    context = {
        "project": project,
        "deliverable": deliverable,
        "linked": deliverable.tasks.order_by("row"),
        "form": form,
        "can_edit": can_edit,
        **files_context(request, project, deliverable),
        "upload_url": reverse(
            "planning:deliverable-files", args=[project.public_id, deliverable.public_id]
        ),
    }
    return render(request, "planning/records/deliverable.html", context, status=status)


@login_required
@require_GET
def deliverable_detail(request: HttpRequest, project_id: str, deliverable_id: str) -> HttpResponse:
    """One deliverable: its criteria, the tasks that produce it, comments."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
        deliverable = scope_selectors.deliverable_get(
            who=who, project=project, deliverable_id=deliverable_id
        )
    except DomainError as exc:
        return page_error(request, exc)
    return _deliverable_page(request, project, deliverable)


@login_required
@require_POST
def deliverable_tasks(request: HttpRequest, project_id: str, deliverable_id: str) -> HttpResponse:
    """Link the ticked tasks to the deliverable (the project manager), at its version."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
        deliverable = scope_selectors.deliverable_get(
            who=who, project=project, deliverable_id=deliverable_id
        )
    except DomainError as exc:
        return page_error(request, exc)
    form = DeliverableTasksForm(request.POST, tasks=list(task_list(who=who, project=project)))
    if not form.is_valid():
        return _deliverable_page(request, project, deliverable, form, status=400)
    try:
        scope_services.deliverable_update(
            who=who,
            deliverable=deliverable,
            version=parse_version(form.cleaned_data.get("version")),
            changes={"tasks": form.cleaned_data["tasks"]},
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return page_error(request, exc)
        form.add_error(None, exc.message if not hasattr(exc, "errors") else _errors(exc))
        return _deliverable_page(request, project, deliverable, form, status=exc.status_code)
    messages.success(request, "Linked tasks saved.")
    return redirect(deliverable_url(project, deliverable))


def _errors(exc: DomainError) -> str:
    errors = getattr(exc, "errors", {}) or {}
    return "; ".join(str(m) for msgs in errors.values() for m in msgs) or exc.message
