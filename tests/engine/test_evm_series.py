"""The vectorised earned value series agrees with the scalar ``evm_at``, and its properties."""

from __future__ import annotations

import math
from decimal import Decimal as D

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keystage.engine.evm import EvmError, EvmInput, evm_at
from keystage.engine.evm_series import evm_series, spread_days, working_before

UNEVEN = (D(100), D(200), D(300), D(200), D(200))  # cumulative 100, 300, 600, 800, 1 000


def _cum(plan: tuple[D, ...] | list[int]) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum([float(v) for v in plan])))


def _close(value: float, expected: float | D | None, tol: float = 1e-6) -> bool:
    if expected is None:
        return bool(np.isnan(value))
    return math.isclose(value, float(expected), rel_tol=tol, abs_tol=0.006)


def test_lipke_concept_figure_es_five_months_and_a_part_of_june() -> None:
    # Lipke's concept figure: everything planned to the end of May is earned and part of
    # June; the data date is the end of July (AT = 7). Monthly plan of a 10-month project.
    plan = [100, 150, 200, 250, 300, 300, 250, 200, 150, 100]  # BAC 2 000
    cum = _cum(plan)  # May = 1 000, June = 1 300
    s = evm_series(cum, [1150.0], [1400.0], [7.0])
    # ES = 5 + (1 150 − 1 000) / (1 300 − 1 000) = 5.5; SV(t) = −1.5; SPI(t) = 5.5/7
    assert s.es[0] == pytest.approx(5.5)
    assert s.sv_t[0] == pytest.approx(-1.5)
    assert s.spi_t[0] == pytest.approx(5.5 / 7)
    # PV(7) = 1 550; SPI = 1 150/1 550; IEAC(t) = PD / SPI(t) = 10 × 7 / 5.5
    assert s.pv[0] == pytest.approx(1550)
    assert s.spi[0] == pytest.approx(1150 / 1550)
    assert s.ieac_t[0] == pytest.approx(70 / 5.5)
    # CPI = 1 150/1 400; EAC(CPI) = BAC/CPI; TCPI(BAC) = (2 000 − 1 150)/(2 000 − 1 400)
    assert s.cpi[0] == pytest.approx(1150 / 1400)
    assert s.eac_cpi[0] == pytest.approx(2000 * 1400 / 1150)
    assert s.tcpi_bac[0] == pytest.approx(850 / 600)


def test_series_matches_the_scalar_on_the_textbook_cases() -> None:
    cases = [(450, 500, 3.0), (900, 1000, 7.0), (1000, 1100, 8.0), (0, 0, 0.0), (50, 0, 1.5)]
    s = evm_series(
        _cum(UNEVEN), [c[0] for c in cases], [c[1] for c in cases], [c[2] for c in cases]
    )
    for j, (ev, ac, at) in enumerate(cases):
        r = evm_at(EvmInput(UNEVEN, D(ev), D(ac), at))
        for name in ("pv", "sv", "cv", "eac_cpi", "eac_cpi_spi", "eac_budget_rate", "etc", "vac"):
            assert _close(getattr(s, name)[j], getattr(r, name if name != "eac_cpi" else "eac_cpi"))
        for name in ("spi", "cpi", "tcpi_bac", "tcpi_eac", "spi_t", "ieac_t"):
            assert _close(getattr(s, name)[j], getattr(r, name)), (name, j)
        assert s.es[j] == pytest.approx(r.es)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=30).filter(any),
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1),
            st.floats(min_value=0, max_value=3),
            st.floats(min_value=0, max_value=40),
        ),
        min_size=1,
        max_size=12,
    ),
)
def test_series_equals_evm_at_at_every_point(
    plan: list[int], points: list[tuple[float, float, float]]
) -> None:
    """Every figure of the vectorised series is the scalar engine's figure at that point."""
    planned = tuple(D(v) for v in plan)
    bac = D(sum(plan))
    evs = [min((bac * D(str(share))).quantize(D("0.01")), bac) for share, _, _ in points]
    acs = [
        (ev * D(str(over))).quantize(D("0.01"))
        for ev, (_, over, _) in zip(evs, points, strict=True)
    ]
    ats = [at for _, _, at in points]
    s = evm_series(_cum(plan), [float(v) for v in evs], [float(v) for v in acs], ats)
    for j, (ev, ac, at) in enumerate(zip(evs, acs, ats, strict=True)):
        r = evm_at(EvmInput(planned, ev, ac, at))
        assert s.pv[j] == pytest.approx(float(r.pv), abs=0.006)
        assert s.es[j] == pytest.approx(r.es, abs=1e-6)
        assert s.planned_duration == r.planned_duration
        for name in ("spi", "cpi", "spi_t", "ieac_t", "tcpi_bac"):
            got, want = getattr(s, name)[j], getattr(r, name)
            if want is None:
                assert np.isnan(got), name
            else:
                assert got == pytest.approx(want, rel=1e-6, abs=1e-6), name
        if r.eac_cpi is None:
            assert np.isnan(s.eac_cpi[j])
        else:
            assert s.eac_cpi[j] == pytest.approx(float(r.eac_cpi), abs=0.006)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=1, max_value=500), min_size=2, max_size=40),
    st.floats(min_value=0.01, max_value=1),
)
def test_a_plan_executed_exactly_as_baselined_has_spi_t_one(plan: list[int], part: float) -> None:
    """EV(t) = PV(t) at every point (whole and fractional periods): ES = AT, SPI(t) = 1,
    SV(t) = 0, SPI = CPI = 1, EV ≤ BAC, and IEAC(t) is the planned duration."""
    cum = _cum(plan)
    at = np.arange(0, len(plan), dtype=float) + part
    at = at[at > 0]
    pv = np.interp(at, np.arange(len(cum), dtype=float), cum)
    s = evm_series(cum, pv, pv, at)
    assert np.allclose(s.es, at)
    assert np.allclose(s.spi_t, 1.0)
    assert np.allclose(s.sv_t, 0.0, atol=1e-9)
    assert np.allclose(s.spi, 1.0) and np.allclose(s.cpi, 1.0)
    assert np.all(s.ev <= s.bac + 1e-9)
    assert np.allclose(s.ieac_t, len(plan))


