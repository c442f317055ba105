"""The project calendar page: working weekdays, daily shifts and holidays. Thin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict, DomainError
from keystage.core.versioning import parse_version
from keystage.core.web import add_errors, page_error
from keystage.planning import engine
from keystage.planning.forms.wbs import CalendarForm, HolidayForm
from keystage.planning.selectors import wbs as selectors
from keystage.planning.services import calendar as calendar_services
from keystage.planning.views.scope import open_project
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project

CALENDAR_PAGE = "planning/wbs_calendar.html"


def _calendar_context(request: HttpRequest, project: Project, **forms_: Any) -> dict[str, Any]:
    who = actor(request)
    calendar = selectors.calendar_get(who=who, project=project)
    initial = (
        {
            "name": calendar.name,
            "working_weekdays": list(calendar.working_weekdays),
            "shifts": calendar.shifts,
            "version": calendar.version,
        }
        if calendar
        else {"working_weekdays": list("12345"), "shifts": "09:00-13:00,14:00-18:00"}
    )
    return {
        "project": project,
        "calendar": calendar,
        "per_day": engine.minutes_per_day(calendar),
        "holidays": list(selectors.holiday_list(who=who, project=project)),
        "can_edit": Perm.EDIT in project_perms(request.user, project),
        "form": forms_.get("form") or CalendarForm(initial=initial),
        "holiday_form": forms_.get("holiday_form") or HolidayForm(),
        "conflict": forms_.get("conflict"),
    }


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project calendar: working days and hours, and the holidays (POST saves the week)."""
    perm = Perm.EDIT if request.method == "POST" else Perm.VIEW
    try:
        project = open_project(request, project_id, perm)
    except DomainError as exc:
        return page_error(request, exc)
    if request.method == "GET":
        return render(request, CALENDAR_PAGE, _calendar_context(request, project))
    form = CalendarForm(request.POST)
    status, conflict = 400, None
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            calendar_services.calendar_save(
                who=actor(request), project=project, version=version, data=data
            )
        except Conflict as exc:
            status, conflict = 409, exc.message
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
            status = 428 if exc.status_code == 428 else 400
        else:
            messages.success(request, "Calendar saved; the plan is rescheduled.")
            return redirect(reverse("planning:plan-calendar", args=[project.public_id]))
    context = _calendar_context(request, project, form=form, conflict=conflict)
    return render(request, CALENDAR_PAGE, context, status=status)


@login_required
@require_POST
def holiday_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a holiday (a day or a period without work)."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    form = HolidayForm(request.POST)
    if form.is_valid():
        try:
            holiday = calendar_services.holiday_create(
                who=actor(request), project=project, data=form.data_for_service()
            )
        except DomainError as exc:
            if exc.status_code == 403:
                return page_error(request, exc)
            add_errors(form, exc)
        else:
            messages.success(request, f"Holiday '{holiday.name}' added; the plan is rescheduled.")
            return redirect(reverse("planning:plan-calendar", args=[project.public_id]))
    context = _calendar_context(request, project, holiday_form=form)
    return render(request, CALENDAR_PAGE, context, status=400)


@login_required
@require_POST
def holiday_delete(request: HttpRequest, project_id: str, holiday_id: str) -> HttpResponse:
    """Remove a holiday at the version shown."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        holiday = selectors.holiday_get(who=who, project=project, holiday_id=holiday_id)
        calendar_services.holiday_delete(
            who=who,
            project=project,
            holiday=holiday,
            version=parse_version(request.POST.get("version")),
        )
    except Conflict:
        messages.error(request, "That holiday was changed meanwhile; here is the current list.")
    except DomainError as exc:
        return page_error(request, exc)
    else:
        messages.success(request, f"Holiday '{holiday.name}' removed; the plan is rescheduled.")
    return redirect(reverse("planning:plan-calendar", args=[project.public_id]))
