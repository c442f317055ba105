"""The budget page: what the project will cost, month by month, and the S-curve; the settings,
the budget lines and the set / reopen actions with htmx. Thin: parse, call one service, render.

The whole page body is one section (``#budget``): any save changes the totals, the table
and the chart together, so each save swaps all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.web import page_error
from keystage.costs import selectors as selectors
from keystage.costs import services as services
from keystage.costs.actuals import budget_actuals, currency_of
from keystage.costs.cost_views import actuals_s_curve, actuals_table
from keystage.costs.forms import BudgetLineForm, BudgetSettingsForm
from keystage.costs.records import COSTS
from keystage.costs.selectors import CostPlan
from keystage.initiation.selectors import proposal_get
from keystage.planning.views.scope import (
    Section,
    editor,
    htmx,
    need_version,
    open_project,
    render_section,
    values,
)
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project

EDITOR_PAGE = "costs/editor_page.html"
RECENT = 5
ZERO = Decimal("0")


@dataclass(frozen=True)
class TableRow:
    """One row of the category × month table."""

    key: str
    label: str
    cells: list[Decimal]
    total: Decimal | None
    share: Decimal | None = None  # percent of the cost plan


def cost_table(plan: CostPlan) -> tuple[list[TableRow], list[TableRow]]:
    """Rows by category, then the footer: planned costs, contingency, baseline, cumulative."""
    phased = plan.phased
    body = [
        TableRow(
            key,
            label,
            [phased.by_month[m].get(key, ZERO) for m in phased.months],
            amount,
            amount * 100 / plan.subtotal if plan.subtotal else None,
        )
        for key, label, amount in plan.categories
    ]
    percent = f"{plan.contingency_percent.normalize():f}"
    foot = [
        TableRow("subtotal", "Planned costs", list(phased.month_totals), plan.subtotal),
        TableRow(
            "contingency",
            f"Contingency ({percent} %)",
            list(plan.month_contingency),
            plan.contingency,
        ),
        TableRow("baseline", "Cost baseline", list(plan.month_baseline), plan.cost_baseline),
        TableRow("cumulative", "Cumulative cost baseline", list(plan.cumulative_baseline), None),
    ]
    return body, foot


def _context(request: HttpRequest, project: Project) -> dict[str, Any]:
    who = actor(request)
    plan, actual = budget_actuals(who=who, project=project)
    body, foot = cost_table(plan)
    actual_body, actual_foot = actuals_table(actual)
    lines = list(selectors.line_list(who=who, project=project))
    labour = plan.labour_by_person
    perms = project_perms(request.user, project)
    can_edit = Perm.EDIT in perms
    currency = currency_of(project)
    return {
        "actual": actual,
        "actual_body": actual_body,
        "actual_foot": actual_foot,
        "actual_svg": actuals_s_curve(plan, actual, currency),
        "recent_costs": list(
            COSTS.list_records(who=who, project=project).select_related("task")[:RECENT]
        ),
        "can_record": COSTS.spec.write_perm in perms,
        "currency": currency,
        "plan": plan,
        "budget": plan.budget,
        "months": plan.phased.months,
        "table_body": body,
        "table_foot": foot,
        "lines": lines,
        "lines_total": sum((line.amount for line in lines), ZERO),
        "labour": labour,
        "labour_hours": sum((p.hours for p in labour), ZERO),
        "labour_cost": sum((p.cost for p in labour), ZERO),
        "can_edit": can_edit,
        "can_change": can_edit and not plan.is_set,
    }


def _section(request: HttpRequest, project: Project) -> Section:
    return Section("costs/_budget.html", "budget", "budget", lambda: _context(request, project))


@login_required
@require_GET
def budget_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The budget: totals, the cost plan by category and month, the S-curve, lines, labour."""
    try:
        project = open_project(request, project_id)
        context = {"project": project, **_context(request, project)}
    except DomainError as exc:
        return page_error(request, exc)
    return render(request, "costs/page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def budget_settings(request: HttpRequest, project_id: str) -> HttpResponse:
    """Edit the contingency, the management reserve and the notes."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    current = selectors.budget_get(who=who, project=project)
    initial = values(current, services.BUDGET_FIELDS) or {
        "contingency_percent": Decimal("10"),
        "management_reserve": ZERO,
    }
    form = BudgetSettingsForm(request.POST or None, initial=initial)
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.budget_save(who=who, project=project, version=v, data=data),
        section=_section(request, project),
        title="Budget settings",
        noun="Budget settings",
        intro="Contingency covers known risks and is part of the cost baseline; the "
        "management reserve covers unknown risks and stays with the sponsor.",
        page_template=EDITOR_PAGE,
    )


def _tasks(request: HttpRequest, project: Project) -> Any:
    return selectors.task_choices(who=actor(request), project=project)


@login_required
@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Add a budget line."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    who = actor(request)
    form = BudgetLineForm(request.POST or None, tasks=_tasks(request, project))
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.line_create(who=who, project=project, data=data),
        section=_section(request, project),
        title="New budget line",
        noun="Budget line",
        intro="A cost the plan does not derive by itself: services, licences, travel, "
        "training… Tie it to a task to follow the schedule, or give its dates.",
        page_template=EDITOR_PAGE,
    )


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, project_id: str, budget_line_id: str) -> HttpResponse:
    """Edit or remove a budget line."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        line = selectors.line_get(who=who, project=project, budget_line_id=budget_line_id)
    except DomainError as exc:
        return page_error(request, exc)
    form = BudgetLineForm(
        request.POST or None,
        initial=values(line, services.LINE_FIELDS),
        tasks=_tasks(request, project),
    )
    return editor(
        request,
        project,
        form=form,
        save=lambda data, v: services.line_update(
            who=who, line=line, version=need_version(v), changes=data
        ),
        remove=lambda v: services.line_delete(who=who, line=line, version=need_version(v)),
        section=_section(request, project),
        title=f"Budget line — {line.name}",
        noun="Budget line",
        page_template=EDITOR_PAGE,
    )


def _action(request: HttpRequest, project_id: str, *, reopen: bool) -> HttpResponse:
    """Set or reopen the budget, then show the refreshed page (or its section)."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    raw = request.POST.get("version") or ""
    version = int(raw) if raw.isdigit() else None
    if not reopen and request.POST.get("confirm") != "yes":
        return _confirm_set(request, project, raw)
    action = services.budget_reopen if reopen else services.budget_set
    page_url = reverse("planning:budget", args=[project.public_id])
    try:
        action(who=actor(request), project=project, version=version)
    except DomainError as exc:
        if exc.status_code == 403:
            return page_error(request, exc)
        if isinstance(exc, InvalidInput):
            message = " ".join(m for msgs in exc.errors.values() for m in msgs)
        else:
            message = exc.message
        if not htmx(request):
            messages.error(request, message)
            return redirect(page_url)
        context = {"project": project, "action_error": message, **_context(request, project)}
        status = exc.status_code if exc.status_code in (409, 428) else 400
        response = render(request, "costs/_budget.html", context, status=status)
        response["HX-Retarget"] = "#budget"
        response["HX-Reswap"] = "outerHTML"
        return response
    flash = "Budget reopened: settings and lines can change." if reopen else "Budget set."
    if htmx(request):
        return render_section(request, project, _section(request, project), flash)
    messages.success(request, flash)
    return redirect(page_url)


#: A budget this many times above (or below) the proposal's estimate is pointed out.
ESTIMATE_GAP = Decimal("2")


def set_budget_question(total: Decimal, estimate: Decimal | None) -> dict[str, Any]:
    """What the "Set budget" confirmation says: the total and how it compares to the estimate.

    ``gap`` reads e.g. "10× the proposal's estimate of 95,000" when the total is at least
    :data:`ESTIMATE_GAP` times above or below the estimate, else it is empty.
    """
    gap = ""
    if estimate and estimate > 0 and total > 0:
        ratio = total / estimate
        if ratio >= ESTIMATE_GAP:
            gap = f"{ratio:.3g}× the proposal's estimate of {services.money(estimate)}"
        elif ratio <= 1 / ESTIMATE_GAP:
            gap = f"{1 / ratio:.3g}× below the proposal's estimate of {services.money(estimate)}"
    return {"total": services.money(total), "estimate": estimate, "gap": gap}


def _confirm_set(request: HttpRequest, project: Project, version: str) -> HttpResponse:
    """Ask before setting the budget, saying how it compares with the proposal's estimate."""
    context = {"project": project, **_context(request, project)}
    proposal = proposal_get(who=actor(request), project=project)
    estimate = proposal.estimated_budget if proposal else None
    context["confirm_set"] = {
        **set_budget_question(context["plan"].total_budget, estimate),
        "version": version,
    }
    if htmx(request):
        response = render(request, "costs/_budget.html", context)
        response["HX-Retarget"] = "#budget"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "costs/page.html", context)


@login_required
@require_POST
def budget_set(request: HttpRequest, project_id: str) -> HttpResponse:
    """Set the budget (the gate to execution checks it)."""
    return _action(request, project_id, reopen=False)


@login_required
@require_POST
def budget_reopen(request: HttpRequest, project_id: str) -> HttpResponse:
    """Reopen the budget."""
    return _action(request, project_id, reopen=True)
