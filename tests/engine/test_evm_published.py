"""Published earned-value worked examples, reproduced by the engine.

Only figures actually retrieved from the cited pages are asserted; what those pages did not
give (the rest of a table) is computed by the engine but not checked against a number here.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from keystage.engine.evm import EvmInput, evm_at, evm_history

# Vanhoucke, "Earned Value Management: Forecasting time", PM Knowledge Center
# (http://pmknowledgecenter.com/node/167): a project planned over 9 weeks (BAC 150) that
# finishes in week 11. Cumulative PV and EV per week, W1 … W11, as published.
VANHOUCKE_PV = (5, 10, 25, 55, 85, 120, 130, 140, 150, 150, 150)
VANHOUCKE_EV = ("3.33", "6.67", "10.00", "22.50", "70.00", "82.50", "90.00", "120.00", "130.00")
VANHOUCKE_EV += ("140.00", "150.00")
# The published earned schedule of weeks 1 to 6 (the retrieved part of the table).
VANHOUCKE_ES = (0.67, 1.33, 2.00, 2.83, 4.50, 4.92)


def _increments(cumulative):
    values = [D(str(v)) for v in cumulative]
    return tuple(b - a for a, b in zip([D(0), *values], values, strict=False))


def test_vanhoucke_late_project_earned_schedule_week_by_week() -> None:
    """Vanhoucke's late project (PM Knowledge Center, node 167): the published ES of weeks
    1–6 to two decimals, from the published cumulative PV and EV; then what earned schedule
    says that SPI cannot: the planned duration is 9 weeks, and when the work ends in week 11
    SPI is back at 1.0 while SPI(t) = 9 / 11 and SV(t) = −2 weeks."""
    plan = _increments(VANHOUCKE_PV)[:9]  # the plan ends in week 9 (BAC 150)
    earned = _increments(VANHOUCKE_EV)
    results = evm_history(plan, earned, [D(0)] * len(earned))
    assert [float(r.ev) for r in results] == [float(v) for v in VANHOUCKE_EV]
    assert results[0].planned_duration == 9
    assert results[0].bac == D("150.00")
    for week, published in enumerate(VANHOUCKE_ES, start=1):
        r = results[week - 1]
        assert round(r.es, 2) == published, week
        assert r.pv == D(VANHOUCKE_PV[week - 1])
        assert r.sv_t == pytest.approx(r.es - week)
        assert r.spi_t == pytest.approx(r.es / week)
    # W5: C = 4 (PV 55 ≤ EV 70 < PV 85), I = (70 − 55) / (85 − 55) = 0.5 → ES = 4.5
    assert results[4].es == pytest.approx(4.5)
    last = results[-1]  # week 11: all 150 earned, two weeks after the planned finish
    assert (last.spi, last.sv) == (pytest.approx(1.0), D("0.00"))
    assert last.es == pytest.approx(9.0)
    assert last.sv_t == pytest.approx(-2.0)
    assert last.spi_t == pytest.approx(9 / 11)
    assert last.ieac_t == pytest.approx(11.0)  # the actual duration, once complete


def test_global_knowledge_tcpi_against_a_new_estimate_at_completion() -> None:
    """Global Knowledge, PMP exam preparation on the TCPI (blog.globalknowledge.com, project
    management category): BAC $1,000,000, 46 % complete (EV $460,000), AC $589,744, CPI
    0.78; a bottom-up ETC of $652,000 gives EAC = AC + ETC = $1,241,744, and the remaining
    $540,000 of work must be done at TCPI = 540,000 / 652,000 = 0.83 to finish at that EAC."""
    plan = tuple(D(100_000) for _ in range(10))
    r = evm_at(EvmInput(plan, D(460_000), D(589_744), at=6, estimate_to_complete=D(652_000)))
    assert r.bac == D("1000000.00")
    assert r.percent_complete == pytest.approx(46.0)
    assert round(r.cpi, 2) == 0.78
    assert (r.eac, r.eac_method) == (D("1241744.00"), "new ETC")
    assert r.bac - r.ev == D("540000.00")
    assert r.etc == D("652000.00")
    assert round(r.tcpi_eac, 2) == 0.83
