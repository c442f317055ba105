"""The charter page (latest version rendered from its snapshot, the list of versions), the
"Regenerate" action and the PDF download of any version. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.initiation.charter import selectors as selectors
from keystage.initiation.charter import services as services
from keystage.initiation.charter.models import CharterVersion
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get


def pdf_response(version: CharterVersion) -> HttpResponse:
    """The stored PDF of a version, as a download."""
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    name = f"{version.project.code}-charter-v{version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def open_project(request: HttpRequest, project_id: str, perm: str = Perm.VIEW) -> Project:
    """The project through the chokepoint (404 / 403 as domain errors)."""
    return project_get(who=actor(request), project_id=project_id, perm=perm)


@login_required
@require_GET
def charter_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The current charter and its versions."""
    who = actor(request)
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    versions = list(selectors.charter_versions(who=who, project=project))
    latest = versions[0] if versions else None
    context = {
        "project": project,
        "versions": versions,
        "latest": latest,
        "can_edit": Perm.EDIT in project_perms(request.user, project),
        **(services.document_context(latest) if latest else {}),
    }
    return render(request, "initiation/charter/page.html", context)


@login_required
@require_POST
def charter_regenerate(request: HttpRequest, project_id: str) -> HttpResponse:
    """Generate a new version from the project's current data."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
        version = services.charter_regenerate(who=actor(request), project=project)
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, f"Charter version {version.number} generated.")
    return redirect("planning:charter", project_id=project.public_id)


@login_required
@require_GET
def charter_pdf(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """The PDF of one version."""
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    version = selectors.charter_version_get(who=actor(request), project=project, number=number)
    if version is None:
        raise Http404("No such charter version.")
    return pdf_response(version)
