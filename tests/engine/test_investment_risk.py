"""Investment risk of a business case: every IRR and when it misleads, MIRR, the NPV
tornado, correlated lines and an uncertain discount rate in the simulation."""

from __future__ import annotations

from decimal import Decimal as D

import numpy as np
import numpy_financial as npf
import pytest

from keystage.engine.finance import (
    BusinessCase,
    CashFlowLine,
    Estimate,
    irr_assessment,
    mirr,
    npv,
    npv_tornado,
    simulate_npv,
)
from keystage.engine.finance_errors import FinanceFieldError, IrrUndefinedError


def flows_case(flows: list[int], rate: str = "0.10") -> BusinessCase:
    """One line per period: a cost for a negative amount, a benefit for a positive one."""
    lines = tuple(
        CashFlowLine(f"p{t}", "cost" if v < 0 else "benefit", D(abs(v)), period=t)
        for t, v in enumerate(flows)
        if v
    )
    return BusinessCase(lines=lines, horizon=len(flows) - 1, discount_rate=D(rate))


def test_two_irrs_are_flagged_and_mirr_judges_the_case():
    """[-1600, 10000, -10000] at 10 %: NPV −773.55, and two IRRs, 25 % and 400 %.

    NPV(r) = 0 ⇔ −1600 + 10000 x − 10000 x² = 0 with x = 1 / (1 + r), so
    x = (10000 ± 6000) / 20000 = 0.8 or 0.2, i.e. r = 25 % or 400 %.

    MIRR at 10 % / 10 %: outflows to period 0: 1600 + 10000 / 1.1² = 9864.4628;
    the inflow to period 2: 10000 × 1.1 = 11000; MIRR = (11000 / 9864.4628)^(1/2) − 1
    = 0.0559896 — below the 10 % rate, as the negative NPV says.
    """
    case = flows_case([-1600, 10000, -10000])
    assert npv(case) == D("-773.55")
    found = irr_assessment(case)
    assert found.sign_changes == 2 and found.kind == "mixed"
    assert found.rates == pytest.approx((0.25, 4.0))
    assert found.warning and "25.0%" in found.warning and "400.0%" in found.warning
    value = mirr(case, finance_rate=D("0.10"), reinvest_rate=D("0.10"))
    assert value == pytest.approx(0.0559896, abs=1e-7)
    assert value == pytest.approx(npf.mirr([-1600, 10000, -10000], 0.10, 0.10))


def test_mirr_with_different_rates_matches_numpy_financial():
    """[-100, 30, 40, 50], finance 8 %, reinvest 12 %: FV of inflows at 12 % =
    30 × 1.12² + 40 × 1.12 + 50 = 37.632 + 44.8 + 50 = 132.432; PV of the outflow = 100;
    MIRR = 1.32432^(1/3) − 1 = 0.098157."""
    case = flows_case([-100, 30, 40, 50])
    value = mirr(case, finance_rate=D("0.08"), reinvest_rate=D("0.12"))
    assert value == pytest.approx(0.098157, abs=1e-6)
    assert value == pytest.approx(npf.mirr([-100, 30, 40, 50], 0.08, 0.12))
    assert irr_assessment(case).kind == "investment"
    assert irr_assessment(case).warning is None


def test_a_borrowing_flow_warns_that_a_higher_irr_is_worse():
    case = flows_case([1000, -1100])
    found = irr_assessment(case)
    assert (found.kind, found.sign_changes) == ("borrowing", 1)
    assert found.rates == pytest.approx((0.10,))
    assert found.warning and "higher IRR is worse" in found.warning


def test_mirr_needs_money_out_and_in():
    with pytest.raises(IrrUndefinedError):
        mirr(flows_case([100, 200]), finance_rate=D("0.1"), reinvest_rate=D("0.1"))
    with pytest.raises(FinanceFieldError):
        mirr(flows_case([-100, 200]), finance_rate=D("-1"), reinvest_rate=D("0.1"))


def test_tornado_orders_lines_by_their_npv_swing():
    """At 0 %, NPV is the plain sum: build 100 ± 50 swings NPV by 100, the benefit
    (200, 300, 600) by 400; a line without a range is left out."""
    case = BusinessCase(
        lines=(
            CashFlowLine("build", "cost", Estimate(D(50), D(100), D(150))),
            CashFlowLine("fee", "cost", D(10)),
            CashFlowLine("sales", "benefit", Estimate(D(200), D(300), D(600)), period=1),
        ),
        horizon=1,
        discount_rate=D("0"),
    )
    bars = npv_tornado(case)
    assert [b.name for b in bars] == ["sales", "build"]
    assert (bars[0].npv_low, bars[0].npv_high) == (D("90.00"), D("490.00"))
    assert (bars[1].npv_low, bars[1].npv_high) == (D("240.00"), D("140.00"))
    with_rate = npv_tornado(case, rate=Estimate(D("0"), D("0"), D("0.5"), "triangular"))
    rate_bar = next(b for b in with_rate if b.name == "Discount rate")
    assert rate_bar.npv_low == D("190.00") and rate_bar.npv_high == D("90.00")  # 300/1.5 − 110


def _two_lines() -> BusinessCase:
    return BusinessCase(
        lines=(
            CashFlowLine("a", "benefit", Estimate(D(0), D(50), D(100), "triangular"), period=1),
            CashFlowLine("b", "benefit", Estimate(D(0), D(50), D(100), "triangular"), period=1),
        ),
        horizon=1,
        discount_rate=D("0"),
    )


def test_correlation_widens_the_spread_and_keeps_each_line():
    """Two independent U(0,100)-like lines: var(a + b) = 2σ²; with rank correlation ρ the
    variance grows toward 2σ²(1 + ρ). Each line keeps its own draws, so the mean stays."""
    case = _two_lines()
    alone = simulate_npv(case, runs=20_000, rng=np.random.default_rng(7))
    tied = simulate_npv(case, runs=20_000, rng=np.random.default_rng(7), correlation=0.9)
    assert tied.mean == alone.mean  # the same draws, reordered
    assert (tied.p90 - tied.p10) > (alone.p90 - alone.p10) * D("1.25")
    again = simulate_npv(case, runs=20_000, rng=np.random.default_rng(7), correlation=0.9)
    assert again == tied  # seeded and reproducible
    with pytest.raises(FinanceFieldError):
        simulate_npv(case, runs=10, rng=np.random.default_rng(1), correlation=1.0)


def test_an_uncertain_rate_spreads_a_certain_cash_flow():
    """Fixed amounts: −100 now, 121 in period 2. At 10 % NPV is 0; with the rate drawn
    from (0 %, 10 %, 20 %) every run lies between NPV(20 %) = −15.97 and NPV(0 %) = 21,
    and about half the runs (rates above 10 %) lose money."""
    case = flows_case([-100, 0, 121])
    certain = simulate_npv(case, runs=2000, rng=np.random.default_rng(3))
    assert certain.p10 == certain.p90 == D("0.00")
    spread = Estimate(D("0"), D("0.10"), D("0.20"), "triangular")
    sim = simulate_npv(case, runs=2000, rng=np.random.default_rng(3), rate=spread)
    assert D("-15.97") <= sim.p10 < D("0") < sim.p90 <= D("21.00")
    assert 0.45 < sim.probability_negative < 0.55