def test_a_flat_stretch_of_the_plan_earns_its_end() -> None:
    # Lipke's C counts every whole period with PV ≤ EV, so a period that plans nothing
    # is earned as soon as the work before it is: plan 100, 0, 100 and EV 100 → ES = 2.
    s = evm_series(_cum([100, 0, 100]), [100.0], [100.0], [1.0])
    assert s.es[0] == pytest.approx(2.0)
    assert s.spi_t[0] == pytest.approx(2.0)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=30),
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=30),
    st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=30),
    st.lists(st.booleans(), min_size=1, max_size=70).filter(any),
)
def test_spread_keeps_every_amount_inside_its_range(
    amounts: list[int], firsts: list[int], lengths: list[int], working: list[bool]
) -> None:
    """The spread adds up to the amounts, and nothing falls outside a range or on a day off
    (unless the range has no working day at all)."""
    n = min(len(amounts), len(firsts), len(lengths))
    days = len(working)
    mask = np.array(working)
    first = np.minimum(np.array(firsts[:n]), days - 1)
    last = np.minimum(first + np.array(lengths[:n]), days - 1)
    daily = spread_days(amounts[:n], first, last, mask)
    assert daily.sum() == pytest.approx(sum(amounts[:n]))
    assert np.all(daily >= -1e-9)
    before = working_before(mask)
    one_by_one = np.zeros(days)
    for amount, lo, hi in zip(amounts[:n], first, last, strict=True):
        count = before[hi + 1] - before[lo]
        if count:
            one_by_one[lo : hi + 1] += amount / count * mask[lo : hi + 1]
        else:
            one_by_one[lo] += amount
    assert np.allclose(daily, one_by_one)


def test_spread_days_on_a_week() -> None:
    week = np.array([True] * 5 + [False] * 2)
    # 500 over Mon–Sun (5 working days) = 100 a weekday; 70 on a Saturday alone falls there.
    daily = spread_days([500, 70], [0, 5], [6, 5], week)
    assert daily.tolist() == [100, 100, 100, 100, 100, 70, 0]


@pytest.mark.parametrize(
    ("cum", "ev", "ac", "at", "field"),
    [
        ([0.0], [0.0], [0.0], [0.0], "planned_cumulative"),
        ([1.0, 2.0], [0.0], [0.0], [0.0], "planned_cumulative"),
        ([0.0, 2.0, 1.0], [0.0], [0.0], [0.0], "planned_cumulative"),
        ([0.0, 0.0], [0.0], [0.0], [0.0], "planned_cumulative"),
        ([0.0, 2.0], [3.0], [0.0], [0.0], "earned"),
        ([0.0, 2.0], [1.0], [-1.0], [0.0], "actual"),
        ([0.0, 2.0], [1.0], [1.0, 2.0], [0.0], "actual"),
        ([0.0, 2.0], [1.0], [1.0], [float("nan")], "at"),
    ],
)
def test_bad_series_input_names_the_field(
    cum: list[float], ev: list[float], ac: list[float], at: list[float], field: str
) -> None:
    with pytest.raises(EvmError) as info:
        evm_series(cum, ev, ac, at)
    assert info.value.field == field
