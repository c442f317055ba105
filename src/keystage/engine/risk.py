"""Monte Carlo schedule and cost risk over a network: the inputs' shape.

Data in, result out, like the rest of the engine: the adapter in
``keystage.risks.engine`` turns the plan, its three-point estimates and the risk
register into these frozen inputs; the simulation returns a typed result. Durations and
delays are in working minutes of the project calendar, money in the project currency.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ThreePoint:
    """A low / likely / high estimate: ``low <= likely <= high``."""

    low: float
    likely: float
    high: float

    def __post_init__(self) -> None:
        if not (self.low <= self.likely <= self.high):
            raise ValueError(
                f"a three-point estimate needs low <= likely <= high, "
                f"got {self.low}, {self.likely}, {self.high}"
            )


@dataclass(frozen=True)
class RiskEvent:
    """A register risk as the simulation sees it.

    In each run it occurs with ``probability``; when it does, each task in ``task_ids``
    takes ``delay`` more working minutes (one draw per run, shared by its tasks) and the
    project ``cost`` more money. ``key`` names it in results (``"RSK-3"``).
    """

    key: str
    probability: float
    task_ids: tuple[str, ...]
    delay: ThreePoint
    cost: ThreePoint

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"a probability lies in [0, 1], got {self.probability}")
