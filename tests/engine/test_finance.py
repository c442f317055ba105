"""Business-case engine: hand-checked figures, properties and errors."""

from __future__ import annotations

from decimal import Decimal as D

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keystage.engine.finance import (
    BusinessCase,
    CashFlowLine,
    Estimate,
    evaluate,
    irr,
    net_cash_flows,
    npv,
    payback,
    roi,
    simulate_npv,
)
from keystage.engine.finance_errors import (
    FinanceFieldError,
    IrrUndefinedError,
    RoiUndefinedError,
)


def classic_case(rate: str = "0.10") -> BusinessCase:
    """1 000 invested now, 300 back every year for five years."""
    return BusinessCase(
        lines=(
            CashFlowLine("server", "cost", D("1000")),
            CashFlowLine("savings", "benefit", D("300"), period=1, recurring=True),
        ),
        horizon=5,
        discount_rate=D(rate),
    )


def test_net_cash_flows_combine_one_off_and_recurring_lines() -> None:
    assert net_cash_flows(classic_case()) == (
        D("-1000.00"),
        D("300.00"),
        D("300.00"),
        D("300.00"),
        D("300.00"),
        D("300.00"),
    )


def test_npv_hand_checked() -> None:
    # Annuity factor at 10 % over 5 years = (1 - 1.1**-5) / 0.1 = 3.790787
    # NPV = -1000 + 300 × 3.790787 = 137.236 → 137.24
    assert npv(classic_case()) == D("137.24")
    # At 0 % the NPV is the plain sum: -1000 + 1500 = 500
    assert npv(classic_case(), rate=D("0")) == D("500.00")


def test_irr_hand_checked() -> None:
    # 300 × annuity(r, 5) = 1000 → annuity = 3.3333, tables give r ≈ 15.24 %
    assert irr(classic_case()) == pytest.approx(0.152382, abs=1e-6)


def test_simple_payback_is_fractional() -> None:
    # Cumulative: -1000, -700, -400, -100, +200 → 3 + 100/300 = 3.333 periods
    result = payback(classic_case())
    assert result.periods == pytest.approx(3 + 1 / 3)
    assert "3.33" in result.explanation


def test_discounted_payback_is_fractional() -> None:
    # Discounted flows 272.73, 247.93, 225.39, 204.90, 186.28
    # cumulative after year 4: -49.04; year 5 adds 186.28 → 4 + 49.04/186.28 = 4.2633
    result = payback(classic_case(), discounted=True)
    assert result.periods == pytest.approx(4.26326, abs=1e-4)


def test_payback_never_reached_is_explained() -> None:
    result = payback(classic_case("0.30"), discounted=True)
    assert result.periods is None
    assert "Not paid back within the horizon" in result.explanation
    assert "period 5" in result.explanation


def test_payback_is_zero_without_investment() -> None:
    case = BusinessCase((CashFlowLine("grant", "benefit", D("10"), recurring=True),), 3, D("0.05"))
    assert payback(case).periods == 0.0


def test_payback_uses_the_last_crossing_for_non_conventional_flows() -> None:
    # -100, +150 (cum +50), -100 (cum -50), +100 (cum +50) → 2 + 50/100 = 2.5
    case = BusinessCase(
        (
            CashFlowLine("build", "cost", D("100")),
            CashFlowLine("launch", "benefit", D("150"), period=1),
            CashFlowLine("refit", "cost", D("100"), period=2),
            CashFlowLine("sales", "benefit", D("100"), period=3),
        ),
        3,
        D("0"),
    )
    assert payback(case).periods == pytest.approx(2.5)


def test_roi_hand_checked() -> None:
    # (1500 - 1000) / 1000 = 0.5
    assert roi(classic_case()) == pytest.approx(0.5)


def test_recurring_line_with_end_period() -> None:
    case = BusinessCase(
        (CashFlowLine("licence", "cost", D("10"), period=1, recurring=True, until=2),),
        4,
        D("0"),
    )
    assert net_cash_flows(case) == (D("0.00"), D("-10.00"), D("-10.00"), D("0.00"), D("0.00"))


