"""A goal's measurements page: add a measurement, the history table and the chart."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.versioning import parse_version
from keystage.core.web import add_errors, page_error, save_form
from keystage.planning.forms.goals import MeasurementForm
from keystage.planning.selectors import goal_measurements as selectors
from keystage.planning.selectors.goals import goal_get, goal_progress
from keystage.planning.services import goal_measurements as services
from keystage.planning.views.scope import need_version, open_project
from keystage.portfolio.access import project_perms


@login_required
@require_http_methods(["GET", "POST"])
def measurements_page(request: HttpRequest, project_id: str, goal_id: str) -> HttpResponse:
    """The goal's measured values as a table and a line toward the target; the project
    manager adds a measurement here (its value becomes the goal's current value)."""
    who = actor(request)
    try:
        project = open_project(
            request, project_id, Perm.EDIT if request.method == "POST" else Perm.VIEW
        )
        goal = goal_get(who=who, project=project, goal_id=goal_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = MeasurementForm(request.POST or None)
    status = 200
    if request.method == "POST":
        try:
            save_form(
                form, lambda data, _v: services.measurement_add(who=who, goal=goal, data=data)
            )
            return redirect(request.path)
        except DomainError as exc:
            add_errors(form, exc)
            status = 400
    history = list(selectors.measurement_list(goal))
    context = {
        "project": project,
        "goal": goal,
        "progress": goal_progress(goal),
        "form": form,
        "history": list(reversed(history)),
        "chart": selectors.measurement_chart(goal, history),
        "can_edit": Perm.EDIT in project_perms(request.user, project),
    }
    return render(request, "planning/goals/measurements.html", context, status=status)


@login_required
@require_POST
def measurement_remove(
    request: HttpRequest, project_id: str, goal_id: str, measurement_id: str
) -> HttpResponse:
    """Remove a mistaken measurement (with the version it was shown at)."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        goal = goal_get(who=who, project=project, goal_id=goal_id)
        measurement = selectors.measurement_get(goal, measurement_id)
        services.measurement_delete(
            who=who,
            measurement=measurement,
            version=need_version(parse_version(request.POST.get("version"))),
        )
    except DomainError as exc:
        return page_error(request, exc)
    return redirect("planning:goal-measurements", project.public_id, goal.public_id)
