"""A project's "Team & resources" page: members as resources, equipment and procurement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError
from keystage.core.versioning import parse_version
from keystage.core.web import page_error, record_form_page
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.resources import selectors, supplies
from keystage.resources.access import can_edit_person
from keystage.resources.forms import EquipmentForm, ProcurementForm
from keystage.resources.models import ProcurementStatus


def _back(project: Project, anchor: str) -> HttpResponse:
    response = redirect("resources:team", project_id=project.public_id)
    response["Location"] += f"#{anchor}"
    return response


@login_required
@require_GET
def team(request: HttpRequest, project_id: str) -> HttpResponse:
    """Members with skills, capacity, rate and absences; the equipment and procurement."""
    who = actor(request)
    try:
        project = selectors.project_for(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    today = dt.date.today()
    equipment = list(selectors.equipment_list(who=who, project_id=project))
    procurement = list(selectors.procurement_list(who=who, project_id=project))
    live = [p for p in procurement if p.status != ProcurementStatus.CANCELLED]
    members = selectors.team_views(project=project, today=today)
    workers = [p for role, p in members if role in selectors.TEAM_ROLES]
    fte = sum((Decimal(p.capacity_percent) / 100 for p in workers), Decimal(0))
    weighted = sum((p.cost_rate * p.capacity_percent for p in workers), Decimal(0))
    summary = {
        "people": len(workers),
        "fte": fte,
        "rate": weighted / (fte * 100) if fte else Decimal(0),
    }
    context = {
        "project": project,
        "members": [(role, person, can_edit_person(who, person.user)) for role, person in members],
        "summary": summary,
        "equipment": equipment,
        "equipment_total": sum((e.total_cost or Decimal(0) for e in equipment), Decimal(0)),
        "equipment_unknown": any(e.total_cost is None for e in equipment),
        "procurement": procurement,
        "procurement_total": sum((p.cost for p in live), Decimal(0)),
        "procurement_open": sum(
            (p.cost for p in live if p.status != ProcurementStatus.DELIVERED), Decimal(0)
        ),
        "can_edit": Perm.EDIT in project_perms(who, project),
        "today": today,
    }
    return render(request, "resources/team.html", context)


def _form_page(
    request: HttpRequest,
    project: Project,
    *,
    anchor: str,
    **form: Any,
) -> HttpResponse:
    """The shared record form; after saving it goes back to the team page at ``anchor``."""
    back_url = reverse("resources:team", kwargs={"project_id": project.public_id}) + f"#{anchor}"
    return record_form_page(request, project, back_url=back_url, **form)


def _values(instance: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {**{f: getattr(instance, f) for f in fields}, "version": instance.version}


def _editable_project(request: HttpRequest, project_id: str) -> Project:
    return selectors.project_for(who=actor(request), project_id=project_id, perm=Perm.EDIT)


@login_required
@require_http_methods(["GET", "POST"])
def equipment_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add equipment."""
    try:
        project = _editable_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    return _form_page(
        request,
        project,
        form_class=EquipmentForm,
        initial={"quantity": 1, "cost_basis": "one_off", "status": "planned"},
        save=lambda data, v: supplies.equipment_create(who=who, project=project, data=data),
        title="Equipment — new",
        intro="A one-off cost is paid once per unit; a per-day cost for every day it is needed.",
        anchor="equipment",
    )


@login_required
@require_http_methods(["GET", "POST"])
def equipment_edit(request: HttpRequest, project_id: str, equipment_id: str) -> HttpResponse:
    """Edit or remove equipment."""
    who = actor(request)
    try:
        project = _editable_project(request, project_id)
        item = selectors.equipment_get(who=who, project_id=project, equipment_id=equipment_id)
    except DomainError as exc:
        return page_error(request, exc)
    return _form_page(
        request,
        project,
        form_class=EquipmentForm,
        initial=_values(item, supplies.EQUIPMENT_FIELDS),
        save=lambda data, v: supplies.equipment_update(
            who=who, item=item, version=parse_version(v), changes=data
        ),
        remove=lambda v: supplies.equipment_delete(who=who, item=item, version=parse_version(v)),
        title=f"Equipment — {item.name}",
        intro="Changes are checked against the version you loaded.",
        anchor="equipment",
    )


@login_required
@require_http_methods(["GET", "POST"])
def procurement_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a procurement item."""
    try:
        project = _editable_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    return _form_page(
        request,
        project,
        form_class=ProcurementForm,
        initial={"category": "hardware", "status": "planned"},
        save=lambda data, v: supplies.procurement_create(who=who, project=project, data=data),
        title="Procurement item — new",
        intro="Hardware, software, licences and services the project buys, and from whom.",
        anchor="procurement",
    )


@login_required
@require_http_methods(["GET", "POST"])
def procurement_edit(request: HttpRequest, project_id: str, procurement_id: str) -> HttpResponse:
    """Edit or remove a procurement item."""
    who = actor(request)
    try:
        project = _editable_project(request, project_id)
        item = selectors.procurement_get(who=who, project_id=project, item_id=procurement_id)
    except DomainError as exc:
        return page_error(request, exc)
    return _form_page(
        request,
        project,
        form_class=ProcurementForm,
        initial=_values(item, supplies.PROCUREMENT_FIELDS),
        save=lambda data, v: supplies.procurement_update(
            who=who, item=item, version=parse_version(v), changes=data
        ),
        remove=lambda v: supplies.procurement_delete(who=who, item=item, version=parse_version(v)),
        title=f"Procurement item — {item.name}",
        intro="Changes are checked against the version you loaded.",
        anchor="procurement",
    )
