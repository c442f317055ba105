"""Where each risk sits on the organisation's matrix, before and after its responses.

A risk's *residual* position is the one its latest response states (each response says
where the risk stands once it and the ones before it are carried out); without a response
it stays where it is. The register page, the API, the heat map, the KPIs and the
simulation read risks through :func:`with_positions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from keystage.risks.matrix import Matrix, Position
from keystage.risks.models import Risk, RiskResponse


@dataclass(frozen=True, slots=True)
class Assessment:
    """Probability and three-point impacts (schedule in working days, cost in money)."""

    probability: Decimal
    schedule: tuple[Decimal, Decimal, Decimal]
    cost: tuple[Decimal, Decimal, Decimal]

    @property
    def exposure(self) -> Decimal:
        """Probability × expected cost (PERT mean of low / likely / high)."""
        low, likely, high = self.cost
        return (self.probability * (low + 4 * likely + high) / 6).quantize(Decimal("0.01"))

    @property
    def expected_days(self) -> Decimal:
        """Probability × expected delay in working days (PERT mean)."""
        low, likely, high = self.schedule
        return (self.probability * (low + 4 * likely + high) / 6).quantize(Decimal("0.1"))


def assessment(record: Risk | RiskResponse) -> Assessment:
    """The probability and impacts a risk (or a response's residual) states."""
    return Assessment(
        record.probability,
        (record.schedule_low, record.schedule_likely, record.schedule_high),
        (record.cost_low, record.cost_likely, record.cost_high),
    )


def position(matrix: Matrix, found: Assessment) -> Position:
    """The matrix cell of an assessment (likely impacts)."""
    return matrix.position(found.probability, found.schedule[1], found.cost[1])


def latest_response(risk: Risk) -> RiskResponse | None:
    """The response stating the risk's residual position (the last added), if any.

    Reads ``risk.responses.all()``: prefetch them for a list.
    """
    responses = list(risk.responses.all())
    return max(responses, key=lambda r: (r.created_at, r.pk)) if responses else None


def with_positions[R: Iterable[Risk]](risks: R, matrix: Matrix) -> R:
    """Give each risk ``before`` / ``after`` (:class:`Assessment`), ``before_at`` /
    ``after_at`` (:class:`Position`) and ``residual`` (the latest response or None)."""
    for risk in risks:
        attach(risk, matrix)
    return risks


def attach(risk: Any, matrix: Matrix) -> Any:
    """:func:`with_positions` for one risk."""
    risk.residual = latest_response(risk)
    risk.before = assessment(risk)
    risk.after = assessment(risk.residual) if risk.residual is not None else risk.before
    risk.before_at = position(matrix, risk.before)
    risk.after_at = position(matrix, risk.after)
    return risk
