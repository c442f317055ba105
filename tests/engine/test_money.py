"""The one money rounding rule: cents, half away from zero, never -0.00."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from keystage.engine.costplan import spread
from keystage.engine.finance import BusinessCase, CashFlowLine, net_cash_flows
from keystage.engine.money import CENT, round_to, to_cents


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        (Decimal("0.125"), "0.13"),  # half up, where banker's rounding would give 0.12
        (Decimal("0.135"), "0.14"),
        (Decimal("-0.125"), "-0.13"),  # half away from zero
        (Decimal("2.5"), "2.50"),
        (0.125, "0.13"),  # floats go through their shortest repr, not their binary expansion
        (1.005, "1.01"),
        (7, "7.00"),
        (Decimal("-0.001"), "0.00"),  # never -0.00
    ],
)
def test_to_cents_rounds_half_up(value: float | int | Decimal, cents: str) -> None:
    result = to_cents(value)
    assert str(result) == cents
    assert result.as_tuple().exponent == -2


def test_round_to_uses_the_same_mode_for_quantities() -> None:
    assert round_to(Decimal("2.25"), Decimal("0.1")) == Decimal("2.3")
    assert round_to(Decimal("2.125"), CENT) == Decimal("2.13")


def test_engine_modules_round_through_the_one_rule() -> None:
    case = BusinessCase(
        lines=(CashFlowLine("x", "benefit", Decimal("0.125")),),
        horizon=0,
        discount_rate=Decimal("0"),
    )
    assert net_cash_flows(case) == (Decimal("0.13"),)
    assert spread(Decimal("0.125"), date(2026, 1, 5), date(2026, 1, 5)) == {
        date(2026, 1, 1): Decimal("0.13")
    }
