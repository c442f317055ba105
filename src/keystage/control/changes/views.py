"""Pages of change requests: the list (raise one), one request (compose its edits, its
impact with the milestones that slip, the sponsor's decision, apply). Thin: each POST calls
one service and shows the request again, with the refusal's message and status when refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.control.changes import selectors, services
from keystage.control.changes.edits import OPS
from keystage.control.models import ChangeRequest
from keystage.control.models.changes import ChangeCategory, ChangeStatus
from keystage.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from keystage.core.web import page_error
from keystage.costs.models import BudgetLine, CostCategory
from keystage.planning import engine
from keystage.planning.models import Dependency, ProjectCalendar, Task
from keystage.planning.selectors.wbs import link_words
from keystage.portfolio.access import access_project, project_perms
from keystage.portfolio.models import Project


def _errors(exc: DomainError) -> dict[str, str]:
    if isinstance(exc, InvalidInput):
        return {k: " ".join(str(m) for m in v) for k, v in exc.errors.items()}
    return {"non_field_errors": exc.message}


@login_required
@require_GET
def change_list_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's change requests with their impact and status; a form to raise one."""
    return _list(request, project_id)


def _list(
    request: HttpRequest, project_id: str, errors: dict[str, str] | None = None, status: int = 200
) -> HttpResponse:
    who = actor(request)
    try:
        project = access_project(who=who, project_id=project_id)
        rows = list(selectors.change_list(who=who, project=project))
    except DomainError as exc:
        return page_error(request, exc)
    perms = project_perms(who, project)
    context = {
        "project": project,
        "changes": rows,
        "figures": selectors.change_figures(project),
        "can_raise": Perm.CONTRIBUTE in perms,
        "categories": ChangeCategory.choices,
        "errors": errors or {},
        "form": request.POST if errors else {},
    }
    return render(request, "control/changes/list.html", context, status=status)


@login_required
@require_POST
def change_new(request: HttpRequest, project_id: str) -> HttpResponse:
    """Raise a draft and open it."""
    who = actor(request)
    try:
        project = access_project(who=who, project_id=project_id)
        change = services.change_create(who=who, project=project, data=request.POST.dict())
    except InvalidInput as exc:
        return _list(request, project_id, _errors(exc), 400)
    except DomainError as exc:
        return page_error(request, exc)
    return redirect(services.change_url(change))


def _choices(project: Project) -> dict[str, Any]:
    tasks = list(Task.objects.filter(project=project).order_by("row"))
    links = list(
        Dependency.objects.filter(project=project)
        .select_related("predecessor", "successor")
        .order_by("predecessor__row", "successor__row")
    )
    return {
        "leaves": [t for t in tasks if not t.is_summary],
        "durations": [t for t in tasks if not t.is_summary and t.kind != "milestone"],
        "summaries": [t for t in tasks if t.is_summary],
        "links": links,
        "lines": list(BudgetLine.objects.filter(project=project)),
        "cost_categories": CostCategory.choices,
        "link_types": ("FS", "SS", "FF", "SF"),
    }


def _detail(
    request: HttpRequest,
    project_id: str,
    number: int,
    *,
    errors: dict[str, str] | None = None,
    status: int = 200,
    fresh_impact: dict[str, Any] | None = None,
) -> HttpResponse:
    who = actor(request)
    try:
        change = selectors.change_get(who=who, project_id=project_id, number=number)
    except DomainError as exc:
        return page_error(request, exc)
    project = change.project
    perms = project_perms(who, project)
    can_edit = Perm.EDIT in perms
    calendar = ProjectCalendar.objects.filter(project=project).first()
    context: dict[str, Any] = {
        "project": project,
        "change": change,
        "edits": _shown_edits(change, engine.minutes_per_day(calendar)),
        "impact": _impact_view(change.impact),
        "impact_current": selectors.impact_is_current(change),
        "fresh_impact": _impact_view(fresh_impact),
        "can_edit": can_edit,
        "can_compose": can_edit and change.status == ChangeStatus.DRAFT,
        "can_reword": change.status == ChangeStatus.DRAFT
        and (can_edit or (Perm.CONTRIBUTE in perms and change.requester_id == who.pk)),
        "categories": ChangeCategory.choices,
        "can_decide": Perm.DECIDE_GATE in perms and change.status == ChangeStatus.SUBMITTED,
        "can_apply": can_edit and change.status == ChangeStatus.APPROVED,
        "ops": OPS,
        "errors": errors or {},
        "statuses": ChangeStatus,
    }
    if context["can_compose"]:
        context |= _choices(project)
    return render(request, "control/changes/detail.html", context, status=status)


def _impact_view(impact: dict[str, Any] | None) -> dict[str, Any] | None:
    """The stored impact with dates and amounts as values the templates format."""
    if impact is None:
        return None

    def when(text: Any) -> dt.datetime | None:
        return dt.datetime.fromisoformat(text) if text else None

    def number(text: Any) -> Decimal | None:
        return Decimal(text) if text not in (None, "") else None

    shown = dict(impact)
    for key in ("finish_before", "finish_after"):
        shown[key] = when(impact.get(key))
    for key in ("finish_delta_days", "cost_before", "cost_after", "cost_delta"):
        shown[key] = number(impact.get(key))
    shown["milestones"] = [
        {
            **m,
            "before": when(m.get("before")),
            "after": when(m.get("after")),
            "slip_days": number(m.get("slip_days")),
        }
        for m in impact.get("milestones", [])
    ]
    return shown


