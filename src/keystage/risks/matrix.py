"""The probability × impact matrix: bands, labels and the score of a risk.

Pure: no database. The organisation's stored rules (``models.RiskMatrixSet.rules``) are
laid over :data:`DEFAULT_RULES` by :func:`matrix_from_rules`, which refuses rules that
make no sense with a message per key. A risk's probability falls into one of five
probability levels, its likely schedule delay and likely cost each into one of five
impact levels (the worse of the two counts); score = probability level × impact level
(1 … 25), rated low, medium or high against two boundaries.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise
from typing import Any

LEVELS = 5

DEFAULT_RULES: dict[str, Any] = {
    # Upper bounds of levels 1-4 (inclusive); above the last is level 5.
    "probability_bounds": [0.1, 0.3, 0.5, 0.7],
    "schedule_bounds": [2, 5, 10, 20],
    "cost_bounds": [5000, 20000, 50000, 100000],
    "probability_labels": ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
    "impact_labels": ["Negligible", "Minor", "Moderate", "Major", "Severe"],
    # A score from medium_from is medium, from high_from high.
    "medium_from": 5,
    "high_from": 15,
}

RATINGS = ("low", "medium", "high")


class MatrixError(ValueError):
    """Rules that make no sense, with a message per key."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class Position:
    """Where a risk sits on the matrix."""

    probability_level: int
    impact_level: int
    score: int
    rating: str


@dataclass(frozen=True, slots=True)
class Matrix:
    """An organisation's matrix (the defaults unless it changed them)."""

    probability_bounds: tuple[float, ...]
    schedule_bounds: tuple[float, ...]
    cost_bounds: tuple[float, ...]
    probability_labels: tuple[str, ...]
    impact_labels: tuple[str, ...]
    medium_from: int
    high_from: int

    def rules(self) -> dict[str, Any]:
        """As a JSON-safe dict (the stored and API shape)."""
        return {
            "probability_bounds": list(self.probability_bounds),
            "schedule_bounds": list(self.schedule_bounds),
            "cost_bounds": list(self.cost_bounds),
            "probability_labels": list(self.probability_labels),
            "impact_labels": list(self.impact_labels),
            "medium_from": self.medium_from,
            "high_from": self.high_from,
        }

    @staticmethod
    def _level(bounds: Sequence[float], value: float) -> int:
        return bisect_left(list(bounds), value) + 1

    def probability_level(self, probability: float | Decimal) -> int:
        """1 … 5 for a probability in [0, 1]."""
        return self._level(self.probability_bounds, float(probability))

    def impact_level(self, schedule_days: float | Decimal, cost: float | Decimal) -> int:
        """1 … 5: the worse of the schedule (working days) and cost levels."""
        return max(
            self._level(self.schedule_bounds, float(schedule_days)),
            self._level(self.cost_bounds, float(cost)),
        )

    def rating(self, score: int) -> str:
        """low, medium or high."""
        if score >= self.high_from:
            return "high"
        return "medium" if score >= self.medium_from else "low"

    def position(
        self, probability: float | Decimal, schedule_days: float | Decimal, cost: float | Decimal
    ) -> Position:
        """The cell, score and rating of a probability and likely impacts."""
        p = self.probability_level(probability)
        i = self.impact_level(schedule_days, cost)
        return Position(p, i, p * i, self.rating(p * i))


def _numbers(value: Any, key: str, errors: dict[str, str], *, top: float | None) -> list[float]:
    if not isinstance(value, list) or len(value) != LEVELS - 1:
        errors[key] = f"Give {LEVELS - 1} boundaries, lowest first."
        return []
    try:
        numbers = [float(v) for v in value if not isinstance(v, bool)]
    except (TypeError, ValueError):
        numbers = []
    if len(numbers) != LEVELS - 1 or any(
        n != n or n in (float("inf"), float("-inf")) for n in numbers
    ):
        errors[key] = "Give numbers only."
        return []
    if any(b <= a for a, b in pairwise(numbers)):
        errors[key] = "Each boundary is above the one before."
    elif numbers[0] <= 0:
        errors[key] = "The boundaries are above zero."
    elif top is not None and numbers[-1] >= top:
        errors[key] = f"The boundaries lie below {top:g}."
    return numbers


def _labels(value: Any, key: str, errors: dict[str, str]) -> list[str]:
    if (
        not isinstance(value, list)
        or len(value) != LEVELS
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        errors[key] = f"Give {LEVELS} labels, lowest first."
        return []
    if any(len(v) > 40 for v in value):
        errors[key] = "A label has at most 40 characters."
    return [" ".join(v.split()) for v in value]


def matrix_from_rules(rules: dict[str, Any] | None) -> Matrix:
    """The defaults overlaid with ``rules``; :class:`MatrixError` when they make no sense."""
    if rules is not None and not isinstance(rules, dict):
        raise MatrixError({"rules": "Give an object."})
    merged = {**DEFAULT_RULES, **(rules or {})}
    errors: dict[str, str] = {
        key: "Not a setting of the matrix." for key in merged if key not in DEFAULT_RULES
    }
    probability = _numbers(merged["probability_bounds"], "probability_bounds", errors, top=1)
    schedule = _numbers(merged["schedule_bounds"], "schedule_bounds", errors, top=None)
    cost = _numbers(merged["cost_bounds"], "cost_bounds", errors, top=None)
    p_labels = _labels(merged["probability_labels"], "probability_labels", errors)
    i_labels = _labels(merged["impact_labels"], "impact_labels", errors)
    bounds = {}
    for key in ("medium_from", "high_from"):
        value = merged[key]
        if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 25:
            errors[key] = "Give a whole score from 2 to 25."
        bounds[key] = value
    if (
        "medium_from" not in errors
        and "high_from" not in errors
        and bounds["high_from"] <= bounds["medium_from"]
    ):
        errors["high_from"] = "High starts above medium."
    if errors:
        raise MatrixError(errors)
    return Matrix(
        tuple(probability),
        tuple(schedule),
        tuple(cost),
        tuple(p_labels),
        tuple(i_labels),
        int(bounds["medium_from"]),
        int(bounds["high_from"]),
    )


DEFAULT_MATRIX = matrix_from_rules(None)
