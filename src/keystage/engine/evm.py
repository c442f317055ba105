"""Earned value and earned schedule at a data date.

Data in, result out. Time is counted in *reporting periods* from the project
start: period ``i`` is the half-open interval ``[i, i + 1)``, and the data
date ``at`` (Lipke's *actual time*, AT) is the number of periods elapsed,
possibly fractional. Converting periods to dates is the caller's job (through
a calendar), so this module needs no clock.

Planned value comes time-phased (one amount per period, cumulated here; it is
spread linearly inside a period). Earned value and actual cost are the
cumulative amounts at the data date. Money goes out as ``Decimal`` in cents,
indices as ``float`` and undefined ratios (division by zero) as ``None``.

Formulas (PMI *Practice Standard for EVM*, Lipke's *Schedule is Different*)::

    SV = EV − PV          CV = EV − AC          SPI = EV / PV      CPI = EV / AC
    EAC(CPI)     = AC + (BAC − EV) / CPI        (= BAC / CPI)
    EAC(CPI×SPI) = AC + (BAC − EV) / (CPI × SPI)
    EAC(budget)  = AC + (BAC − EV)              (remaining work at plan rate)
    EAC(new ETC) = AC + ETC supplied bottom-up
    ETC = EAC − AC        VAC = BAC − EAC
    TCPI(BAC) = (BAC − EV) / (BAC − AC)         TCPI(EAC) = (BAC − EV) / (EAC − AC)
    ES = C + (EV − PV_C) / (PV_C+1 − PV_C), C = whole periods with PV_C ≤ EV
    SV(t) = ES − AT       SPI(t) = ES / AT      IEAC(t) = AT + (PD − ES) / SPI(t) = PD / SPI(t)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import numpy as np

from keystage.engine.errors import FieldError
from keystage.engine.money import to_cents

__all__ = [
    "EvmError",
    "EvmInput",
    "EvmResult",
    "evm_at",
    "evm_history",
    "period_date",
    "planned_value_at",
]

EPS = 1e-9


class EvmError(FieldError):
    """Invalid earned-value input; ``field`` names the culprit (see :class:`FieldError`)."""


def _ratio(numerator: float, denominator: float) -> float | None:
    return None if abs(denominator) < EPS else numerator / denominator


def _amount(value: Decimal, field: str) -> float:
    if not isinstance(value, Decimal) or not value.is_finite():
        raise EvmError(field, "must be a finite Decimal")
    if value < 0:
        raise EvmError(field, f"must not be negative (got {value})")
    return float(value)


@dataclass(frozen=True, slots=True)
class EvmInput:
    """Time-phased plan and the cumulative EV and AC at data date ``at`` (periods).

    ``estimate_to_complete`` is an optional bottom-up estimate of the remaining
    cost; when given, it drives the headline EAC ("new ETC" method).
    """

    planned_value: tuple[Decimal, ...]
    earned_value: Decimal
    actual_cost: Decimal
    at: float
    estimate_to_complete: Decimal | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "planned_value", tuple(self.planned_value))
        for i, amount in enumerate(self.planned_value):
            _amount(amount, f"planned_value[{i}]")
        bac = sum(self.planned_value, Decimal(0))
        if bac <= 0:
            raise EvmError("planned_value", "the budget at completion (total) must be positive")
        _amount(self.earned_value, "earned_value")
        if self.earned_value > bac:
            raise EvmError(
                "earned_value",
                f"cannot exceed the budget at completion ({self.earned_value} > {bac})",
            )
        _amount(self.actual_cost, "actual_cost")
        if self.estimate_to_complete is not None:
            _amount(self.estimate_to_complete, "estimate_to_complete")
        at = float(self.at)
        if isinstance(self.at, bool) or not math.isfinite(at) or at < 0:
            raise EvmError("at", f"must be a finite number of periods ≥ 0, got {self.at!r}")

    @property
    def bac(self) -> Decimal:
        """Budget at completion: the total planned value."""
        return sum(self.planned_value, Decimal(0))


@dataclass(frozen=True, slots=True)
class EvmResult:
    """Earned value and earned schedule figures at one data date."""

    at: float
    planned_duration: float
    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: float | None
    cpi: float | None
    eac: Decimal | None
    eac_method: str
    eac_cpi: Decimal | None
    eac_cpi_spi: Decimal | None
    eac_budget_rate: Decimal
    eac_new_etc: Decimal | None
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: float | None
    tcpi_eac: float | None
    es: float
    sv_t: float
    spi_t: float | None
    ieac_t: float | None

    @property
    def percent_complete(self) -> float:
        """EV / BAC × 100."""
        return float(self.ev / self.bac * 100)


def _cumulative(planned: Sequence[Decimal]) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum([float(v) for v in planned])))


def _planned_duration(cumulative: np.ndarray) -> int:
    """Periods until the cumulative plan first reaches the budget at completion."""
    return int(np.argmax(cumulative >= cumulative[-1] - EPS))


def _pv_at(cumulative: np.ndarray, at: float) -> float:
    periods = len(cumulative) - 1
    if at >= periods:
        return float(cumulative[-1])
    whole = math.floor(at)
    frac = at - whole
    return float(cumulative[whole] + frac * (cumulative[whole + 1] - cumulative[whole]))


def planned_value_at(planned: Sequence[Decimal], at: float) -> Decimal:
    """Cumulative planned value at ``at`` periods (linear inside a period), in cents."""
    return to_cents(_pv_at(_cumulative(planned), float(at)))


def _earned_schedule(cumulative: np.ndarray, ev: float) -> float:
    duration = _planned_duration(cumulative)
    # C: the last whole period whose cumulative plan is at most EV.
    whole = int(np.searchsorted(cumulative, ev + EPS, side="right")) - 1
    if whole >= duration:
        return float(duration)
    step = cumulative[whole + 1] - cumulative[whole]
    return whole + float((ev - cumulative[whole]) / step)


def evm_at(data: EvmInput) -> EvmResult:
    """Compute every earned value and earned schedule figure for ``data``."""
    cumulative = _cumulative(data.planned_value)
    at = float(data.at)
    bac = float(cumulative[-1])
    pv = _pv_at(cumulative, at)
    ev = float(data.earned_value)
    ac = float(data.actual_cost)
    spi = _ratio(ev, pv)
    cpi = _ratio(ev, ac)
    remaining = bac - ev

    def eac_with(index: float | None) -> float | None:
        if remaining < EPS:
            return ac
        return None if not index else ac + remaining / index

    eac_cpi = eac_with(cpi)
    eac_cpi_spi = eac_with(cpi * spi if cpi is not None and spi is not None else None)
    eac_budget = ac + remaining
    eac_new = None if data.estimate_to_complete is None else ac + float(data.estimate_to_complete)
    eac: float | None
    if eac_new is not None:
        eac, method = eac_new, "new ETC"
    else:
        eac, method = eac_cpi, "CPI"

    duration = float(_planned_duration(cumulative))
    es = _earned_schedule(cumulative, ev)
    spi_t = _ratio(es, at)
    ieac_t = None if not spi_t else at + (duration - es) / spi_t

    # Money is rounded once, and the differences are taken between the rounded
    # figures, so a report's numbers always add up to the cent.
    bac_m, pv_m, ev_m, ac_m = to_cents(bac), to_cents(pv), to_cents(ev), to_cents(ac)
    eac_m = None if eac is None else to_cents(eac)
    return EvmResult(
        at=at,
        planned_duration=duration,
        bac=bac_m,
        pv=pv_m,
        ev=ev_m,
        ac=ac_m,
        sv=ev_m - pv_m,
        cv=ev_m - ac_m,
        spi=spi,
        cpi=cpi,
        eac=eac_m,
        eac_method=method,
        eac_cpi=None if eac_cpi is None else to_cents(eac_cpi),
        eac_cpi_spi=None if eac_cpi_spi is None else to_cents(eac_cpi_spi),
        eac_budget_rate=to_cents(eac_budget),
        eac_new_etc=None if eac_new is None else to_cents(eac_new),
        etc=None if eac_m is None else eac_m - ac_m,
        vac=None if eac_m is None else bac_m - eac_m,
        tcpi_bac=_ratio(remaining, bac - ac),
        tcpi_eac=None if eac is None else _ratio(remaining, eac - ac),
        es=es,
        sv_t=es - at,
        spi_t=spi_t,
        ieac_t=ieac_t,
    )


def evm_history(
    planned_value: Sequence[Decimal],
    earned_per_period: Sequence[Decimal],
    actual_per_period: Sequence[Decimal],
) -> tuple[EvmResult, ...]:
    """Figures at the end of each recorded period ``1 … n`` (for trends and S-curves).

    ``earned_per_period`` and ``actual_per_period`` hold the amount earned and
    spent in each period so far and must have the same length.
    """
    if len(earned_per_period) != len(actual_per_period):
        raise EvmError(
            "actual_per_period",
            f"has {len(actual_per_period)} periods but earned_per_period has "
            f"{len(earned_per_period)}",
        )
    results = []
    ev = ac = Decimal(0)
    for period, (earned, spent) in enumerate(
        zip(earned_per_period, actual_per_period, strict=True), start=1
    ):
        ev += earned
        ac += spent
        results.append(evm_at(EvmInput(tuple(planned_value), ev, ac, period)))
    return tuple(results)


def period_date(boundaries: Sequence[date], position: float) -> date:
    """The calendar date ``position`` periods after the start, e.g. the IEAC(t) finish.

    ``boundaries`` are the period edges: the start of period 0, then the end of
    each period (``n + 1`` increasing dates). Inside a period the date moves
    linearly in calendar days; past the last edge it extrapolates with the
    length of the last period. The result is rounded down to a whole day.
    """
    if len(boundaries) < 2:
        raise EvmError("boundaries", "need at least two dates (one period)")
    if any(b <= a for a, b in pairwise(boundaries)):
        raise EvmError("boundaries", "dates must be strictly increasing")
    if not math.isfinite(position) or position < 0:
        raise EvmError("position", f"must be a finite number of periods ≥ 0, got {position!r}")
    last = len(boundaries) - 1
    index = min(math.floor(position), last - 1)
    start, end = boundaries[index], boundaries[index + 1]
    days = (end - start).days * (position - index)
    return start + timedelta(days=math.floor(days + EPS))
