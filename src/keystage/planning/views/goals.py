"""The goals page: each goal with its progress and status; add / edit / remove with htmx."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.planning.forms.goals import GoalForm
from keystage.planning.selectors import goals as selectors
from keystage.planning.services import goals as services
from keystage.planning.suggestions import plan_suggestions
from keystage.planning.views.scope import Section, editor, need_version, open_project, values
from keystage.portfolio.access import project_perms
from keystage.portfolio.lifecycle import Stage
from keystage.portfolio.models import Project


def _section(request: HttpRequest, project: Project) -> Section:
    who = actor(request)

    def context() -> dict[str, Any]:
        rows = selectors.goals_with_progress(selectors.goal_list(who=who, project=project))
        counts: dict[str, int] = {}
        for _, progress in rows:
            counts[progress.status] = counts.get(progress.status, 0) + 1
        return {
            "goals": rows,
            "status_counts": [
                (key, label, counts.get(key, 0)) for key, label in selectors.STATUS_LABELS.items()
            ],
            "can_edit": Perm.EDIT in project_perms(request.user, project),
        }

    return Section("planning/goals/_section.html", "goals-section", "goals", context)


@login_required
@require_GET
def goals_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's goals, their progress and status."""
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    context = {"project": project, **_section(request, project).context()}
    if project.stage in (Stage.INITIATION, Stage.PLANNING):
        context["suggestions"] = plan_suggestions(who=actor(request), project=project)
    return render(request, "planning/goals/page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a goal."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    form = GoalForm(request.POST or None, initial={"due_date": project.target_date})
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.goal_create(who=who, project=project, data=data),
        section=_section(request, project),
        title="New goal",
        noun="Goal",
        intro="Specific and measurable: a metric, where it stands, where it must be, and when.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, project_id: str, goal_id: str) -> HttpResponse:
    """Edit a goal (e.g. record the current value) or remove it."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        goal = selectors.goal_get(who=who, project=project, goal_id=goal_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = GoalForm(request.POST or None, initial=values(goal, services.GOAL_FIELDS))
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.goal_update(
            who=who, goal=goal, version=need_version(v), changes=data
        ),
        remove=lambda v: services.goal_delete(who=who, goal=goal, version=need_version(v)),
        section=_section(request, project),
        title=f"Goal — {goal.title}",
        noun="Goal",
    )
