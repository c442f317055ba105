"""The one adapter between the initiation app and the pure engine.

Rows in, engine inputs, results out: the business case and its cash-flow lines
become a :class:`keystage.engine.finance.BusinessCase`; the stakeholders become
points of the power/interest grid; results come back as plain data for the
pages and the API, and the charts as SVG strings.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from keystage.core.engine_errors import invalid_input
from keystage.core.errors import InvalidInput
from keystage.engine import finance
from keystage.engine.errors import FieldError
from keystage.engine.finance_errors import IrrUndefinedError
from keystage.initiation.models import BusinessCase, CashFlowLine, Recurrence, Stakeholder
from keystage.reporting.svg import charts

SIMULATION_RUNS = 5_000
MAX_SIMULATION_RUNS = 100_000  # runs × (horizon + 1) floats: 40 MB at the most
MAX_HORIZON = 50  # periods (years) after period 0, as the model allows
HUNDRED = Decimal("100")


@dataclass(frozen=True, slots=True)
class CaseFigures:
    """Everything computed for one business case."""

    result: finance.BusinessCaseResult | None
    simulation: finance.NpvSimulation | None
    seed: int
    runs: int
    note: str = ""
    assessment: finance.IrrAssessment | None = None
    mirr: float | None = None
    mirr_note: str | None = None
    finance_rate: float = 0.0
    reinvest_rate: float = 0.0
    tornado: tuple[finance.TornadoBar, ...] = ()
    correlation: float = 0.0
    rate_low: float | None = None
    rate_high: float | None = None


def project_seed(project_public_id: uuid.UUID) -> int:
    """The Monte Carlo seed of a project: the same figures on every view of the same data."""
    return project_public_id.int % (2**63)


def to_engine(case: BusinessCase, lines: list[CashFlowLine]) -> finance.BusinessCase:
    """Rows → the engine's business case (rate from percent to a fraction)."""
    flows = []
    for line in lines:
        recurring = line.recurrence == Recurrence.RECURRING
        flows.append(
            finance.CashFlowLine(
                name=line.name,
                kind=line.kind,  # type: ignore[arg-type]
                amount=finance.Estimate(
                    low=Decimal(line.amount_low),
                    likely=Decimal(line.amount_likely),
                    high=Decimal(line.amount_high),
                ),
                period=int(line.period_start),
                recurring=recurring,
                until=int(line.period_end) if recurring and line.period_end is not None else None,
            )
        )
    return finance.BusinessCase(
        lines=tuple(flows),
        horizon=int(case.horizon),
        discount_rate=Decimal(case.discount_rate) / HUNDRED,
    )


def _rate(value: Any, default: Decimal) -> Decimal:
    """A stored percentage as a fraction; ``default`` (a fraction) when empty."""
    return default if value is None else Decimal(value) / HUNDRED


def rate_estimate(case: BusinessCase) -> finance.Estimate | None:
    """The simulated discount rate (fractions, triangular), when a range is set."""
    if case.rate_low is None or case.rate_high is None:
        return None
    return finance.Estimate(
        low=Decimal(case.rate_low) / HUNDRED,
        likely=Decimal(case.discount_rate) / HUNDRED,
        high=Decimal(case.rate_high) / HUNDRED,
        shape="triangular",
    )


def case_figures(
    case: BusinessCase, lines: list[CashFlowLine], *, runs: int | None = None
) -> CaseFigures:
    """NPV, IRR (with every root and a warning where it misleads), MIRR, payback, ROI, the
    NPV tornado and the seeded Monte Carlo NPV of a business case (the case's own run
    count, correlation and discount-rate range unless ``runs`` is given)."""
    runs = int(case.simulation_runs or SIMULATION_RUNS) if runs is None else runs
    if not 1 <= runs <= MAX_SIMULATION_RUNS:  # checked before any array is sized by it
        raise InvalidInput({"runs": f"Between 1 and {MAX_SIMULATION_RUNS:,} runs."})
    if not 1 <= case.horizon <= MAX_HORIZON:
        raise InvalidInput({"horizon": f"Ensure this value is between 1 and {MAX_HORIZON}."})
    seed = project_seed(case.project.public_id)
    if not lines:
        return CaseFigures(None, None, seed, runs, "Add cost and benefit lines to see the figures.")
    discount = Decimal(case.discount_rate) / HUNDRED
    finance_rate = _rate(case.finance_rate, discount)
    reinvest_rate = _rate(case.reinvest_rate, discount)
    correlation = float(case.correlation or 0)
    try:
        model = to_engine(case, lines)
        result = finance.evaluate(model)
        spread = rate_estimate(case)
        simulation = finance.simulate_npv(
            model,
            runs=runs,
            rng=np.random.default_rng(seed),
            correlation=correlation,
            rate=spread,
        )
        assessment = finance.irr_assessment(model)
        tornado = finance.npv_tornado(model, rate=spread)
        try:
            mirr: float | None = finance.mirr(
                model, finance_rate=finance_rate, reinvest_rate=reinvest_rate
            )
            mirr_note = None
        except IrrUndefinedError as exc:
            mirr, mirr_note = None, str(exc)
    except FieldError as exc:
        raise invalid_input(exc) from None
    return CaseFigures(
        result,
        simulation,
        seed,
        runs,
        assessment=assessment,
        mirr=mirr,
        mirr_note=mirr_note,
        finance_rate=float(finance_rate),
        reinvest_rate=float(reinvest_rate),
        tornado=tornado,
        correlation=correlation,
        rate_low=float(spread.low) if spread else None,
        rate_high=float(spread.high) if spread else None,
    )


