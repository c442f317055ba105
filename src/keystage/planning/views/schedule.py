"""The schedule page: request a run (method, time limit), watch its progress, read what it did.

Without JavaScript the form posts and the page comes back with the run selected (reload to
follow it). With htmx the run's panel replaces itself every second while the run is queued
or running, and once it ends the history refreshes alongside it (out of band).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.web import add_errors, page_error
from keystage.planning.forms.schedule import METHOD_HELP, ScheduleRunForm
from keystage.planning.models import ScheduleRun
from keystage.planning.selectors import schedule as selectors
from keystage.planning.services import schedule as services
from keystage.planning.services.schedule_runs import schedule_run_cancel as cancel_service
from keystage.planning.views.scope import htmx, open_project
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project

HISTORY = 20


def _when(value: Any) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if isinstance(value, str) and value else None


def outcome(run: ScheduleRun | None) -> dict[str, Any]:
    """A finished run's summary with dates as dates, for the templates."""
    if run is None or not run.summary:
        return {}
    s = dict(run.summary)
    s["finish_before"] = _when(s.get("finish_before"))
    s["finish_after"] = _when(s.get("finish_after"))
    s["moves"] = [
        {**m, "old_start": _when(m.get("old_start")), "new_start": _when(m.get("new_start"))}
        for m in s.get("moves", [])
    ]
    s["unresolved"] = [
        {**u, "start": dt.date.fromisoformat(u["start"]), "end": dt.date.fromisoformat(u["end"])}
        for u in s.get("unresolved", [])
    ]
    before, after = s["finish_before"], s["finish_after"]
    s["finish_moved"] = bool(before and after and before.date() != after.date())
    new, old = s.get("makespan_days"), s.get("makespan_before_days")
    s["shift_days"] = new - old if new is not None and old is not None else None
    return s


def _context(request: HttpRequest, project: Project, run: ScheduleRun | None) -> dict[str, Any]:
    who = actor(request)
    return {
        "project": project,
        "run": run,
        "out": outcome(run),
        "active": run is not None and run.status in selectors.ACTIVE,
        "elapsed": (
            (run.finished_at - run.started_at).total_seconds()
            if run is not None and run.finished_at and run.started_at
            else None
        ),
        "runs": list(selectors.run_list(who=who, project=project)[:HISTORY]),
        "can_edit": Perm.EDIT in project_perms(request.user, project),
    }


def _form_context(form: ScheduleRunForm) -> dict[str, Any]:
    choices = [
        (value, label, METHOD_HELP[value], str(form["method"].value()) == value)
        for value, label in form.fields["method"].choices  # type: ignore[attr-defined]
    ]
    return {"form": form, "method_choices": choices}


@login_required
@require_GET
def schedule_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The form, the selected (or latest) run and the history of runs."""
    who = actor(request)
    try:
        project = open_project(request, project_id)
        chosen = request.GET.get("run")
        run = (
            selectors.run_get(who=who, project=project, run_id=chosen)
            if chosen
            else selectors.run_list(who=who, project=project).first()
        )
    except DomainError as exc:
        return page_error(request, exc)
    context = {
        **_context(request, project, run),
        **_form_context(ScheduleRunForm()),
        "facts": selectors.plan_facts(who=who, project=project),
    }
    return render(request, "planning/schedule/page.html", context)


@login_required
@require_POST
def schedule_run_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Queue a run; htmx gets the run's panel (which then polls), others the page."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    form = ScheduleRunForm(request.POST)
    run = None
    if form.is_valid():
        try:
            run = services.schedule_request(
                who=who,
                project=project,
                method=form.cleaned_data["method"],
                time_limit=form.cleaned_data["time_limit_seconds"],
            )
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
    if run is None:
        context = {
            **_context(request, project, selectors.run_list(who=who, project=project).first()),
            **_form_context(form),
            "facts": selectors.plan_facts(who=who, project=project),
        }
        if htmx(request):
            response = render(request, "planning/schedule/_form.html", context, status=400)
            response["HX-Retarget"] = "#schedule-form"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "planning/schedule/page.html", context, status=400)
    if not htmx(request):
        url = reverse("planning:schedule", args=[project.public_id])
        return redirect(f"{url}?run={run.public_id}#run-panel")
    return _panel(request, project, run, history=True)


def _panel(
    request: HttpRequest, project: Project, run: ScheduleRun, *, history: bool
) -> HttpResponse:
    context = {**_context(request, project, run), "oob": history}
    if history:
        context["facts"] = selectors.plan_facts(who=actor(request), project=project)
    response = render(request, "planning/schedule/_run.html", context)
    response["HX-Retarget"] = "#run-panel"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_GET
def schedule_run(request: HttpRequest, project_id: str, run_id: str) -> HttpResponse:
    """One run: its panel for htmx (polled while it runs), else the page showing it."""
    who = actor(request)
    try:
        project = open_project(request, project_id)
        run = selectors.run_get(who=who, project=project, run_id=run_id)
    except DomainError as exc:
        return page_error(request, exc)
    if not htmx(request):
        url = reverse("planning:schedule", args=[project.public_id])
        return redirect(f"{url}?run={run.public_id}#run-panel")
    # The history follows once the polled run has ended (its row changes then).
    ended = run.status not in selectors.ACTIVE and request.headers.get("HX-Trigger") == "run-panel"
    return _panel(request, project, run, history=ended)


@login_required
@require_POST
def schedule_run_cancel(request: HttpRequest, project_id: str, run_id: str) -> HttpResponse:
    """Cancel a run (project editors): htmx gets the run's panel, others the page."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        run = selectors.run_get(who=who, project=project, run_id=run_id)
        run = cancel_service(who=who, project=project, run=run)
    except DomainError as exc:
        if exc.status_code != 409:
            return page_error(request, exc)
        run = selectors.run_get(who=who, project=project, run_id=run_id)
    if not htmx(request):
        url = reverse("planning:schedule", args=[project.public_id])
        return redirect(f"{url}?run={run.public_id}#run-panel")
    return _panel(request, project, run, history=run.status not in selectors.ACTIVE)
