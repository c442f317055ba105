"""Time-phasing of the cost plan: spreads add up, follow working days, and reject bad input."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from keystage.engine.costplan import (
    CostItem,
    CostPlanError,
    months_between,
    phase,
    prorate,
    spread,
)


def test_spread_follows_working_days_across_months() -> None:
    # 2026-01-26 (Mon) .. 2026-02-06 (Fri): 5 working days in January, 5 in February.
    result = spread(Decimal("1000"), date(2026, 1, 26), date(2026, 2, 6))
    assert result == {date(2026, 1, 1): Decimal("500.00"), date(2026, 2, 1): Decimal("500.00")}


def test_spread_weekend_only_period_falls_on_start_month() -> None:
    assert spread(Decimal("90"), date(2026, 1, 31), date(2026, 2, 1)) == {
        date(2026, 1, 1): Decimal("90.00")
    }
    seven_days = spread(Decimal("70"), date(2026, 1, 31), date(2026, 2, 1), "1234567")
    assert seven_days == {date(2026, 1, 1): Decimal("35.00"), date(2026, 2, 1): Decimal("35.00")}


def test_spread_rejects_negative_amounts_and_reversed_periods() -> None:
    with pytest.raises(CostPlanError, match="never negative"):
        spread(Decimal("-1"), date(2026, 1, 1), date(2026, 1, 2))
    with pytest.raises(CostPlanError) as err:
        spread(Decimal("1"), date(2026, 1, 5), date(2026, 1, 2))
    assert err.value.field == "end"


@given(
    amount=st.decimals(min_value=0, max_value=10**9, places=2),
    start_offset=st.integers(0, 800),
    length=st.integers(0, 400),
)
def test_spread_months_always_add_up_to_the_amount(
    amount: Decimal, start_offset: int, length: int
) -> None:
    start = date.fromordinal(date(2025, 1, 1).toordinal() + start_offset)
    end = date.fromordinal(start.toordinal() + length)
    result = spread(amount, start, end)
    assert sum(result.values()) == amount
    assert all(v >= 0 for v in result.values())
    assert all(start.replace(day=1) <= m <= end for m in result)


def test_phase_totals_by_category_month_task_and_cumulative_curve() -> None:
    items = [
        CostItem("labour", "Ana", Decimal("800"), date(2026, 3, 2), date(2026, 3, 6), task_key=1),
        CostItem("labour", "Ben", Decimal("200"), date(2026, 5, 4), date(2026, 5, 4), task_key=2),
        CostItem("equipment", "Lab", Decimal("50"), date(2026, 3, 10), date(2026, 3, 10)),
        CostItem("services", "Audit", Decimal("100"), date(2026, 5, 1), date(2026, 5, 1), 2),
    ]
    plan = phase(items)
    assert plan.months == (date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1))
    assert plan.by_category == {
        "labour": Decimal("1000"),
        "equipment": Decimal("50"),
        "services": Decimal("100"),
    }
    assert plan.month_totals == (Decimal("850.00"), Decimal("0"), Decimal("300.00"))
    assert plan.cumulative == (Decimal("850.00"), Decimal("850.00"), Decimal("1150.00"))
    assert plan.total == Decimal("1150")
    assert plan.by_task == {1: Decimal("800"), 2: Decimal("300")}


def test_empty_plan_and_month_ranges() -> None:
    empty = phase([])
    assert empty.months == () and empty.total == 0 and empty.cumulative == ()
    assert months_between(date(2026, 11, 15), date(2027, 2, 1)) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


def test_prorate_follows_the_weights_and_adds_up_exactly() -> None:
    shares = prorate(Decimal("100"), [Decimal("1"), Decimal("1"), Decimal("1"), Decimal("0")])
    assert shares == (Decimal("33.33"), Decimal("33.34"), Decimal("33.33"), Decimal("0"))
    tiny = prorate(Decimal("0.03"), [Decimal("1")] * 5)
    assert sum(tiny) == Decimal("0.03") and min(tiny) >= 0
    assert prorate(Decimal("10"), [Decimal("0"), Decimal("0")]) == (Decimal("0"), Decimal("10.00"))
    assert prorate(Decimal("10"), []) == ()
    with pytest.raises(CostPlanError):
        prorate(Decimal("-1"), [Decimal("1")])


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.lists(st.decimals(min_value=0, max_value=10**7, places=2), min_size=1, max_size=24),
)
def test_prorate_never_loses_a_cent(amount: Decimal, weights: list[Decimal]) -> None:
    shares = prorate(amount, weights)
    assert sum(shares, Decimal("0")) == amount
    assert len(shares) == len(weights) and min(shares) >= 0


def test_spread_of_a_few_cents_over_months_never_goes_negative() -> None:
    # Rounding each month up used to leave the last month below zero.
    result = spread(Decimal("0.03"), date(2026, 1, 1), date(2026, 4, 30))
    assert sum(result.values()) == Decimal("0.03")
    assert all(v >= 0 for v in result.values())
