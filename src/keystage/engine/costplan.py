"""Time-phasing a cost plan: spread amounts over working days and sum them by month.

Pure functions on dates and ``Decimal`` amounts; the planning app feeds them
assignments, equipment, procurement, fixed costs and budget lines. Amounts are
rounded to cents and the rounding remainder goes to the last month, so the
months of a spread always add up to the amount exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from keystage.engine.errors import FieldError
from keystage.engine.money import to_cents

ZERO = Decimal("0")


class CostPlanError(FieldError):
    """A cost item that cannot be spread (negative amount, end before start)."""


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s month."""
    first = month_start(day)
    return (
        first.replace(year=first.year + 1, month=1)
        if first.month == 12
        else first.replace(month=first.month + 1)
    )


def months_between(first: date, last: date) -> list[date]:
    """Month starts from ``first``'s month to ``last``'s month, inclusive."""
    months = []
    current = month_start(first)
    while current <= last:
        months.append(current)
        current = next_month(current)
    return months


def spread(
    amount: Decimal, start: date, end: date, working_weekdays: str = "12345"
) -> dict[date, Decimal]:
    """Spread ``amount`` evenly over the working days ``start``..``end`` (inclusive), by month.

    ``working_weekdays`` uses ISO numbers (Monday = 1). When the period has no
    working day the whole amount falls on the month of ``start``.
    """
    if amount < 0:
        raise CostPlanError("amount", "Amounts are never negative.")
    if end < start:
        raise CostPlanError("end", "The end is before the start.")
    weekdays = {int(c) for c in working_weekdays if c.isdigit()}
    days_by_month: dict[date, int] = {}
    day = start
    while day <= end:
        if day.isoweekday() in weekdays:
            key = month_start(day)
            days_by_month[key] = days_by_month.get(key, 0) + 1
        day += timedelta(days=1)
    total_days = sum(days_by_month.values())
    if total_days == 0 or amount == 0:
        return {month_start(start): to_cents(amount)}
    months = sorted(days_by_month)
    shares = _split(to_cents(amount), [Decimal(days_by_month[m]) for m in months])
    return dict(zip(months, shares, strict=True))


def _split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """Cents of ``amount`` in proportion to ``weights`` (their sum is positive).

    Rounds the running total rather than each share, so no share is negative and
    the shares add up to ``amount`` exactly, however small it is.
    """
    total = sum(weights, ZERO)
    shares: list[Decimal] = []
    running = ZERO
    given = ZERO
    for weight in weights:
        running += weight
        upto = to_cents(amount * running / total)
        shares.append(upto - given)
        given = upto
    return shares


@dataclass(frozen=True)
class CostItem:
    """One planned cost: its category, a label, the amount and when it is spent.

    ``weekdays`` overrides the plan's working weekdays for this item (e.g.
    ``"1234567"`` for equipment rented by the calendar day).
    """

    category: str
    label: str
    amount: Decimal
    start: date
    end: date
    task_key: object | None = None
    weekdays: str | None = None


@dataclass(frozen=True)
class PhasedPlan:
    """Costs by category and month, and the cumulative planned value curve."""

    months: tuple[date, ...]
    by_category: Mapping[str, Decimal]
    by_month: Mapping[date, Mapping[str, Decimal]]
    month_totals: tuple[Decimal, ...]
    cumulative: tuple[Decimal, ...]
    total: Decimal
    by_task: Mapping[object, Decimal]


def phase(items: Iterable[CostItem], working_weekdays: str = "12345") -> PhasedPlan:
    """Time-phase cost items: totals by category, by month and by task, and the S-curve."""
    by_category: dict[str, Decimal] = {}
    by_month: dict[date, dict[str, Decimal]] = {}
    by_task: dict[object, Decimal] = {}
    for item in items:
        by_category[item.category] = by_category.get(item.category, ZERO) + item.amount
        if item.task_key is not None:
            by_task[item.task_key] = by_task.get(item.task_key, ZERO) + item.amount
        for month, amount in spread(
            item.amount, item.start, item.end, item.weekdays or working_weekdays
        ).items():
            row = by_month.setdefault(month, {})
            row[item.category] = row.get(item.category, ZERO) + amount
    months: Sequence[date] = months_between(min(by_month), max(by_month)) if by_month else ()
    totals = tuple(sum(by_month.get(m, {}).values(), ZERO) for m in months)
    cumulative: list[Decimal] = []
    running = ZERO
    for value in totals:
        running += value
        cumulative.append(running)
    return PhasedPlan(
        months=tuple(months),
        by_category=by_category,
        by_month={m: dict(by_month.get(m, {})) for m in months},
        month_totals=totals,
        cumulative=tuple(cumulative),
        total=sum(by_category.values(), ZERO),
        by_task=by_task,
    )


def prorate(amount: Decimal, weights: Sequence[Decimal]) -> tuple[Decimal, ...]:
    """Share ``amount`` over periods in proportion to ``weights``, in cents, adding up exactly.

    Used to time-phase the contingency with the costs it covers. Shares never
    go negative; with no weight at all the whole amount falls on the last
    period (or nowhere when there is none).
    """
    if amount < 0:
        raise CostPlanError("amount", "Amounts are never negative.")
    if any(w < 0 for w in weights):
        raise CostPlanError("weights", "Weights are never negative.")
    if not weights:
        return ()
    if sum(weights, ZERO) == 0:
        return (*([ZERO] * (len(weights) - 1)), to_cents(amount))
    return tuple(_split(to_cents(amount), weights))
