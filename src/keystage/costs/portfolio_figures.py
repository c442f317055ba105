"""Costs' figures on the portfolio dashboard (``portfolio.dashboard``): budget at completion
and actual cost for many projects in three queries."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from keystage.costs.models import CostEntry
from keystage.engine.money import to_cents
from keystage.execution.models import TimeEntry, TimesheetStatus
from keystage.planning.selectors.portfolio_figures import latest_baselines
from keystage.portfolio.models import Project

ZERO = Decimal("0")


def portfolio_figures(projects: Sequence[Project]) -> dict[int, dict[str, Any]]:
    """The dashboard's money (``portfolio.dashboard``), three queries for any number of
    projects: ``budget`` (budget at completion of the latest baseline) and ``actual_cost``
    (invoices and expenses plus approved labour)."""
    ids = [p.pk for p in projects]
    out: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    for pk, cost in latest_baselines(ids, "cost").items():
        out[pk]["budget"] = Decimal(cost)
    actual: dict[int, Decimal] = {}
    entries = (
        CostEntry.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
        .order_by()
    )
    labour = (
        TimeEntry.objects.filter(project_id__in=ids, timesheet__status=TimesheetStatus.APPROVED)
        .values("project_id")
        .annotate(total=Sum("amount"))
        .values_list("project_id", "total")
        .order_by()
    )
    for pk, total in (*entries, *labour):
        actual[pk] = actual.get(pk, ZERO) + Decimal(total or 0)
    for pk, total in actual.items():
        out[pk]["actual_cost"] = to_cents(total)
    return out
