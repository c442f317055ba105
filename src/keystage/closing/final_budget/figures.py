"""The final budget's figures from live data, never retyped: the cost plan and the actual cost
(``costs``: expenses, invoices and approved labour) and the earned value at close (``control``).

Contingency covers overspending of the planned costs; the management reserve covers what goes
beyond the cost baseline. Whatever each did not have to cover is *released* at close.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.utils import timezone

from keystage.control.selectors.evm import evm_summaries
from keystage.costs.actuals import actual_costs, compare, currency_of
from keystage.costs.selectors import cost_plan
from keystage.engine.money import to_cents
from keystage.execution.models import Timesheet, TimesheetStatus
from keystage.portfolio.models import Project
from keystage.resources.models import ProcurementItem, ProcurementStatus

ZERO = Decimal("0")
CONTINGENCY = "contingency"
#: Purchases that should have been invoiced (and recorded as a cost) before the books close.
OPEN_PURCHASES = (
    ProcurementStatus.REQUESTED,
    ProcurementStatus.ORDERED,
    ProcurementStatus.DELIVERED,
)
SHOWN = 5


def _cents(value: Decimal) -> str:
    return str(to_cents(value))


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def live_figures(project: Project) -> dict[str, Any]:
    """Every figure of the final budget as JSON-safe data (money as strings in cents)."""
    plan = cost_plan(project=project)
    data = compare(plan, actual_costs(project), today=timezone.localdate())
    categories = [
        {
            "key": row.key,
            "label": row.label,
            "budget": _cents(row.planned),
            "actual": _cents(row.actual),
            "variance": _cents(row.variance),
        }
        for row in data.categories
    ]
    categories.append(
        {
            "key": CONTINGENCY,
            "label": "Contingency (not allocated to a category)",
            "budget": _cents(plan.contingency),
            "actual": "0.00",
            "variance": _cents(plan.contingency),
        }
    )
    actual = data.actual_total
    overrun_of_plan = max(actual - plan.subtotal, ZERO)
    contingency_used = min(plan.contingency, overrun_of_plan)
    reserve_used = min(plan.management_reserve, max(actual - plan.cost_baseline, ZERO))
    summary = evm_summaries([project])[project.pk]
    return {
        "currency": currency_of(project),
        "categories": categories,
        "planned_costs": _cents(plan.subtotal),
        "contingency": _cents(plan.contingency),
        "cost_baseline": _cents(plan.cost_baseline),
        "management_reserve": _cents(plan.management_reserve),
        "total_budget": _cents(plan.total_budget),
        "actual_cost": _cents(actual),
        "variance": _cents(plan.cost_baseline - actual),
        "contingency_used": _cents(contingency_used),
        "contingency_released": _cents(plan.contingency - contingency_used),
        "reserve_used": _cents(reserve_used),
        "reserve_released": _cents(plan.management_reserve - reserve_used),
        "over_total_budget": _cents(max(actual - plan.total_budget, ZERO)),
        "final_eac": _cents(actual),
        "evm": {
            "baseline": summary.baseline_name,
            "bac": _opt(summary.bac),
            "ev": _opt(summary.ev),
            "ac": _opt(summary.ac),
            "cpi": None if summary.cpi is None else round(summary.cpi, 3),
            "spi": None if summary.spi is None else round(summary.spi, 3),
            "vac_at_close": None if summary.bac is None else _cents(summary.bac - actual),
        },
    }


def fingerprint(figures: dict[str, Any], explanations: dict[str, str], note: str) -> str:
    """What a reconciliation fixes: the figures and the words. A change to either makes it
    stale."""
    text = json.dumps(
        {"figures": figures, "explanations": explanations, "note": note},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def pending_items(project: Project) -> list[str]:
    """What must be settled before the budget can be reconciled: weeks of time not approved
    (their labour is not an actual cost yet) and purchases not invoiced."""
    pending: list[str] = []
    weeks = list(
        Timesheet.objects.filter(project=project)
        .exclude(status=TimesheetStatus.APPROVED)
        .annotate(n=Count("entries"))
        .filter(n__gt=0)
        .select_related("person")
        .order_by("week_start", "person__username")
    )
    if weeks:
        names = ", ".join(
            f"{w.person.display_name} (week of {w.week_start:%d %b %Y}, {w.get_status_display()})"
            for w in weeks[:SHOWN]
        )
        more = f" and {len(weeks) - SHOWN} more" if len(weeks) > SHOWN else ""
        pending.append(f"{len(weeks)} timesheet week(s) not approved: {names}{more}")
    purchases = list(
        ProcurementItem.objects.filter(project=project, status__in=OPEN_PURCHASES)
        .filter(cost_entries__isnull=True)
        .order_by("name")
        .values_list("name", "status")
    )
    if purchases:
        names = ", ".join(f"{name} ({ProcurementStatus(s).label})" for name, s in purchases[:SHOWN])
        more = f" and {len(purchases) - SHOWN} more" if len(purchases) > SHOWN else ""
        pending.append(
            f"{len(purchases)} purchase(s) with no invoice or cost recorded: {names}{more}"
        )
    return pending