def test_evaluate_collects_everything() -> None:
    result = evaluate(classic_case())
    assert result.npv == D("137.24")
    assert result.total_costs == D("1000.00")
    assert result.total_benefits == D("1500.00")
    assert result.irr == pytest.approx(0.152382, abs=1e-6)
    assert result.roi == pytest.approx(0.5)
    assert result.irr_note is None and result.roi_note is None


def test_evaluate_explains_undefined_irr_and_roi() -> None:
    case = BusinessCase((CashFlowLine("gift", "benefit", D("5")),), 0, D("0.1"))
    result = evaluate(case)
    assert result.irr is None
    assert result.irr_note == "IRR is undefined: cash flows never change sign"
    assert result.roi is None
    assert result.roi_note == "ROI is undefined: total cost is zero"


def test_irr_without_sign_change_raises() -> None:
    case = BusinessCase((CashFlowLine("licence", "cost", D("5"), recurring=True),), 3, D("0.1"))
    with pytest.raises(IrrUndefinedError, match="cash flows never change sign"):
        irr(case)


def test_roi_without_costs_raises() -> None:
    case = BusinessCase((CashFlowLine("gift", "benefit", D("5")),), 0, D("0.1"))
    with pytest.raises(RoiUndefinedError):
        roi(case)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: CashFlowLine("x", "cost", D("-1")), "amount"),
        (lambda: CashFlowLine("x", "expense", D("1")), "kind"),  # type: ignore[arg-type]
        (lambda: CashFlowLine("x", "cost", D("1"), period=-1), "period"),
        (lambda: CashFlowLine("x", "cost", D("1"), until=3), "until"),
        (lambda: CashFlowLine("x", "cost", D("1"), period=3, recurring=True, until=2), "until"),
        (lambda: CashFlowLine("x", "cost", D("NaN")), "amount"),
        (lambda: Estimate(D("5"), D("4"), D("6")), "low"),
        (lambda: Estimate(D("1"), D("4"), D("3")), "high"),
        (lambda: Estimate(D("-1"), D("4"), D("6")), "low"),
        (lambda: Estimate(D("1"), D("4"), D("6"), shape="normal"), "shape"),  # type: ignore[arg-type]
        (lambda: BusinessCase((), 3, D("-1")), "discount_rate"),
        (lambda: BusinessCase((), 3, D("-1.5")), "discount_rate"),
        (lambda: BusinessCase((), -1, D("0.1")), "horizon"),
        (
            lambda: BusinessCase((CashFlowLine("x", "cost", D("1"), period=4),), 3, D("0.1")),
            "lines[0].period",
        ),
    ],
)
def test_bad_input_names_the_field(make, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FinanceFieldError) as info:
        make()
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_rate_near_minus_one_over_a_long_horizon_is_reported() -> None:
    case = BusinessCase((CashFlowLine("x", "benefit", D(1), recurring=True),), 400, D("-0.99"))
    with pytest.raises(FinanceFieldError, match="discount factors overflow") as info:
        npv(case)
    assert info.value.field == "discount_rate"


def test_discount_rate_error_message_is_specific() -> None:
    with pytest.raises(FinanceFieldError, match="greater than -100 %"):
        BusinessCase((), 3, D("-1"))


def test_estimate_order_message() -> None:
    with pytest.raises(FinanceFieldError, match="low ≤ likely ≤ high"):
        Estimate(D("5"), D("4"), D("6"))


# ---------------------------------------------------------------- Monte Carlo


def uncertain_case(shape: str = "pert") -> BusinessCase:
    return BusinessCase(
        lines=(
            CashFlowLine("build", "cost", Estimate(D("800"), D("1000"), D("1600"), shape)),  # type: ignore[arg-type]
            CashFlowLine(
                "savings",
                "benefit",
                Estimate(D("200"), D("300"), D("350"), shape),  # type: ignore[arg-type]
                period=1,
                recurring=True,
            ),
        ),
        horizon=5,
        discount_rate=D("0.10"),
    )


