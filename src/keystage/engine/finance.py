"""Business-case arithmetic: NPV, IRR, payback, ROI and a Monte Carlo NPV.

Data in, result out. A :class:`BusinessCase` holds cash-flow lines (costs and
benefits, one-off or recurring) over periods ``0 … horizon`` and a discount
rate per period. Period 0 is "now" and is not discounted; a flow in period
``t`` is discounted by ``(1 + rate) ** t`` (end-of-period convention, the same
as ``numpy_financial.npv``).

Money comes in as :class:`~decimal.Decimal`; the arithmetic runs in floats and
every money figure going out is a ``Decimal`` rounded to cents. Rates and
ratios go out as ``float`` fractions (``0.08`` means 8 %).

Uncertain amounts are :class:`Estimate` (low / likely / high with a triangular
or PERT shape). Deterministic figures use the *likely* value;
:func:`simulate_npv` samples every estimate once per run (a recurring line
keeps its sampled amount in every period of that run) with the caller's
``numpy.random.Generator``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np
import numpy_financial as npf

from keystage.engine.finance_errors import (
    FinanceFieldError,
    IrrUndefinedError,
    RoiUndefinedError,
)
from keystage.engine.money import to_cents

__all__ = [
    "BusinessCase",
    "BusinessCaseResult",
    "CashFlowLine",
    "Estimate",
    "NpvSimulation",
    "Payback",
    "evaluate",
    "irr",
    "net_cash_flows",
    "npv",
    "payback",
    "roi",
    "simulate_npv",
]

ORDER = "order is low ≤ likely ≤ high"
Kind = Literal["cost", "benefit"]
Shape = Literal["triangular", "pert"]


def _finite_decimal(value: Decimal, name: str) -> None:
    if not isinstance(value, Decimal):
        raise FinanceFieldError(name, f"must be a Decimal, got {type(value).__name__}")
    if not value.is_finite():
        raise FinanceFieldError(name, "must be a finite number")
    if value < 0:
        raise FinanceFieldError(name, f"must not be negative (got {value})")


@dataclass(frozen=True, slots=True)
class Estimate:
    """An uncertain amount: three points and the distribution shape between them."""

    low: Decimal
    likely: Decimal
    high: Decimal
    shape: Shape = "pert"

    def __post_init__(self) -> None:
        for name in ("low", "likely", "high"):
            _finite_decimal(getattr(self, name), name)
        if self.low > self.likely:
            raise FinanceFieldError(
                "low",
                f"must not exceed likely ({self.low} > {self.likely}); {ORDER}",
            )
        if self.likely > self.high:
            raise FinanceFieldError(
                "high",
                f"must not be below likely ({self.high} < {self.likely}); {ORDER}",
            )
        if self.shape not in ("triangular", "pert"):
            raise FinanceFieldError("shape", f"must be 'triangular' or 'pert', got {self.shape!r}")

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """Draw ``size`` values with ``rng`` (vectorised)."""
        low, mode, high = float(self.low), float(self.likely), float(self.high)
        if high == low:
            return np.full(size, low)
        if self.shape == "triangular":
            return rng.triangular(low, mode, high, size)
        span = high - low
        alpha = 1.0 + 4.0 * (mode - low) / span
        beta = 1.0 + 4.0 * (high - mode) / span
        return low + span * rng.beta(alpha, beta, size)


@dataclass(frozen=True, slots=True)
class CashFlowLine:
    """A cost or a benefit, once in ``period`` or every period from it.

    ``amount`` is non-negative; ``kind`` gives the sign. A recurring line runs
    from ``period`` to ``until`` inclusive (``None``: to the horizon).
    """

    name: str
    kind: Kind
    amount: Decimal | Estimate
    period: int = 0
    recurring: bool = False
    until: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("cost", "benefit"):
            raise FinanceFieldError("kind", f"must be 'cost' or 'benefit', got {self.kind!r}")
        if not isinstance(self.amount, Estimate):
            _finite_decimal(self.amount, "amount")
        if isinstance(self.period, bool) or not isinstance(self.period, int) or self.period < 0:
            raise FinanceFieldError("period", f"must be an integer ≥ 0, got {self.period!r}")
        if self.until is not None:
            if not self.recurring:
                raise FinanceFieldError("until", "only a recurring line has an end period")
            if self.until < self.period:
                raise FinanceFieldError(
                    "until", f"must not be before period ({self.until} < {self.period})"
                )

    @property
    def likely(self) -> Decimal:
        """The amount used for deterministic figures."""
        return self.amount.likely if isinstance(self.amount, Estimate) else self.amount

    @property
    def sign(self) -> float:
        """``-1`` for a cost, ``+1`` for a benefit."""
        return -1.0 if self.kind == "cost" else 1.0

    def mask(self, horizon: int) -> np.ndarray:
        """A 0/1 vector over periods ``0 … horizon`` marking where the line applies."""
        out = np.zeros(horizon + 1)
        if self.recurring:
            last = horizon if self.until is None else min(self.until, horizon)
            out[self.period : last + 1] = 1.0
        else:
            out[self.period] = 1.0
        return out


@dataclass(frozen=True, slots=True)
class BusinessCase:
    """Cash-flow lines over periods ``0 … horizon`` and the discount rate per period."""

    lines: tuple[CashFlowLine, ...]
    horizon: int
    discount_rate: Decimal

    def __post_init__(self) -> None:
        if isinstance(self.horizon, bool) or not isinstance(self.horizon, int) or self.horizon < 0:
            raise FinanceFieldError("horizon", f"must be an integer ≥ 0, got {self.horizon!r}")
        rate = self.discount_rate
        if not isinstance(rate, Decimal) or not rate.is_finite():
            raise FinanceFieldError("discount_rate", "must be a finite Decimal")
        if rate <= Decimal(-1):
            raise FinanceFieldError(
                "discount_rate", f"must be greater than -100 % (got {rate * 100} %)"
            )
        object.__setattr__(self, "lines", tuple(self.lines))
        for i, line in enumerate(self.lines):
            if not isinstance(line, CashFlowLine):
                raise FinanceFieldError(f"lines[{i}]", "must be a CashFlowLine")
            if line.period > self.horizon:
                raise FinanceFieldError(
                    f"lines[{i}].period",
                    f"{line.name!r} starts in period {line.period}, "
                    f"after the horizon {self.horizon}",
                )


@dataclass(frozen=True, slots=True)
class Payback:
    """When cumulative cash turns non-negative for good; ``None`` with a reason if never."""

    periods: float | None
    explanation: str


@dataclass(frozen=True, slots=True)
class BusinessCaseResult:
    """Every deterministic figure of a business case; undefined ones carry a note."""

    cash_flows: tuple[Decimal, ...]
    total_costs: Decimal
    total_benefits: Decimal
    npv: Decimal
    irr: float | None
    irr_note: str | None
    roi: float | None
    roi_note: str | None
    payback: Payback
    discounted_payback: Payback


@dataclass(frozen=True, slots=True)
class NpvSimulation:
    """Outcome of a Monte Carlo NPV run; money in cents, histogram for charting."""

    runs: int
    mean: Decimal
    p10: Decimal
    p50: Decimal
    p90: Decimal
    probability_negative: float
    histogram_counts: tuple[int, ...] = field(repr=False)
    histogram_edges: tuple[float, ...] = field(repr=False)


# ---------------------------------------------------------------- deterministic


def _flows(case: BusinessCase) -> np.ndarray:
    flows = np.zeros(case.horizon + 1)
    for line in case.lines:
        flows += line.sign * float(line.likely) * line.mask(case.horizon)
    return flows


def _discount_factors(rate: float, horizon: int) -> np.ndarray:
    with np.errstate(over="ignore"):
        factors = (1.0 + rate) ** -np.arange(horizon + 1, dtype=float)
    if not np.all(np.isfinite(factors)) or factors[-1] > 1e100:
        raise FinanceFieldError(
            "discount_rate",
            f"{rate:.2%} is too close to -100 % for a {horizon}-period horizon: "
            "discount factors overflow",
        )
    return factors


def net_cash_flows(case: BusinessCase) -> tuple[Decimal, ...]:
    """Net cash flow (benefits − costs) per period ``0 … horizon``, in cents."""
    return tuple(to_cents(v) for v in _flows(case))


def npv(case: BusinessCase, rate: Decimal | None = None) -> Decimal:
    """Net present value at the case's discount rate (or ``rate``), in cents."""
    r = float(case.discount_rate if rate is None else rate)
    if r <= -1.0:
        raise FinanceFieldError("rate", "must be greater than -100 %")
    return to_cents(float(_flows(case) @ _discount_factors(r, case.horizon)))


