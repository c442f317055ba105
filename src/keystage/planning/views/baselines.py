"""The baselines page: the list with totals, the capture form, and the comparison of two plans
(two baselines, or a baseline and the current plan) with the variance table. Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.versioning import parse_version
from keystage.core.web import add_errors, page_error
from keystage.planning.forms.baselines import BaselineCaptureForm
from keystage.planning.selectors import baselines as selectors
from keystage.planning.services import baselines as services
from keystage.planning.views.scope import open_project
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project

PAGE = "planning/baselines/page.html"


def _page(
    request: HttpRequest,
    project: Project,
    *,
    form: BaselineCaptureForm | None = None,
    status: int = 200,
) -> HttpResponse:
    who = actor(request)
    baselines = list(selectors.baseline_list(who=who, project=project))
    choices = [(str(b.number), f"{b.number} — {b.name}") for b in baselines]
    choices.append((selectors.CURRENT, "Current plan"))
    default_from = str(baselines[0].number) if baselines else ""
    picked_from = request.GET.get("from") or default_from
    picked_to = request.GET.get("to") or selectors.CURRENT
    only_changed = request.GET.get("changed") == "1"
    comparison = None
    compare_error = ""
    if picked_from:
        try:
            comparison = selectors.baseline_compare(
                who=who, project=project, from_key=picked_from, to_key=picked_to
            )
        except InvalidInput as exc:
            compare_error = "; ".join(m for msgs in exc.errors.values() for m in msgs)
    rows = comparison.tasks if comparison else ()
    if only_changed:
        rows = tuple(t for t in rows if t.change != selectors.Change.UNCHANGED)
    context: dict[str, Any] = {
        "project": project,
        "baselines": baselines,
        "can_edit": Perm.EDIT in project_perms(request.user, project),
        "form": form or BaselineCaptureForm(),
        "choices": choices,
        "picked_from": picked_from,
        "picked_to": picked_to,
        "only_changed": only_changed,
        "comparison": comparison,
        "rows": rows,
        "compare_error": compare_error,
    }
    return render(request, PAGE, context, status=status)


@login_required
@require_GET
def baselines_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The baselines, the capture form (editors) and the comparison picked in the query."""
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    return _page(request, project)


@login_required
@require_POST
def baseline_capture(request: HttpRequest, project_id: str) -> HttpResponse:
    """Capture the current plan; errors are shown on the form."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    form = BaselineCaptureForm(request.POST)
    if form.is_valid():
        try:
            baseline = services.baseline_capture(
                who=actor(request), project=project, **form.cleaned_data
            )
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
        else:
            messages.success(request, f"Captured baseline {baseline.number} '{baseline.name}'.")
            response = redirect("planning:baselines", project_id=project.public_id)
            response["Location"] += f"?from={baseline.number}&to=current"
            return response
    return _page(request, project, form=form, status=400)


@login_required
@require_POST
def baseline_delete(request: HttpRequest, project_id: str, baseline_id: str) -> HttpResponse:
    """Delete a baseline at the version the page showed."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
        baseline = selectors.baseline_get(
            who=actor(request), project=project, baseline_id=baseline_id
        )
        services.baseline_delete(
            who=actor(request),
            baseline=baseline,
            version=parse_version(request.POST.get("version")),
        )
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, f"Deleted baseline {baseline.number} '{baseline.name}'.")
    return redirect("planning:baselines", project_id=project.public_id)