def npv_tornado_svg(figures: CaseFigures, currency: str = "") -> str:
    """The lines that drive NPV most, as a tornado (SVG); empty without ranges."""
    if not figures.tornado or figures.result is None:
        return ""
    return charts.tornado(
        [(bar.name, float(bar.npv_low), float(bar.npv_high)) for bar in figures.tornado[:12]],
        base=float(figures.result.npv),
        subtitle="NPV with one line at its low and at its high amount, the others likely",
    )


def check_case(case: BusinessCase, lines: list[CashFlowLine]) -> None:
    """Let the engine judge a candidate case; its complaints become field errors."""
    try:
        finance.npv(to_engine(case, lines))
    except FieldError as exc:
        raise invalid_input(exc) from None


def npv_histogram_svg(figures: CaseFigures) -> str:
    """The distribution of simulated NPV with P10/P50/P90 markers, as SVG."""
    sim = figures.simulation
    if sim is None:
        return ""
    return charts.histogram(
        sim.histogram_counts,
        sim.histogram_edges,
        markers=[("P10", sim.p10), ("P50", sim.p50), ("P90", sim.p90)],
        subtitle=f"{sim.runs:,} runs · P(NPV < 0) = {sim.probability_negative:.1%}",
    )


def stakeholder_grid_svg(stakeholders: list[Stakeholder]) -> str:
    """The power (influence) / interest grid of the register, as SVG."""
    points = [
        charts.Stakeholder(
            id=str(s.public_id), name=s.name, power=float(s.influence), interest=float(s.interest)
        )
        for s in stakeholders
    ]
    return charts.power_interest_grid(points, scale=(0.0, 10.0))


def figures_payload(figures: CaseFigures) -> dict[str, Any]:
    """The computed figures as plain data for the API."""
    result, sim = figures.result, figures.simulation
    if result is None or sim is None:
        return {"note": figures.note, "results": None, "simulation": None}
    return {
        "note": figures.note,
        "results": {
            "cash_flows": [str(v) for v in result.cash_flows],
            "total_costs": str(result.total_costs),
            "total_benefits": str(result.total_benefits),
            "npv": str(result.npv),
            "irr": result.irr,
            "irr_note": result.irr_note,
            "roi": result.roi,
            "roi_note": result.roi_note,
            "payback_periods": result.payback.periods,
            "payback_note": result.payback.explanation,
            "discounted_payback_periods": result.discounted_payback.periods,
            "discounted_payback_note": result.discounted_payback.explanation,
            "irr_rates": list(figures.assessment.rates) if figures.assessment else [],
            "irr_kind": figures.assessment.kind if figures.assessment else "none",
            "irr_warning": figures.assessment.warning if figures.assessment else None,
            "mirr": figures.mirr,
            "mirr_note": figures.mirr_note,
            "finance_rate": figures.finance_rate,
            "reinvest_rate": figures.reinvest_rate,
            "tornado": [
                {"name": b.name, "npv_low": str(b.npv_low), "npv_high": str(b.npv_high)}
                for b in figures.tornado
            ],
        },
        "simulation": {
            "runs": sim.runs,
            "seed": figures.seed,
            "mean": str(sim.mean),
            "p10": str(sim.p10),
            "p50": str(sim.p50),
            "p90": str(sim.p90),
            "probability_negative": sim.probability_negative,
            "correlation": figures.correlation,
            "rate_low": figures.rate_low,
            "rate_high": figures.rate_high,
            "histogram_counts": list(sim.histogram_counts),
            "histogram_edges": list(sim.histogram_edges),
        },
    }
