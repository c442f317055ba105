"""The assignments page: leaf tasks with the skills they need, who does them, the work and
labour cost, each person's load, and the recommender. Thin: parse, call one service or
selector, render.

Works without JavaScript (links to form pages, POST, redirect back). With htmx the forms
and the ranking of candidates open under the task's row; a save swaps the refreshed
section in (``HX-Retarget``), and errors are swapped in place.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.planning.models import AssignmentSource, Task
from keystage.planning.selectors.wbs import task_get
from keystage.planning.views.scope import (
    Section,
    editor,
    htmx,
    need_version,
    open_project,
    render_section,
)
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.resources.selectors import skill_list
from keystage.staffing import recommender, selectors, services
from keystage.staffing.forms import AssignmentForm, SkillNeedForm

EDITOR_PAGE = "staffing/editor_page.html"


def _can_edit(request: HttpRequest, project: Project) -> bool:
    return Perm.EDIT in project_perms(request.user, project)


def _section(request: HttpRequest, project: Project) -> Section:
    who = actor(request)

    def context() -> dict[str, Any]:
        data = selectors.staffing(who=who, project=project)
        top = max((load.hours for load in data.loads), default=0) or 1
        return {
            "staffing": data,
            "loads": [(load, round(float(100 * load.hours / top), 1)) for load in data.loads],
            "can_edit": _can_edit(request, project),
        }

    return Section("staffing/_section.html", "staffing-section", "assignments", context)


def _open_task(request: HttpRequest, project_id: str, task_id: str, perm: str) -> Task:
    project = open_project(request, project_id, perm)
    return task_get(who=actor(request), project=project, task_id=task_id)


@login_required
@require_GET
def assignments_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """Leaf tasks with their skill needs, assignees, work and labour cost; per-person load."""
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    context = {"project": project, **_section(request, project).context()}
    return render(request, "staffing/page.html", context)


# ------------------------------------------------------------------ assignments


@login_required
@require_http_methods(["GET", "POST"])
def assignment_create(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """Assign a team member to a task by hand."""
    who = actor(request)
    try:
        task = _open_task(request, project_id, task_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    project = task.project
    form = AssignmentForm(request.POST or None, members=selectors.team_members(project))
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.assignment_create(
            who=who, project=project, task=task, data=data
        ),
        section=_section(request, project),
        title=f"Assign someone to {task.wbs_code} {task.name}",
        noun="Assignment",
        intro="Only people with every skill the task needs, at its level, can be assigned.",
        page_template=EDITOR_PAGE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, project_id: str, assignment_id: str) -> HttpResponse:
    """Change the person, units or work of an assignment, or remove it."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        record = selectors.assignment_get(who=who, project=project, assignment_id=assignment_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = AssignmentForm(
        request.POST or None,
        initial={
            "person": record.person_id,
            "units_percent": record.units_percent,
            "work_hours": record.work_hours,
            "note": record.note,
            "version": record.version,
        },
        members=selectors.team_members(project),
    )
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.assignment_update(
            who=who, assignment=record, version=need_version(v), changes=data
        ),
        remove=lambda v: services.assignment_delete(
            who=who, assignment=record, version=need_version(v)
        ),
        section=_section(request, project),
        title=f"{record.person.display_name} on {record.task.wbs_code} {record.task.name}",
        noun="Assignment",
        page_template=EDITOR_PAGE,
    )


# ------------------------------------------------------------------ skill needs


@login_required
@require_http_methods(["GET", "POST"])
def skill_need_create(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """Say that a task needs a skill."""
    who = actor(request)
    try:
        task = _open_task(request, project_id, task_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    form = SkillNeedForm(request.POST or None, skills=skill_list(who=who))
    return editor(
        request,
        task.project,
        form=form,
        save=lambda data, v: services.skill_need_create(
            who=who, project=task.project, task=task, data=data
        ),
        section=_section(request, task.project),
        title=f"Skill needed for {task.wbs_code} {task.name}",
        noun="Skill need",
        intro="The recommender ranks only people at this level or better.",
        page_template=EDITOR_PAGE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_need_edit(
    request: HttpRequest, project_id: str, task_id: str, skill_need_id: str
) -> HttpResponse:
    """Change a skill need's level, or remove it."""
    who = actor(request)
    try:
        task = _open_task(request, project_id, task_id, Perm.EDIT)
        need = selectors.skill_need_get(
            who=who, project=task.project, task=task, skill_need_id=skill_need_id
        )
    except DomainError as exc:
        return page_error(request, exc)
    form = SkillNeedForm(
        request.POST or None,
        initial={"skill": need.skill_id, "min_level": need.min_level, "version": need.version},
        skills=skill_list(who=who),
    )
    return editor(
        request,
        task.project,
        form=form,
        save=lambda data, v: services.skill_need_update(
            who=who, need=need, version=need_version(v), changes=data
        ),
        remove=lambda v: services.skill_need_delete(who=who, need=need, version=need_version(v)),
        section=_section(request, task.project),
        title=f"{need.skill.name} for {task.wbs_code} {task.name}",
        noun="Skill need",
        page_template=EDITOR_PAGE,
    )


# ------------------------------------------------------------------ recommender


def _candidates(
    request: HttpRequest, task: Task, error: str = "", status: int = 200
) -> HttpResponse:
    ranking = recommender.rank_task(who=actor(request), project=task.project, task=task)
    context = {
        "project": task.project,
        "ranking": ranking,
        "task": task,
        "error": error,
        "can_edit": _can_edit(request, task.project),
    }
    template = "staffing/" + ("_candidates.html" if htmx(request) else "candidates.html")
    return render(request, template, context, status=status)


@login_required
@require_GET
def candidates(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """The team ranked for a task, with the reasons and an Assign button each."""
    try:
        task = _open_task(request, project_id, task_id, Perm.VIEW)
    except DomainError as exc:
        return page_error(request, exc)
    return _candidates(request, task)


@login_required
@require_POST
def accept(request: HttpRequest, project_id: str, task_id: str) -> HttpResponse:
    """Assign a recommended person (recorded as a recommendation)."""
    who = actor(request)
    try:
        task = _open_task(request, project_id, task_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    try:
        made = services.assignment_create(
            who=who,
            project=task.project,
            task=task,
            data={"person": request.POST.get("person", "")},
            source=AssignmentSource.RECOMMENDED,
        )
    except DomainError as exc:
        if exc.status_code == 403:
            return page_error(request, exc)
        text = "; ".join(m for ms in getattr(exc, "errors", {}).values() for m in ms)
        return _candidates(request, task, error=text or exc.message, status=400)
    flash = f"{made.person.display_name} assigned to '{task.name}'."
    return _done(request, task.project, flash)


def _done(request: HttpRequest, project: Project, flash: str) -> HttpResponse:
    if htmx(request):
        return render_section(request, project, _section(request, project), flash)
    messages.success(request, flash)
    return redirect("planning:assignments", project_id=project.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def recommend_all(request: HttpRequest, project_id: str) -> HttpResponse:
    """Picks for every unassigned task (GET), and assigning them all (POST)."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    if request.method == "POST":
        try:
            made = services.assign_recommended(who=who, project=project)
        except DomainError as exc:
            return page_error(request, exc)
        count = len(made)
        return _done(request, project, f"{count} task{'s' if count != 1 else ''} assigned.")
    suggestions = recommender.recommend_open_tasks(who=who, project=project)
    context = {
        "project": project,
        "suggestions": suggestions,
        "picked": sum(1 for s in suggestions if s.pick is not None),
    }
    template = "staffing/" + ("_recommend.html" if htmx(request) else "recommend.html")
    return render(request, template, context)