def _shown_edits(change: ChangeRequest, per_day: int) -> list[dict[str, Any]]:
    def days(minutes: Any) -> str:
        value = int(minutes) / per_day
        return f"{value:g} d"

    def _link_text(kind: str, lag: int, most: int | None) -> str:
        return link_words(kind, lag, None if most is None else int(most), per_day)

    shown = []
    for edit in change.edits:
        op = edit["op"]
        if op == "duration":
            what = f"{days(edit['was_minutes'])} → {days(edit['duration_minutes'])}"
        elif op == "task_cost":
            what = f"{edit['was']} → {edit['fixed_cost']}"
        elif op == "add_task":
            what = f"{days(edit['duration_minutes'])}, fixed cost {edit['fixed_cost']}"
            links = len(edit["predecessors"]) + len(edit["successors"])
            what += f", {links} link{'s' if links != 1 else ''}" if links else ""
        elif op in ("add_link", "change_link"):
            what = _link_text(edit["type"], int(edit["lag_minutes"]), edit.get("max_lag_minutes"))
            if op == "change_link":
                was = _link_text(
                    edit["was_type"], int(edit["was_lag_minutes"]), edit.get("was_max_lag_minutes")
                )
                what = f"{was} → {what}"
        elif op == "contingency":
            what = f"{edit['was']} % → {edit['percent']} %"
        elif op == "line_amount":
            what = f"{edit['was']} → {edit['amount']}"
        elif op == "add_line":
            what = f"{edit['category']}, {edit['amount']}"
        else:
            what = ""
        shown.append({"op": OPS[op], "label": edit.get("label", ""), "what": what})
    return shown


@login_required
@require_GET
def change_page(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """One change request: its edits, impact, decision and actions."""
    return _detail(request, project_id, number)


def _act(
    request: HttpRequest,
    project_id: str,
    number: int,
    call: Callable[[Any, ChangeRequest, int], Any],
) -> HttpResponse:
    """Run one service on the request; show the page again with the refusal otherwise."""
    who = actor(request)
    try:
        change = selectors.change_get(who=who, project_id=project_id, number=number)
        version = int(request.POST.get("version") or 0)
        call(who, change, version)
    except (NotFound, Forbidden) as exc:
        return page_error(request, exc)
    except Conflict as exc:
        fresh = exc.current.get("impact") if isinstance(exc.current, dict) else None
        return _detail(
            request,
            project_id,
            number,
            errors={"non_field_errors": exc.message},
            status=409,
            fresh_impact=fresh,
        )
    except DomainError as exc:
        return _detail(request, project_id, number, errors=_errors(exc), status=400)
    return redirect(services.change_url(change))


@login_required
@require_POST
def change_update(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """Save a draft's words."""
    data = {k: request.POST.get(k) for k in services.FIELDS if k in request.POST}
    return _act(
        request,
        project_id,
        number,
        lambda who, c, v: services.change_update(who=who, change=c, version=v, data=data),
    )


@login_required
@require_POST
def change_edit_add(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """Add one plan edit from the compose forms."""
    data: dict[str, Any] = request.POST.dict()
    data["predecessors"] = request.POST.getlist("predecessors")
    data["successors"] = request.POST.getlist("successors")
    if "|" in str(data.get("link") or ""):  # the remove-a-dependency form names the pair
        data["predecessor"], data["successor"] = str(data.pop("link")).split("|", 1)
    return _act(
        request,
        project_id,
        number,
        lambda who, c, v: services.edit_add(who=who, change=c, version=v, data=data),
    )


@login_required
@require_POST
def change_edit_remove(
    request: HttpRequest, project_id: str, number: int, index: int
) -> HttpResponse:
    """Take one edit out of a draft."""
    return _act(
        request,
        project_id,
        number,
        lambda who, c, v: services.edit_remove(who=who, change=c, version=v, index=index),
    )


@login_required
@require_POST
def change_impact(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """Compute the impact now."""
    return _act(
        request,
        project_id,
        number,
        lambda who, c, v: services.impact_compute(who=who, change=c, version=v),
    )


@login_required
@require_POST
def change_submit(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """Send the draft to the sponsor."""
    return _act(
        request,
        project_id,
        number,
        lambda who, c, v: services.change_submit(who=who, change=c, version=v),
    )


@login_required
@require_POST
def change_decide(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """The sponsor's approval or rejection."""
    outcome, comment = request.POST.get("outcome"), request.POST.get("comment")
    return _act(
        request,
        project_id,
        number,
        lambda who, c, v: services.change_decide(
            who=who, change=c, version=v, outcome=outcome, comment=comment
        ),
    )


@login_required
@require_POST
def change_apply(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """Apply the approved change and re-baseline."""
    return _act(
        request,
        project_id,
        number,
        lambda who, c, v: services.change_apply(who=who, change=c, version=v),
    )
