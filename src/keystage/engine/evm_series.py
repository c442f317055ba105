"""Earned value over many points in time at once, with numpy (for histories and S-curves).

:mod:`keystage.engine.evm` computes one data date with exact ``Decimal`` money; this module
gives the same figures for a whole series of data dates in a handful of array operations,
so a two-year weekly history of a 10,000-task project costs no Python loop per period or
per task. Undefined ratios (a division by zero) are ``nan``; money stays ``float`` (the
caller rounds to cents once, for display).

Two helpers build the inputs from task-level records:

- :func:`spread_days` spreads amounts evenly over the working days of day ranges (the
  baselined dates for planned value, the actual dates for earned value), with difference
  arrays: one ``np.add.at`` per edge, one cumulative sum;
- :func:`working_before` counts working days, so a task's planned value at any day is a
  lookup.

Period boundaries are positions on a daily axis: ``planned_cumulative[k]`` is the
cumulative planned value at boundary ``k`` (``[0] == 0``, the start), and the figures at
``at`` (in periods, possibly fractional) follow :func:`keystage.engine.evm.evm_at`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from keystage.engine.evm import EPS, EvmError

__all__ = ["EvmSeries", "evm_series", "spread_days", "working_before"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


def working_before(working: npt.NDArray[np.bool_]) -> Ints:
    """``out[d]`` = working days strictly before day ``d`` (length ``len(working) + 1``)."""
    return np.concatenate(([0], np.cumsum(working, dtype=np.int64)))


def spread_days(
    amounts: npt.ArrayLike,
    first: npt.ArrayLike,
    last: npt.ArrayLike,
    working: npt.NDArray[np.bool_],
) -> Floats:
    """Daily amounts: each amount spread evenly over the working days ``first..last``.

    ``first`` and ``last`` are inclusive day indices into ``working`` (clipped to it).
    An amount whose range has no working day falls whole on its first day. Vectorised:
    the cost does not depend on how long the ranges are.
    """
    values = np.asarray(amounts, dtype=np.float64)
    days = len(working)
    if days == 0:
        raise EvmError("working", "the daily axis is empty")
    lo = np.clip(np.asarray(first, dtype=np.int64), 0, days - 1)
    hi = np.clip(np.asarray(last, dtype=np.int64), 0, days - 1)
    hi = np.maximum(hi, lo)
    before = working_before(working)
    count = before[hi + 1] - before[lo]
    has_days = count > 0
    rate = np.where(has_days, values / np.maximum(count, 1), 0.0)
    diff = np.zeros(days + 1)
    np.add.at(diff, lo, rate)
    np.add.at(diff, hi + 1, -rate)
    daily = np.cumsum(diff[:days]) * working
    np.add.at(daily, lo[~has_days], values[~has_days])
    return daily


@dataclass(frozen=True, slots=True)
class EvmSeries:
    """Every earned value and earned schedule figure at each point (arrays of one length)."""

    at: Floats
    bac: float
    planned_duration: float
    pv: Floats
    ev: Floats
    ac: Floats
    sv: Floats
    cv: Floats
    spi: Floats
    cpi: Floats
    eac_cpi: Floats
    eac_cpi_spi: Floats
    eac_budget_rate: Floats
    etc: Floats
    vac: Floats
    tcpi_bac: Floats
    tcpi_eac: Floats
    es: Floats
    sv_t: Floats
    spi_t: Floats
    ieac_t: Floats


def _ratio(numerator: Floats, denominator: Floats) -> Floats:
    safe = np.abs(denominator) >= EPS
    return np.where(safe, numerator / np.where(safe, denominator, 1.0), np.nan)


def evm_series(
    planned_cumulative: npt.ArrayLike,
    earned: npt.ArrayLike,
    actual: npt.ArrayLike,
    at: npt.ArrayLike,
) -> EvmSeries:
    """EVM figures at each data date ``at[j]`` with cumulative ``earned[j]`` and ``actual[j]``.

    ``planned_cumulative`` is the cumulative planned value at the period boundaries
    (``n + 1`` values from 0 up to the budget at completion, never decreasing). The
    headline EAC is EAC(CPI), as in :func:`keystage.engine.evm.evm_at` without a
    bottom-up estimate.
    """
    cum = np.asarray(planned_cumulative, dtype=np.float64)
    ev = np.asarray(earned, dtype=np.float64)
    ac = np.asarray(actual, dtype=np.float64)
    when = np.asarray(at, dtype=np.float64)
    if cum.ndim != 1 or len(cum) < 2 or abs(cum[0]) > EPS:
        raise EvmError("planned_cumulative", "needs at least two boundaries, starting at 0")
    if np.any(np.diff(cum) < -EPS):
        raise EvmError("planned_cumulative", "must never decrease")
    bac = float(cum[-1])
    if bac <= 0:
        raise EvmError("planned_cumulative", "the budget at completion must be positive")
    if not (ev.shape == ac.shape == when.shape) or ev.ndim != 1:
        raise EvmError("actual", "earned, actual and at must have the same length")
    if np.any(ev < -EPS) or np.any(ev > bac + 0.005):
        raise EvmError("earned", "must lie between 0 and the budget at completion")
    if np.any(ac < -EPS):
        raise EvmError("actual", "must not be negative")
    if np.any(~np.isfinite(when)) or np.any(when < 0):
        raise EvmError("at", "must be finite numbers of periods ≥ 0")

    periods = len(cum) - 1
    pv = np.interp(when, np.arange(periods + 1, dtype=np.float64), cum)
    spi = _ratio(ev, pv)
    cpi = _ratio(ev, ac)
    remaining = bac - ev
    done = remaining < EPS

    def eac_with(index: Floats) -> Floats:
        usable = np.isfinite(index) & (index != 0)
        return np.where(
            done, ac, np.where(usable, ac + remaining / np.where(usable, index, 1), np.nan)
        )

    eac_cpi = eac_with(cpi)
    eac_cpi_spi = eac_with(cpi * spi)
    duration = int(np.argmax(cum >= bac - EPS))
    whole = np.searchsorted(cum, ev + EPS, side="right") - 1
    whole = np.clip(whole, 0, periods - 1)
    step = cum[np.minimum(whole + 1, periods)] - cum[whole]
    partial = whole + (ev - cum[whole]) / np.where(step > 0, step, 1.0)
    es = np.where(whole >= duration, float(duration), partial)
    es = np.minimum(es, float(duration))
    spi_t = _ratio(es, when)
    usable_t = np.isfinite(spi_t) & (spi_t != 0)
    ieac_t = np.where(usable_t, when + (duration - es) / np.where(usable_t, spi_t, 1), np.nan)
    return EvmSeries(
        at=when,
        bac=bac,
        planned_duration=float(duration),
        pv=pv,
        ev=ev,
        ac=ac,
        sv=ev - pv,
        cv=ev - ac,
        spi=spi,
        cpi=cpi,
        eac_cpi=eac_cpi,
        eac_cpi_spi=eac_cpi_spi,
        eac_budget_rate=ac + remaining,
        etc=eac_cpi - ac,
        vac=bac - eac_cpi,
        tcpi_bac=_ratio(remaining, bac - ac),
        tcpi_eac=_ratio(remaining, eac_cpi - ac),
        es=es,
        sv_t=es - when,
        spi_t=spi_t,
        ieac_t=ieac_t,
    )
