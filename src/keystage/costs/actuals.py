"""Actual cost, time-phased by month, beside the cost plan: what the budget page compares.

Actual cost (AC) = approved labour + expenses + supplier invoices. Expenses and invoices
are summed in SQL by month and category (one query, whatever the number of entries);
labour is one separate input, :func:`_labour_by_month`, filled from the approved
timesheets of ``keystage.execution``.

The plain forecast assumes the rest of the work costs what the plan says:
``EAC = AC + the cost baseline still planned after the current month``. The earned-value
forecasts (CPI, SPI) come with the control stage.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from keystage.costs.models import CostCategory, CostEntry
from keystage.costs.selectors import CATEGORY_LABELS, CostPlan, budget_plan
from keystage.engine.costplan import month_start, months_between
from keystage.engine.money import to_cents
from keystage.execution.selectors.timesheets import labour_by_month
from keystage.portfolio.models import Project

ZERO = Decimal("0")
LABOUR = CostCategory.LABOUR.value


def _labour_by_month(project_id: int) -> dict[dt.date, Decimal]:
    """Approved labour cost by month (month start → amount), priced when each week was
    approved at the person's rate on each day (``execution.selectors.timesheets``)."""
    return labour_by_month(project_id)


@dataclass(frozen=True)
class ActualCosts:
    """Actual cost by month and category: ``by_month[month][category]`` (months ascending)."""

    by_month: Mapping[dt.date, Mapping[str, Decimal]]
    by_category: Mapping[str, Decimal]
    total: Decimal

    @property
    def months(self) -> tuple[dt.date, ...]:
        """The months with an actual cost, ascending."""
        return tuple(sorted(self.by_month))