def irr(case: BusinessCase) -> float:
    """Internal rate of return per period, as a fraction.

    Raises :class:`IrrUndefinedError` when the cash flows never change sign
    or no real rate above -100 % sets the NPV to zero.
    """
    flows = _flows(case)
    nonzero = flows[np.abs(flows) > 0.005]
    if nonzero.size == 0 or np.all(nonzero > 0) or np.all(nonzero < 0):
        raise IrrUndefinedError("IRR is undefined: cash flows never change sign")
    value = float(npf.irr(flows))
    if math.isnan(value) or value <= -1.0:
        raise IrrUndefinedError("IRR is undefined: no real rate above -100 % makes NPV zero")
    return value


def _payback(flows: np.ndarray, what: str) -> Payback:
    cumulative = np.cumsum(flows)
    below = np.flatnonzero(cumulative < -0.005)
    if below.size == 0:
        return Payback(0.0, f"{what} cash flow is never negative: paid back from the start")
    last = int(below[-1])
    if last == len(flows) - 1:
        return Payback(
            None,
            f"Not paid back within the horizon: {what.lower()} cumulative cash flow at "
            f"period {last} is {to_cents(float(cumulative[last]))}",
        )
    fraction = min(1.0, float(-cumulative[last] / flows[last + 1]))
    periods = float(last + fraction)
    return Payback(
        periods, f"{what} cumulative cash flow turns non-negative at {periods:.2f} periods"
    )


