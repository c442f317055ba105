"""A simulation's result as the JSON a run stores (and the API and pages read).

Durations are reported in working days of the project calendar, dates as ISO dates
(the finish's calendar day), money rounded to cents.
"""

from __future__ import annotations

from typing import Any

from keystage.engine.risk import PERCENTS, RiskResult
from keystage.risks.engine import SimulationInput

CRITICALITY_ROWS = 50


def outcome(result: RiskResult, data: SimulationInput, seed: int) -> dict[str, Any]:
    """The stored result: P-values, distributions, probabilities, criticality, tornado."""
    mpd = data.minutes_per_day

    def days(minutes: float) -> float:
        return round(minutes / mpd, 2)

    def money(value: float) -> float:
        return round(value, 2)

    finish, cost = result.finish, result.cost
    criticality = sorted(
        result.criticality, key=lambda c: (-c.index, data.names.get(c.task_id, ""))
    )
    return {
        "runs": result.runs,
        "seed": seed,
        "start": result.start.date().isoformat(),
        "finish": {
            "mean_days": days(finish.mean),
            "std_days": days(finish.std),
            "percentiles": [
                {
                    "p": p,
                    "date": result.finish_dates[p].date().isoformat(),
                    "days": days(finish.percentiles[p]),
                }
                for p in PERCENTS
            ],
            "planned": result.deterministic_finish.date().isoformat(),
            "planned_days": days(result.deterministic_minutes),
            "baseline": result.baseline_finish.date().isoformat()
            if result.baseline_finish
            else None,
            "baseline_days": (
                days(result.baseline_minutes) if result.baseline_minutes is not None else None
            ),
            "probability_by_baseline": result.p_baseline,
            "histogram": {
                "edges_days": [days(e) for e in finish.edges],
                "edges": [d.date().isoformat() for d in result.edge_dates],
                "counts": list(finish.counts),
            },
            "curve_days": [days(v) for v in finish.curve],
            "curve": [d.date().isoformat() for d in result.curve_dates],
        },
        "cost": {
            "mean": money(cost.mean),
            "std": money(cost.std),
            "percentiles": [{"p": p, "amount": money(cost.percentiles[p])} for p in PERCENTS],
            "planned": money(result.deterministic_cost),
            "budget": money(result.budget) if result.budget is not None else None,
            "probability_within_budget": result.p_budget,
            "histogram": {"edges": [money(e) for e in cost.edges], "counts": list(cost.counts)},
            "curve": [money(v) for v in cost.curve],
            "duration_driven": str(data.variable_cost),
            "planned_total": str(data.planned_cost),
        },
        "criticality": [
            {
                "task": c.task_id,
                "name": data.names.get(c.task_id, c.task_id),
                "index": round(c.index, 4),
                "mean_days": days(c.mean_duration),
            }
            for c in criticality[:CRITICALITY_ROWS]
        ],
        "tornado": [
            {
                "key": d.key,
                "kind": d.kind,
                "name": data.names.get(d.key, d.key),
                "correlation": round(d.correlation, 4),
                "low_days": days(d.low_p50),
                "high_days": days(d.high_p50),
            }
            for d in result.tornado
        ],
        "risks": [
            {"key": k, "occurred": round(v, 4)} for k, v in sorted(result.occurrence.items())
        ],
        "inputs": {
            "estimated_tasks": data.estimated,
            "default_spread_tasks": data.defaulted,
            "risk_events": len(data.model.events),
        },
    }
