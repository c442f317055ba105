"""Pages of the actual cost: the list of recorded costs and a cost's file. Thin.

Adding, editing and removing a cost are the record kit's pages (``costs.records.COSTS``);
the list is this module's own table (amounts, dates, suppliers, files).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from keystage.accounts.actor import actor
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.middleware import accepts_uploads
from keystage.core.web import page_error
from keystage.costs import attachments
from keystage.costs.actuals import BudgetActuals, currency_of
from keystage.costs.records import COSTS
from keystage.costs.selectors import CostPlan
from keystage.planning.views.scope import open_project
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.reporting.svg import charts

ZERO = Decimal("0")


def _list_context(request: HttpRequest, project: Project) -> dict[str, Any]:
    who = actor(request)
    costs = COSTS.list_records(who=who, project=project).select_related("task", "procurement_item")
    return {
        "project": project,
        "costs": costs,
        "total": costs.aggregate(total=Sum("amount"))["total"] or ZERO,
        "currency": currency_of(project),
        "can_record": COSTS.spec.write_perm in project_perms(request.user, project),
    }


@login_required
@require_GET
def costs_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's expenses and supplier invoices, newest first, with their files."""
    try:
        project = open_project(request, project_id, COSTS.spec.read_perm)
    except DomainError as exc:
        return page_error(request, exc)
    return render(request, "costs/costs.html", _list_context(request, project))


@accepts_uploads
@login_required
@require_http_methods(["GET", "POST"])
def cost_file(request: HttpRequest, project_id: str, cost_id: str) -> HttpResponseBase:
    """GET downloads the cost's file; POST attaches one (``file``) or removes it."""
    who = actor(request)
    try:
        project = open_project(request, project_id, COSTS.spec.read_perm)
        entry = COSTS.get_record(who=who, project=project, record_id=cost_id)
        if request.method == "GET":
            return attachments.cost_file_response(entry)
        raw = request.POST.get("version") or ""
        version = int(raw) if raw.isdigit() else 0
        if request.POST.get("action") == "remove":
            attachments.cost_file_remove(who=who, entry=entry, version=version)
            messages.success(request, "File removed.")
        else:
            attachments.cost_file_set(
                who=who, entry=entry, version=version, upload=request.FILES.get("file")
            )
            messages.success(request, "File attached.")
    except InvalidInput as exc:
        context = _list_context(request, project)
        context["file_errors"] = {str(entry.public_id): exc.errors}
        return render(request, "costs/costs.html", context, status=400)
    except DomainError as exc:
        return page_error(request, exc)
    return redirect(reverse("planning:costs", args=[project.public_id]))


@dataclass(frozen=True)
class MonthRow:
    """One row of the planned-against-actual month table."""

    key: str
    label: str
    kind: str  # "planned" or "actual"
    cells: list[Decimal | None]
    total: Decimal | None


def actuals_table(data: BudgetActuals) -> tuple[list[MonthRow], list[MonthRow]]:
    """Per category a planned and an actual row by month, then the totals and running sums.

    Actual cells after the current month are empty (nothing can be spent there yet).
    """
    to_date = data.actual_months_to_date

    def upto(values: tuple[Decimal, ...]) -> list[Decimal | None]:
        return [v if i < to_date else None for i, v in enumerate(values)]

    body: list[MonthRow] = []
    for row in data.categories:
        body.append(MonthRow(row.key, row.label, "planned", list(row.planned_months), row.planned))
        body.append(MonthRow(row.key, row.label, "actual", upto(row.actual_months), row.actual))
    foot = [
        MonthRow(
            "baseline",
            "Cost baseline (with contingency)",
            "planned",
            list(data.planned_months),
            data.cost_baseline,
        ),
        MonthRow("actual", "Actual cost", "actual", upto(data.actual_months), data.actual_total),
        MonthRow(
            "cumulative-planned",
            "Cumulative planned",
            "planned",
            list(data.cumulative(data.planned_months)),
            None,
        ),
        MonthRow(
            "cumulative-actual",
            "Cumulative actual",
            "actual",
            upto(data.cumulative(data.actual_months)),
            None,
        ),
    ]
    return body, foot


def actuals_s_curve(plan: CostPlan, data: BudgetActuals, currency: str) -> str:
    """The cumulative cost baseline with the actual cost (AC) beside it and the plain forecast."""
    if not data.months:
        return ""
    labels = ["", *(m.strftime("%b %y") for m in data.months)]
    planned = [ZERO, *data.cumulative(data.planned_months)]
    to_date = data.actual_months_to_date
    actual: list[Decimal] = []
    forecast = None
    if data.actual_total and to_date:
        actual = [ZERO, *data.cumulative(data.actual_months)[:to_date]]
        if to_date < len(data.months):
            forecast = (float(len(labels) - 1), data.forecast)
    limits = []
    if plan.management_reserve > 0:
        limits.append(("Total budget (with reserve)", plan.total_budget))
    return charts.s_curve(
        labels,
        planned,
        actual=actual,
        title="Planned value and actual cost over time"
        if actual
        else "Planned spending: the cost baseline over time",
        subtitle="Cumulative cost baseline and actual cost (AC) at each month end"
        if actual
        else "Cumulative planned costs with their contingency, at each month end",
        currency=currency,
        forecast=forecast,
        limits=limits,
        bac_label="Budget at completion",
    )