def payback(case: BusinessCase, *, discounted: bool = False) -> Payback:
    """Simple or discounted payback period, in fractional periods.

    It is the time after which the cumulative cash flow stays non-negative,
    interpolated linearly within the period where it last crosses zero.
    """
    flows = _flows(case)
    if discounted:
        flows = flows * _discount_factors(float(case.discount_rate), case.horizon)
    return _payback(flows, "Discounted" if discounted else "Simple")


def _totals(case: BusinessCase) -> tuple[float, float]:
    costs = benefits = 0.0
    for line in case.lines:
        total = float(line.likely) * float(line.mask(case.horizon).sum())
        if line.kind == "cost":
            costs += total
        else:
            benefits += total
    return costs, benefits


def roi(case: BusinessCase) -> float:
    """Return on investment, undiscounted: (benefits − costs) / costs, as a fraction."""
    costs, benefits = _totals(case)
    if costs <= 0.0:
        raise RoiUndefinedError("ROI is undefined: total cost is zero")
    return (benefits - costs) / costs


def evaluate(case: BusinessCase) -> BusinessCaseResult:
    """Compute every deterministic figure; IRR and ROI are ``None`` with a note when undefined."""
    irr_value: float | None
    roi_value: float | None
    irr_note = roi_note = None
    try:
        irr_value = irr(case)
    except IrrUndefinedError as exc:
        irr_value, irr_note = None, str(exc)
    try:
        roi_value = roi(case)
    except RoiUndefinedError as exc:
        roi_value, roi_note = None, str(exc)
    costs, benefits = _totals(case)
    return BusinessCaseResult(
        cash_flows=net_cash_flows(case),
        total_costs=to_cents(costs),
        total_benefits=to_cents(benefits),
        npv=npv(case),
        irr=irr_value,
        irr_note=irr_note,
        roi=roi_value,
        roi_note=roi_note,
        payback=payback(case),
        discounted_payback=payback(case, discounted=True),
    )


# ---------------------------------------------------------------- Monte Carlo


def simulate_npv(
    case: BusinessCase, *, runs: int, rng: np.random.Generator, bins: int = 40
) -> NpvSimulation:
    """Monte Carlo NPV over the estimates of ``case``: ``runs`` vectorised draws.

    Returns P10/P50/P90 (10th/50th/90th percentiles), the mean, the probability
    that NPV < 0 and a histogram (``bins`` bars) for charting.
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise FinanceFieldError("runs", f"must be a positive integer, got {runs!r}")
    if bins < 1:
        raise FinanceFieldError("bins", f"must be a positive integer, got {bins!r}")
    if not isinstance(rng, np.random.Generator):
        raise FinanceFieldError("rng", "must be a numpy.random.Generator")
    factors = _discount_factors(float(case.discount_rate), case.horizon)
    values = np.zeros(runs)
    for line in case.lines:
        # Present value of one unit of this line, then scale by the sampled amount.
        unit_pv = line.sign * float(line.mask(case.horizon) @ factors)
        if isinstance(line.amount, Estimate):
            values += unit_pv * line.amount.sample(rng, runs)
        else:
            values += unit_pv * float(line.amount)
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    counts, edges = np.histogram(values, bins=bins)
    return NpvSimulation(
        runs=runs,
        mean=to_cents(float(values.mean())),
        p10=to_cents(float(p10)),
        p50=to_cents(float(p50)),
        p90=to_cents(float(p90)),
        probability_negative=float(np.count_nonzero(values < 0.0) / runs),
        histogram_counts=tuple(int(c) for c in counts),
        histogram_edges=tuple(float(e) for e in edges),
    )
