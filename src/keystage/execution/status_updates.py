"""Status updates: a plain journaled record (``portfolio.record_kit``), written by the
project manager (*edit*), read by everyone on the project — the "Status" tab shows the
history newest first with each week's health as a word and an icon.

The kit gives the services (``STATUS_UPDATES.create / update / delete``), the selectors,
the API (``/api/v1/projects/<id>/status-updates/``) and the new/edit pages; this module
adds the history page in place of the kit's plain list, and each update's own page with
its comment thread (record kind ``status_update``, registered in ``ExecutionConfig.ready``)
so stakeholders can discuss it.
"""

from __future__ import annotations

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.execution.models import StatusUpdate
from keystage.notifications.models import Comment
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.portfolio.record_kit import RecordKit, RecordSpec
from keystage.portfolio.selectors import project_get

STATUS_UPDATES = RecordKit(
    RecordSpec(
        model=StatusUpdate,
        fields=(
            "week_of",
            "health",
            "summary",
            "accomplishments",
            "next_steps",
            "blockers",
            "decisions_needed",
        ),
        noun="status update",
        slug="status-updates",
        title_field="summary",
        write_perm=Perm.EDIT,
        namespace="execution",
        intro="Overall health as you judge it, and the week in a few lines each.",
        widgets={
            "week_of": forms.DateInput(attrs={"type": "date"}),
            "health": forms.RadioSelect,
            "accomplishments": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "blockers": forms.Textarea(attrs={"rows": 3}),
            "decisions_needed": forms.Textarea(attrs={"rows": 3}),
        },
    )
)


THREAD_KIND = "status_update"


def status_update_url(project: Project, update: StatusUpdate) -> str:
    """The page of one status update (with its comment thread)."""
    return reverse("execution:status_updates-detail", args=[project.public_id, update.public_id])


def thread_status_update(project: Project, record_id: uuid.UUID) -> tuple[str, str] | None:
    """The thread resolver of status updates: label and page of the project's one, else None."""
    found = StatusUpdate.objects.filter(project=project, public_id=record_id).first()
    if found is None:
        return None
    return f"Status {found.week_of:%d %b %Y}: {found.summary}", status_update_url(project, found)


def _comment_counts(project: Project) -> dict[uuid.UUID, int]:
    """Comments per status update of the project, in one query."""
    rows = (
        Comment.objects.filter(project=project, record_kind=THREAD_KIND)
        .values("record_id")
        .annotate(n=Count("id"))
    )
    return {row["record_id"]: row["n"] for row in rows}


@login_required
@require_GET
def status_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's status updates, newest first (everyone on the project reads them)."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    updates = list(STATUS_UPDATES.list_records(who=who, project=project))
    counts = _comment_counts(project)
    for update in updates:
        update.comment_count = counts.get(update.public_id, 0)
    context = {
        "project": project,
        "updates": updates,
        "latest": updates[0] if updates else None,
        "can_write": Perm.EDIT in project_perms(request.user, project),
    }
    return render(request, "execution/status_updates.html", context)


@login_required
@require_GET
def status_update_page(
    request: HttpRequest, project_id: str, status_update_id: str
) -> HttpResponse:
    """One status update and its comment thread (everyone on the project reads and, with
    *contribute*, comments)."""
    who = actor(request)
    try:
        project = project_get(who=who, project_id=project_id)
        update = STATUS_UPDATES.get_record(who=who, project=project, record_id=status_update_id)
    except DomainError as exc:
        return page_error(request, exc)
    context = {
        "project": project,
        "u": update,
        "can_write": Perm.EDIT in project_perms(request.user, project),
    }
    return render(request, "execution/status_update.html", context)


def page_urls() -> list[URLPattern]:
    """The history page (``execution:status_updates``), each update's page with its thread
    (``status_updates-detail``) and the kit's new/edit pages."""
    _, create_page, edit_page = STATUS_UPDATES.page_views()
    stem = "projects/<uuid:project_id>/status-updates/"
    return [
        path(stem, status_page, name="status_updates"),
        path(stem + "new/", create_page, name="status_updates-create"),
        path(
            stem + f"<uuid:{STATUS_UPDATES.spec.id_kwarg}>/", edit_page, name="status_updates-edit"
        ),
        path(
            stem + f"<uuid:{STATUS_UPDATES.spec.id_kwarg}>/page/",
            status_update_page,
            name="status_updates-detail",
        ),
    ]
