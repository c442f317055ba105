"""People & skills pages: the organisation's skills matrix and one page per person. Thin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.versioning import parse_version
from keystage.core.web import add_errors, conflict_context, page_error
from keystage.resources import selectors, services
from keystage.resources.access import can_edit_person, person_lookup, require_person_edit
from keystage.resources.forms import AbsenceForm, PersonSkillForm, ProfileForm, SkillForm
from keystage.resources.models import LEVELS
from keystage.resources.selectors import PersonView


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


@login_required
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    """The skills matrix: people × skills with levels, capacity, rate and absences."""
    who = actor(request)
    catalogue = list(selectors.skill_list(who=who))
    error = ""
    try:
        skill, level = selectors.skill_filter(
            who=who,
            skill=request.GET.get("skill"),
            min_level=request.GET.get("min_level"),
        )
    except InvalidInput as exc:
        skill, level, error = None, 1, exc.message.split(": ", 1)[-1]
    rows = selectors.people_list(who=who, skill=skill, min_level=level)
    if skill is not None:  # the strongest first
        rows.sort(key=lambda p: -p.levels.get(skill.name, 0))
    columns = [skill] if skill is not None else catalogue
    context = {
        "rows": [(p, [p.levels.get(s.name) for s in columns]) for p in rows],
        "columns": columns,
        "catalogue": catalogue,
        "selected": skill,
        "min_level": level,
        "levels": LEVELS,
        "filter_error": error,
        "skill_form": SkillForm(),
        "today": dt.date.today(),
    }
    template = "resources/_people_matrix.html" if request.htmx else "resources/people.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_POST
def skill_create(request: HttpRequest) -> HttpResponse:
    """Add a skill to the organisation's catalogue."""
    form = SkillForm(request.POST)
    if form.is_valid():
        try:
            skill = services.skill_create(who=actor(request), **form.cleaned_data)
        except DomainError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"Skill '{skill.name}' added to the catalogue.")
            return _back(request, "resources:people")
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    messages.error(request, f"The skill was not added: {errors}")
    return _back(request, "resources:people")


def _person_context(
    request: HttpRequest, person: PersonView, **forms_: forms.Form | None
) -> dict[str, Any]:
    who = actor(request)
    profile_values = {
        "capacity_percent": person.capacity_percent,
        "cost_rate": person.cost_rate,
        "job_title": person.job_title,
        "hours_per_day": person.hours_per_day,
        "working_weekdays": person.working_weekdays,
        "version": person.version,
    }
    catalogue = selectors.skill_list(who=who)
    today = dt.date.today()
    return {
        "person": person,
        "can_edit": can_edit_person(who, person.user),
        "profile_form": forms_.get("profile_form") or ProfileForm(initial=profile_values),
        "skill_form": forms_.get("skill_form")
        or PersonSkillForm(
            skills=catalogue.exclude(pk__in=[ps.skill_id for ps in person.skills]),
            initial={"version": person.version, "level": 3},
        ),
        "absence_form": forms_.get("absence_form") or AbsenceForm(),
        "catalogue_form": SkillForm(),
        "upcoming": [a for a in person.absences if a.end_date >= today],
        "past": [a for a in person.absences if a.end_date < today][-5:],
        "strong": [ps.skill.name for ps in person.skills if ps.level >= 4],
    }


def _person(request: HttpRequest, user_id: str) -> PersonView:
    """The person (404 outside the organisation); a change needs the right to edit them."""
    view = selectors.person_get(who=actor(request), user_id=user_id)
    if request.method == "POST":
        require_person_edit(actor(request), view.user)
    return view


def _render_person(
    request: HttpRequest,
    person: PersonView,
    status: int = 200,
    extra: dict[str, Any] | None = None,
    **forms_: forms.Form,
) -> HttpResponse:
    context = _person_context(request, person, **forms_)
    context.update(extra or {})
    return render(request, "resources/person.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person(request: HttpRequest, user_id: str) -> HttpResponse:
    """A person's profile, skills and absences; POST saves the profile."""
    try:
        view = _person(request, user_id)
    except DomainError as exc:
        return page_error(request, exc)
    if request.method != "POST":
        return _render_person(request, view)
    form = ProfileForm(request.POST)
    status = 400
    extra: dict[str, Any] = {}
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.profile_update(
                who=actor(request), person=view.user, version=version, changes=data
            )
        except Conflict as exc:
            extra = conflict_context(exc)
            status = 409
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
            status = exc.status_code
        else:
            messages.success(request, f"Profile of {view.user.display_name} saved.")
            return redirect("resources:person", user_id=view.user.public_id)
    return _render_person(request, view, status, profile_form=form, extra=extra)


@login_required
@require_POST
def person_skill(request: HttpRequest, user_id: str) -> HttpResponse:
    """Give the person a skill at a level, or remove it (level 0)."""
    who = actor(request)
    try:
        view = _person(request, user_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = PersonSkillForm(request.POST, skills=selectors.skill_list(who=who))
    status = 400
    extra: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.person_skill_set(
                who=who,
                person=view.user,
                skill=data["skill"],
                level=data["level"] or None,
                version=data.get("version"),
            )
        except Conflict as exc:
            extra = conflict_context(exc)
            status = 409
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
            status = exc.status_code
        else:
            verb = "removed" if not data["level"] else f"set to level {data['level']}"
            messages.success(request, f"{data['skill'].name} {verb} for {view.user.display_name}.")
            return _back(request, f"/people/{view.user.public_id}/")
    return _render_person(request, view, status, skill_form=form, extra=extra)


@login_required
@require_POST
def absence_create(request: HttpRequest, user_id: str) -> HttpResponse:
    """Record a holiday or leave."""
    who = actor(request)
    try:
        view = _person(request, user_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = AbsenceForm(request.POST)
    if form.is_valid():
        try:
            services.absence_create(who=who, person=view.user, data=dict(form.cleaned_data))
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
        else:
            messages.success(request, "Absence recorded.")
            return redirect("resources:person", user_id=view.user.public_id)
    return _render_person(request, view, 400, absence_form=form)


@login_required
@require_POST
def absence_delete(request: HttpRequest, user_id: str, absence_id: str) -> HttpResponse:
    """Remove an absence at the version shown."""
    who = actor(request)
    try:
        person_obj = person_lookup(who, user_id)
        absence = selectors.absence_get(who=who, person=person_obj, absence_id=absence_id)
        services.absence_delete(
            who=who, absence=absence, version=parse_version(request.POST.get("version"))
        )
    except DomainError as exc:
        if exc.status_code in (403, 404, 428):
            return page_error(request, exc)
        messages.error(request, exc.message)
    else:
        messages.success(request, "Absence removed.")
    return redirect("resources:person", user_id=person_obj.public_id)
