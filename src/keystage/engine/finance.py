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
    "IrrAssessment",
    "NpvSimulation",
    "Payback",
    "TornadoBar",
    "evaluate",
    "irr",
    "irr_assessment",
    "mirr",
    "net_cash_flows",
    "npv",
    "npv_tornado",
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


# ---------------------------------------------------------------- investment risk


@dataclass(frozen=True, slots=True)
class IrrAssessment:
    """What the IRR of a cash flow can be trusted for.

    ``sign_changes`` counts sign changes of the net flows (zeros skipped); ``rates`` are
    every real IRR above -100 % (roots of the NPV polynomial), lowest first. ``kind`` is
    ``investment`` (money out first, then in: a higher IRR is better), ``borrowing``
    (money in first, then out: a higher IRR is *worse*, the IRR is the cost of the
    money) or ``mixed`` (more than one sign change). ``warning`` says it in words.
    """

    sign_changes: int
    rates: tuple[float, ...]
    kind: Literal["investment", "borrowing", "mixed", "none"]
    warning: str | None


def _sign_changes(flows: np.ndarray) -> int:
    signs = np.sign(flows[np.abs(flows) > 0.005])
    return int(np.count_nonzero(signs[1:] != signs[:-1])) if signs.size > 1 else 0


def _irr_roots(flows: np.ndarray) -> tuple[float, ...]:
    """Every real rate r > -1 with NPV(r) = 0: the polynomial in x = 1 / (1 + r)."""
    trimmed = np.trim_zeros(flows, "b")
    if trimmed.size < 2:
        return ()
    # NPV = sum c_t x^t; np.roots wants the highest power first.
    roots = np.roots(trimmed[::-1])
    rates = set()
    for root in roots:
        if abs(root.imag) > 1e-9 * max(1.0, abs(root.real)) or root.real <= 0:
            continue
        rate = 1.0 / root.real - 1.0
        if rate > -1.0 and math.isfinite(rate):
            rates.add(round(rate, 10))
    return tuple(sorted(rates))


def irr_assessment(case: BusinessCase) -> IrrAssessment:
    """Sign changes, every IRR and a warning when the IRR misleads (see the class)."""
    flows = _flows(case)
    changes = _sign_changes(flows)
    rates = _irr_roots(flows) if changes else ()
    listed = ", ".join(f"{r:.1%}" for r in rates)
    if changes == 0:
        return IrrAssessment(0, (), "none", None)
    if changes > 1 or len(rates) > 1:
        warning = (
            f"The net cash flow changes sign {changes} times"
            + (f" and has {len(rates)} IRRs ({listed})" if len(rates) > 1 else "")
            + ": the IRR is ambiguous. Judge the case by its NPV and MIRR."
        )
        return IrrAssessment(changes, rates, "mixed", warning)
    first = flows[np.abs(flows) > 0.005][0]
    if first > 0:
        return IrrAssessment(
            changes,
            rates,
            "borrowing",
            "Money comes in before it goes out (a borrowing-type flow): a higher IRR is "
            "worse — the IRR is what the money costs; it pays off when the IRR is below "
            "the discount rate.",
        )
    return IrrAssessment(changes, rates, "investment", None)


def mirr(case: BusinessCase, *, finance_rate: Decimal, reinvest_rate: Decimal) -> float:
    """Modified IRR (``numpy_financial.mirr``): outflows discounted to period 0 at
    ``finance_rate``, inflows compounded to the horizon at ``reinvest_rate``;
    ``(FV(inflows) / PV(outflows)) ** (1 / horizon) - 1``.

    Raises :class:`IrrUndefinedError` without both an outflow and an inflow.
    """
    for name, rate in (("finance_rate", finance_rate), ("reinvest_rate", reinvest_rate)):
        if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= Decimal(-1):
            raise FinanceFieldError(name, "must be a finite rate above -100 %")
    flows = _flows(case)
    n = case.horizon
    out = np.where(flows < -0.005, flows, 0.0)
    inflow = np.where(flows > 0.005, flows, 0.0)
    if not out.any() or not inflow.any() or n == 0:
        raise IrrUndefinedError("MIRR is undefined: the cash flow needs money out and money in")
    t = np.arange(n + 1, dtype=float)
    pv_out = -float(out @ (1.0 + float(finance_rate)) ** -t)
    fv_in = float(inflow @ (1.0 + float(reinvest_rate)) ** (n - t))
    return float((fv_in / pv_out) ** (1.0 / n) - 1.0)


