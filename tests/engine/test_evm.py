"""Earned value and earned schedule: hand-checked textbook-style examples."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keystage.engine.evm import (
    EvmError,
    EvmInput,
    evm_at,
    evm_history,
    period_date,
    planned_value_at,
)

LINEAR = tuple(D(100) for _ in range(10))  # BAC 1 000 over 10 periods
UNEVEN = (D(100), D(200), D(300), D(200), D(200))  # cumulative 100, 300, 600, 800, 1 000


def test_linear_plan_behind_and_over_budget() -> None:
    r = evm_at(EvmInput(LINEAR, earned_value=D(400), actual_cost=D(500), at=5))
    # PV = 5 × 100 = 500; SV = 400 − 500 = −100; CV = 400 − 500 = −100
    assert (r.bac, r.pv, r.ev, r.ac) == (D("1000.00"), D("500.00"), D("400.00"), D("500.00"))
    assert (r.sv, r.cv) == (D("-100.00"), D("-100.00"))
    # SPI = 400/500 = 0.8; CPI = 400/500 = 0.8
    assert r.spi == pytest.approx(0.8)
    assert r.cpi == pytest.approx(0.8)
    # EAC(CPI) = 1000 / 0.8 = 1250; ETC = 1250 − 500 = 750; VAC = 1000 − 1250 = −250
    assert (r.eac, r.eac_method, r.etc, r.vac) == (D("1250.00"), "CPI", D("750.00"), D("-250.00"))
    # EAC(CPI×SPI) = 500 + 600 / 0.64 = 1437.50; EAC(budget rate) = 500 + 600 = 1100
    assert r.eac_cpi_spi == D("1437.50")
    assert r.eac_budget_rate == D("1100.00")
    # TCPI(BAC) = 600 / 500 = 1.2; TCPI(EAC) = 600 / 750 = 0.8
    assert r.tcpi_bac == pytest.approx(1.2)
    assert r.tcpi_eac == pytest.approx(0.8)
    # ES: EV 400 = cumulative PV at period 4 exactly → ES = 4; SV(t) = −1; SPI(t) = 0.8
    assert r.es == pytest.approx(4.0)
    assert r.sv_t == pytest.approx(-1.0)
    assert r.spi_t == pytest.approx(0.8)
    # IEAC(t) = 5 + (10 − 4) / 0.8 = 12.5 = PD / SPI(t)
    assert r.planned_duration == 10
    assert r.ieac_t == pytest.approx(12.5)
    assert r.percent_complete == pytest.approx(40.0)


def test_uneven_plan_earned_schedule_interpolates() -> None:
    r = evm_at(EvmInput(UNEVEN, earned_value=D(450), actual_cost=D(500), at=3))
    # PV(3) = 600; SPI = 450/600 = 0.75; CPI = 0.9
    assert r.pv == D("600.00")
    assert r.spi == pytest.approx(0.75)
    assert r.cpi == pytest.approx(0.9)
    # C = 2 (300 ≤ 450 < 600); ES = 2 + (450 − 300)/(600 − 300) = 2.5
    assert r.es == pytest.approx(2.5)
    # SV(t) = 2.5 − 3 = −0.5; SPI(t) = 2.5/3 = 0.8333; IEAC(t) = 5 / 0.8333 = 6.0
    assert r.sv_t == pytest.approx(-0.5)
    assert r.spi_t == pytest.approx(2.5 / 3)
    assert r.ieac_t == pytest.approx(6.0)


def test_after_planned_finish_spi_drifts_to_one_but_spi_t_does_not() -> None:
    # Lipke's point: past the planned finish PV = BAC, so SPI → 1 while the project is late.
    r = evm_at(EvmInput(UNEVEN, earned_value=D(900), actual_cost=D(1000), at=7))
    # PV = 1000; SPI = 0.9; ES = 4 + (900 − 800)/200 = 4.5; SPI(t) = 4.5/7 = 0.642857
    assert r.pv == D("1000.00")
    assert r.spi == pytest.approx(0.9)
    assert r.es == pytest.approx(4.5)
    assert r.spi_t == pytest.approx(4.5 / 7)
    # IEAC(t) = 7 + (5 − 4.5) / 0.642857 = 7.7778
    assert r.ieac_t == pytest.approx(70 / 9)


def test_finished_late_project() -> None:
    r = evm_at(EvmInput(UNEVEN, earned_value=D(1000), actual_cost=D(1100), at=8))
    # EVM says SPI = 1, SV = 0: "perfect" schedule performance …
    assert r.spi == pytest.approx(1.0)
    assert r.sv == D("0.00")
    # … earned schedule says 3 periods late: ES = 5, SV(t) = −3, SPI(t) = 5/8
    assert r.es == pytest.approx(5.0)
    assert r.sv_t == pytest.approx(-3.0)
    assert r.spi_t == pytest.approx(0.625)
    assert r.ieac_t == pytest.approx(8.0)
    # Nothing left to do: EAC = AC under every method, ETC = 0, VAC = −100
    assert r.eac == r.eac_cpi == r.eac_cpi_spi == r.eac_budget_rate == D("1100.00")
    assert r.etc == D("0.00")
    assert r.vac == D("-100.00")


def test_new_etc_drives_the_headline_eac() -> None:
    r = evm_at(EvmInput(UNEVEN, D(450), D(500), at=3, estimate_to_complete=D(700)))
    # EAC = 500 + 700 = 1200; ETC = 700; VAC = −200; TCPI(EAC) = 550 / 700 = 0.7857
    assert (r.eac, r.eac_method, r.etc, r.vac) == (
        D("1200.00"),
        "new ETC",
        D("700.00"),
        D("-200.00"),
    )
    assert r.eac_new_etc == D("1200.00")
    assert r.eac_cpi == D("1111.11")  # 1000 / 0.9
    assert r.tcpi_eac == pytest.approx(550 / 700)


def test_fractional_data_date_interpolates_planned_value() -> None:
    # Halfway through period 3 (PV 300 spread evenly): 300 + 150 = 450
    assert planned_value_at(UNEVEN, 2.5) == D("450.00")
    assert planned_value_at(UNEVEN, 0) == D("0.00")
    assert planned_value_at(UNEVEN, 99) == D("1000.00")


def test_project_not_started_has_undefined_ratios() -> None:
    r = evm_at(EvmInput(UNEVEN, D(0), D(0), at=0))
    assert r.spi is None and r.cpi is None and r.spi_t is None and r.ieac_t is None
    assert r.eac is None and r.etc is None and r.vac is None
    assert r.eac_budget_rate == D("1000.00")
    assert r.tcpi_bac == pytest.approx(1.0)


def test_leading_zero_plan_periods() -> None:
    plan = (D(0), D(0), D(100), D(100))
    r = evm_at(EvmInput(plan, D(50), D(50), at=3))
    # cumulative 0, 0, 0, 100, 200: C = 2, ES = 2 + 50/100 = 2.5; PD = 4
    assert r.es == pytest.approx(2.5)
    assert r.planned_duration == 4


def test_history_accumulates_per_period_amounts() -> None:
    results = evm_history(UNEVEN, [D(80), D(170), D(200)], [D(90), D(200), D(210)])
    assert [r.ev for r in results] == [D("80.00"), D("250.00"), D("450.00")]
    assert [r.ac for r in results] == [D("90.00"), D("290.00"), D("500.00")]
    assert [r.pv for r in results] == [D("100.00"), D("300.00"), D("600.00")]
    assert results[-1].es == pytest.approx(2.5)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"planned_value": (D(1), D(-1))}, "planned_value[1]"),
        ({"planned_value": (D(0),)}, "planned_value"),
        ({"earned_value": D(2000)}, "earned_value"),
        ({"earned_value": D(-1)}, "earned_value"),
        ({"actual_cost": D(-1)}, "actual_cost"),
        ({"at": -1}, "at"),
        ({"at": float("nan")}, "at"),
        ({"estimate_to_complete": D(-5)}, "estimate_to_complete"),
    ],
)
def test_bad_input_names_the_field(kwargs: dict[str, object], field: str) -> None:
    args: dict[str, object] = {
        "planned_value": UNEVEN,
        "earned_value": D(1),
        "actual_cost": D(1),
        "at": 1,
    }
    args.update(kwargs)
    with pytest.raises(EvmError) as info:
        EvmInput(**args)  # type: ignore[arg-type]
    assert info.value.field == field


def test_history_lengths_must_match() -> None:
    with pytest.raises(EvmError, match="actual_per_period"):
        evm_history(UNEVEN, [D(1)], [])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=24).filter(any),
    st.floats(min_value=0, max_value=1),
    st.floats(min_value=0.1, max_value=30),
)
def test_earned_schedule_inverts_the_plan(plan: list[int], share: float, at: float) -> None:
    """PV at time ES equals EV, and ES never exceeds the planned duration."""
    planned = tuple(D(v) for v in plan)
    ev = D(sum(plan)) * D(str(share))
    ev = min(ev.quantize(D("0.01")), D(sum(plan)))
    r = evm_at(EvmInput(planned, ev, ev, at))
    assert 0 <= r.es <= r.planned_duration
    assert float(planned_value_at(planned, r.es)) == pytest.approx(float(ev), abs=0.01)


MONTHS = [date(2026, m, 1) for m in range(1, 7)]  # five monthly periods, Jan–May 2026


def test_forecast_finish_date_from_ieac_t() -> None:
    r = evm_at(EvmInput(UNEVEN, D(450), D(500), at=3))
    # IEAC(t) = 6.0 periods: one whole period past the last edge (1 Jun), extrapolated
    # with May's 31 days → 2 Jul 2026.
    assert period_date(MONTHS, r.ieac_t or 0) == date(2026, 7, 2)
    # ES = 2.5: half of March (31 days → 15.5, rounded down) → 16 Mar 2026
    assert period_date(MONTHS, r.es) == date(2026, 3, 16)
    assert period_date(MONTHS, 0) == date(2026, 1, 1)
    assert period_date(MONTHS, 5) == date(2026, 6, 1)


@pytest.mark.parametrize(
    ("bounds", "position", "field"),
    [
        ([date(2026, 1, 1)], 0.0, "boundaries"),
        ([date(2026, 2, 1), date(2026, 1, 1)], 0.0, "boundaries"),
        (MONTHS, -1.0, "position"),
        (MONTHS, float("inf"), "position"),
    ],
)
def test_period_date_rejects_bad_input(bounds: list[date], position: float, field: str) -> None:
    with pytest.raises(EvmError) as info:
        period_date(bounds, position)
    assert info.value.field == field


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=1000), min_size=2, max_size=24),
    st.floats(min_value=0.05, max_value=1),
    st.floats(min_value=0.5, max_value=3),
    st.floats(min_value=0.5, max_value=30),
)
def test_index_identities(plan: list[int], share: float, overrun: float, at: float) -> None:
    """EAC(CPI) = BAC / CPI; SPI(t) < 1 exactly when ES < AT; VAC = BAC − EAC."""
    planned = tuple(D(v) for v in plan)
    bac = D(sum(plan))
    ev = min((bac * D(str(share))).quantize(D("0.01")), bac)
    ac = (ev * D(str(overrun))).quantize(D("0.01"))
    r = evm_at(EvmInput(planned, ev, ac, at))
    assert r.cpi is not None and r.eac_cpi is not None and r.vac is not None
    assert float(r.eac_cpi) == pytest.approx(float(bac) / r.cpi, abs=0.02)
    assert r.vac == r.bac - r.eac_cpi
    assert r.spi_t is not None
    assert (r.spi_t < 1) == (r.es < at)