@pytest.mark.parametrize("shape", ["pert", "triangular"])
def test_monte_carlo_is_reproducible_and_ordered(shape: str) -> None:
    a = simulate_npv(uncertain_case(shape), runs=20_000, rng=np.random.default_rng(7))
    b = simulate_npv(uncertain_case(shape), runs=20_000, rng=np.random.default_rng(7))
    assert a == b
    assert a.p10 < a.p50 < a.p90
    assert 0.0 < a.probability_negative < 1.0
    assert sum(a.histogram_counts) == 20_000
    assert len(a.histogram_edges) == len(a.histogram_counts) + 1


def test_monte_carlo_mean_matches_analytic_pert_mean() -> None:
    # PERT means: cost (800 + 4×1000 + 1600)/6 = 1066.67; benefit (200 + 1200 + 350)/6 = 291.67
    # Expected NPV = -1066.67 + 291.67 × 3.790787 = 38.99
    result = simulate_npv(uncertain_case(), runs=200_000, rng=np.random.default_rng(1))
    assert float(result.mean) == pytest.approx(38.99, abs=2.0)


def test_monte_carlo_of_certain_case_equals_npv() -> None:
    result = simulate_npv(classic_case(), runs=10, rng=np.random.default_rng(0))
    assert result.p10 == result.p50 == result.p90 == D("137.24")
    assert result.probability_negative == 0.0


def test_monte_carlo_rejects_bad_runs() -> None:
    with pytest.raises(FinanceFieldError) as info:
        simulate_npv(classic_case(), runs=0, rng=np.random.default_rng(0))
    assert info.value.field == "runs"


# ---------------------------------------------------------------- properties

money = st.integers(min_value=1, max_value=1_000_000).map(lambda c: D(c) / 100)


@st.composite
def conventional_cases(draw: st.DrawFn) -> tuple[D, list[D]]:
    investment = draw(money)
    returns = draw(st.lists(money, min_size=1, max_size=10))
    return investment, returns


def build(investment: D, returns: list[D], rate: D) -> BusinessCase:
    lines = [CashFlowLine("invest", "cost", investment)]
    lines += [CashFlowLine(f"r{t}", "benefit", r, period=t + 1) for t, r in enumerate(returns)]
    return BusinessCase(tuple(lines), len(returns), rate)


@settings(max_examples=200, deadline=None)
@given(
    conventional_cases(),
    st.integers(min_value=-90, max_value=200),
    st.integers(min_value=1, max_value=100),
)
def test_npv_decreases_with_the_discount_rate(case, rate_pct: int, step: int) -> None:  # type: ignore[no-untyped-def]
    investment, returns = case
    low = build(investment, returns, D(rate_pct) / 100)
    high = build(investment, returns, D(rate_pct + step) / 100)
    assert npv(high) <= npv(low)


@settings(max_examples=200, deadline=None)
@given(conventional_cases())
def test_irr_makes_npv_zero(case) -> None:  # type: ignore[no-untyped-def]
    investment, returns = case
    business = build(investment, returns, D("0"))
    rate = irr(business)
    flows = np.array([float(v) for v in net_cash_flows(business)])
    value = float(flows @ (1.0 + rate) ** -np.arange(len(flows)))
    assert value == pytest.approx(0.0, abs=1e-6 * float(np.abs(flows).sum()))


@settings(max_examples=200, deadline=None)
@given(conventional_cases(), st.integers(min_value=1, max_value=50))
def test_discounting_never_shortens_payback(case, rate_pct: int) -> None:  # type: ignore[no-untyped-def]
    investment, returns = case
    business = build(investment, returns, D(rate_pct) / 100)
    simple, discounted = payback(business), payback(business, discounted=True)
    if discounted.periods is not None:
        assert simple.periods is not None
        assert discounted.periods >= simple.periods - 1e-9
    if simple.periods is None:
        assert discounted.periods is None


def test_monte_carlo_of_a_hundred_thousand_runs_is_quick() -> None:
    import time

    start = time.thread_time()
    simulate_npv(uncertain_case(), runs=100_000, rng=np.random.default_rng(5))
    assert time.thread_time() - start < 2.0