@dataclass(frozen=True, slots=True)
class TornadoBar:
    """NPV with one line at its low and at its high amount, the others at likely."""

    name: str
    npv_low: Decimal
    npv_high: Decimal

    @property
    def swing(self) -> Decimal:
        """How far the NPV moves across the line's range."""
        return abs(self.npv_high - self.npv_low)


def npv_tornado(case: BusinessCase, *, rate: Estimate | None = None) -> tuple[TornadoBar, ...]:
    """The lines (and an uncertain discount rate, as a fraction) that drive NPV most,
    widest swing first; lines without a range are left out."""
    factors = _discount_factors(float(case.discount_rate), case.horizon)
    base = float(_flows(case) @ factors)
    bars = []
    for line in case.lines:
        if not isinstance(line.amount, Estimate) or line.amount.low == line.amount.high:
            continue
        unit = line.sign * float(line.mask(case.horizon) @ factors)
        likely = float(line.amount.likely)
        bars.append(
            TornadoBar(
                line.name,
                to_cents(base + unit * (float(line.amount.low) - likely)),
                to_cents(base + unit * (float(line.amount.high) - likely)),
            )
        )
    if rate is not None and rate.low != rate.high:
        flows = _flows(case)
        at = {
            name: to_cents(float(flows @ _discount_factors(float(value), case.horizon)))
            for name, value in (("low", rate.low), ("high", rate.high))
        }
        bars.append(TornadoBar("Discount rate", at["low"], at["high"]))
    return tuple(sorted(bars, key=lambda b: b.swing, reverse=True))


# ---------------------------------------------------------------- Monte Carlo


def _correlate(samples: np.ndarray, rho: float, rng: np.random.Generator) -> np.ndarray:
    """Reorder each column so the columns share rank correlation ``rho`` (Iman–Conover
    with one common factor); every column keeps exactly its own values."""
    runs, k = samples.shape
    common = rng.standard_normal((runs, 1))
    scores = math.sqrt(rho) * common + math.sqrt(1.0 - rho) * rng.standard_normal((runs, k))
    ranks = np.argsort(np.argsort(scores, axis=0), axis=0)
    return np.take_along_axis(np.sort(samples, axis=0), ranks, axis=0)


def simulate_npv(
    case: BusinessCase,
    *,
    runs: int,
    rng: np.random.Generator,
    bins: int = 40,
    correlation: float = 0.0,
    rate: Estimate | None = None,
) -> NpvSimulation:
    """Monte Carlo NPV over the estimates of ``case``: ``runs`` vectorised draws.

    ``correlation`` (0 ≤ ρ < 1) ties the uncertain lines together: their draws share a
    rank correlation ρ (a cost overrun comes with late benefits rather than
    independently). ``rate`` makes the discount rate itself uncertain (a fraction per
    period, low / likely / high), drawn once per run.

    Returns P10/P50/P90 (10th/50th/90th percentiles), the mean, the probability
    that NPV < 0 and a histogram (``bins`` bars) for charting.
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise FinanceFieldError("runs", f"must be a positive integer, got {runs!r}")
    if bins < 1:
        raise FinanceFieldError("bins", f"must be a positive integer, got {bins!r}")
    if not isinstance(rng, np.random.Generator):
        raise FinanceFieldError("rng", "must be a numpy.random.Generator")
    if not (isinstance(correlation, float | int) and 0.0 <= correlation < 1.0):
        raise FinanceFieldError("correlation", f"must be in [0, 1), got {correlation!r}")
    if rate is not None and rate.low <= Decimal(-1):
        raise FinanceFieldError("rate", "must be above -100 %")
    uncertain = [line for line in case.lines if isinstance(line.amount, Estimate)]
    amounts = np.zeros((runs, len(uncertain)))
    for j, line in enumerate(uncertain):
        assert isinstance(line.amount, Estimate)
        amounts[:, j] = line.amount.sample(rng, runs)
    if correlation > 0.0 and len(uncertain) > 1:
        amounts = _correlate(amounts, float(correlation), rng)
    if rate is None:
        factors = _discount_factors(float(case.discount_rate), case.horizon)[None, :]
    else:
        rates = rate.sample(rng, runs)
        factors = (1.0 + rates[:, None]) ** -np.arange(case.horizon + 1, dtype=float)[None, :]
    values = np.zeros(runs)
    column = 0
    for line in case.lines:
        # Present value of one unit of this line (per run), scaled by the drawn amount.
        unit_pv = line.sign * (factors @ line.mask(case.horizon))
        if isinstance(line.amount, Estimate):
            values += unit_pv * amounts[:, column]
            column += 1
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