def actual_costs(
    project: Project, *, labour: Mapping[dt.date, Decimal] | None = None
) -> ActualCosts:
    """Expenses and invoices by month and category, plus approved labour (one query each).

    ``labour`` (month → amount) replaces the timesheets' figures when given (tests,
    what-ifs); by default :func:`_labour_by_month` provides them.
    """
    rows = (
        CostEntry.objects.filter(project=project)
        .annotate(month=TruncMonth("date"))
        .values("month", "category")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    by_month: dict[dt.date, dict[str, Decimal]] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        cell = by_month.setdefault(month_start(month), {})
        cell[row["category"]] = cell.get(row["category"], ZERO) + Decimal(row["total"])
    labour_rows = _labour_by_month(project.pk) if labour is None else labour
    for month, amount in labour_rows.items():
        if amount:
            cell = by_month.setdefault(month_start(month), {})
            cell[LABOUR] = cell.get(LABOUR, ZERO) + Decimal(amount)
    by_category: dict[str, Decimal] = {}
    for cells in by_month.values():
        for key, amount in cells.items():
            by_category[key] = by_category.get(key, ZERO) + amount
    return ActualCosts(
        by_month={m: by_month[m] for m in sorted(by_month)},
        by_category=by_category,
        total=to_cents(sum(by_category.values(), ZERO)),
    )


@dataclass(frozen=True, slots=True)
class CategoryComparison:
    """Planned against actual for one category, in total and by month."""

    key: str
    label: str
    planned: Decimal
    actual: Decimal
    planned_months: tuple[Decimal, ...]
    actual_months: tuple[Decimal, ...]

    @property
    def variance(self) -> Decimal:
        """Planned minus actual: negative when the category is overspent."""
        return self.planned - self.actual

    @property
    def overspent(self) -> bool:
        """Whether more has been spent than planned."""
        return self.actual > self.planned


@dataclass(frozen=True)
class BudgetActuals:
    """The cost plan and the actual cost on one month axis, with the plain forecast."""

    months: tuple[dt.date, ...]
    categories: tuple[CategoryComparison, ...]
    planned_months: tuple[Decimal, ...]  # cost baseline per month (with contingency)
    actual_months: tuple[Decimal, ...]
    cost_baseline: Decimal  # BAC
    actual_total: Decimal  # AC to date
    planned_to_date: Decimal  # the baseline up to the end of the current month
    as_of: dt.date

    @property
    def remaining_budget(self) -> Decimal:
        """The cost baseline not spent yet (negative when it is overspent)."""
        return self.cost_baseline - self.actual_total

    @property
    def remaining_planned(self) -> Decimal:
        """The cost baseline planned after the current month."""
        return self.cost_baseline - self.planned_to_date

    @property
    def forecast(self) -> Decimal:
        """The plain estimate at completion: actual cost + the baseline still planned."""
        return self.actual_total + self.remaining_planned

    @property
    def variance_at_completion(self) -> Decimal:
        """Budget at completion minus the forecast: negative means an overrun."""
        return self.cost_baseline - self.forecast

    @property
    def spent_percent(self) -> Decimal | None:
        """Actual cost as a share of the cost baseline, in percent."""
        return self.actual_total * 100 / self.cost_baseline if self.cost_baseline else None

    def cumulative(self, values: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
        """Running totals of ``values``."""
        running, out = ZERO, []
        for value in values:
            running += value
            out.append(running)
        return tuple(out)

    @property
    def actual_months_to_date(self) -> int:
        """How many months of the axis lie before or in the current month (AC stops there)."""
        current = month_start(self.as_of)
        return sum(1 for m in self.months if m <= current)


def compare(plan: CostPlan, actual: ActualCosts, *, today: dt.date) -> BudgetActuals:
    """Put the plan and the actual cost on one month axis and work out the forecast."""
    phased = plan.phased
    known = [*phased.months, *actual.months]
    months = tuple(months_between(min(known), max(known))) if known else ()
    baseline = dict(zip(phased.months, plan.month_baseline, strict=True))
    rows = []
    keys = [k for k in CATEGORY_LABELS if phased.by_category.get(k) or actual.by_category.get(k)]
    for key in keys:
        rows.append(
            CategoryComparison(
                key=key,
                label=CATEGORY_LABELS[key],
                planned=phased.by_category.get(key, ZERO),
                actual=actual.by_category.get(key, ZERO),
                planned_months=tuple(phased.by_month.get(m, {}).get(key, ZERO) for m in months),
                actual_months=tuple(actual.by_month.get(m, {}).get(key, ZERO) for m in months),
            )
        )
    current = month_start(today)
    return BudgetActuals(
        months=months,
        categories=tuple(rows),
        planned_months=tuple(baseline.get(m, ZERO) for m in months),
        actual_months=tuple(sum(actual.by_month.get(m, {}).values(), ZERO) for m in months),
        cost_baseline=plan.cost_baseline,
        actual_total=actual.total,
        planned_to_date=sum((v for m, v in baseline.items() if m <= current), ZERO),
        as_of=today,
    )


def currency_of(project: Project) -> str:
    """The currency code of the project's organisation (its settings; EUR by default)."""
    return str(project.organisation.currency or "EUR")


def budget_actuals(
    *, who: Any, project: Project, today: dt.date | None = None
) -> tuple[CostPlan, BudgetActuals]:
    """The cost plan and its comparison with the actual cost, for a visible project.

    A constant number of queries whatever the number of costs (they are summed in SQL).
    """
    plan = budget_plan(who=who, project=project)
    return plan, compare(plan, actual_costs(project), today=today or timezone.localdate())


def actuals_document(data: BudgetActuals, currency: str) -> dict[str, Any]:
    """The comparison as the API sends it: amounts in cents as strings, months as YYYY-MM.

    ``actual_cumulative`` stops (null) after the current month.
    """
    planned_run = data.cumulative(data.planned_months)
    actual_run = data.cumulative(data.actual_months)
    to_date = data.actual_months_to_date

    def cents(value: Decimal) -> str:
        return str(to_cents(value))

    return {
        "currency": currency,
        "as_of": data.as_of,
        "cost_baseline": cents(data.cost_baseline),
        "actual_cost": cents(data.actual_total),
        "remaining_budget": cents(data.remaining_budget),
        "planned_to_date": cents(data.planned_to_date),
        "remaining_planned": cents(data.remaining_planned),
        "forecast": cents(data.forecast),
        "variance_at_completion": cents(data.variance_at_completion),
        "categories": [
            {
                "key": row.key,
                "label": row.label,
                "planned": cents(row.planned),
                "actual": cents(row.actual),
                "variance": cents(row.variance),
            }
            for row in data.categories
        ],
        "months": [
            {
                "month": f"{month:%Y-%m}",
                "planned": cents(data.planned_months[i]),
                "actual": cents(data.actual_months[i]),
                "planned_cumulative": cents(planned_run[i]),
                "actual_cumulative": cents(actual_run[i]) if i < to_date else None,
            }
            for i, month in enumerate(data.months)
        ],
    }
