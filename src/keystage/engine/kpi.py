"""Key performance indicators with red / amber / green (RAG): pure rules, no Django.

A KPI is a measured value with a direction (higher or lower is better) and two
boundaries set by the organisation:

* higher is better: **green** when ``value ≥ green``, **amber** when ``value ≥ amber``,
  **red** below;
* lower is better: **green** when ``value ≤ green``, **amber** when ``value ≤ amber``,
  **red** above.

A value of ``None`` is **not measured**: the KPI carries the reason (no baseline, no
earned value yet, no risk register …) and never raises.

**Project health** is the worst RAG among the measured KPIs (red over amber over
green); KPIs not measured do not count, so a project is never red for lack of data.
When no KPI is measured the health is *not measured*. Its reasons are the reasons of
the KPIs at that worst level, in the order given.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "DEFAULT_THRESHOLDS",
    "Direction",
    "Health",
    "KpiInput",
    "KpiResult",
    "Rag",
    "ThresholdError",
    "Thresholds",
    "crossed_into_warning",
    "evaluate",
    "evaluate_all",
    "format_value",
    "health",
    "thresholds_from_dict",
    "working_days_between",
]


class Direction(StrEnum):
    """Which way a KPI's value improves."""

    HIGHER = "higher"
    LOWER = "lower"


class Rag(StrEnum):
    """A KPI's verdict. ``severity`` orders them: not measured counts as no warning."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NOT_MEASURED = "not_measured"

    @property
    def severity(self) -> int:
        """0 for green and not measured, 1 for amber, 2 for red."""
        return {"green": 0, "not_measured": 0, "amber": 1, "red": 2}[self.value]

    @property
    def label(self) -> str:
        """The verdict in words, for pages and messages."""
        return {
            "green": "Green",
            "amber": "Amber",
            "red": "Red",
            "not_measured": "Not measured",
        }[self.value]


class ThresholdError(ValueError):
    """Boundaries that contradict the direction; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The green and amber boundaries of one KPI (see the module docstring)."""

    direction: Direction
    green: float
    amber: float

    def __post_init__(self) -> None:
        for name in ("green", "amber"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ThresholdError(name, "Give a finite number.")
        if self.direction is Direction.HIGHER and self.amber > self.green:
            raise ThresholdError(
                "amber", "When higher is better, amber's boundary cannot be above green's."
            )
        if self.direction is Direction.LOWER and self.amber < self.green:
            raise ThresholdError(
                "amber", "When lower is better, amber's boundary cannot be below green's."
            )


#: The defaults an organisation starts with: key → (direction, green, amber).
DEFAULT_THRESHOLDS: dict[str, Thresholds] = {
    "spi_t": Thresholds(Direction.HIGHER, 0.95, 0.90),
    "finish_slip": Thresholds(Direction.LOWER, 0, 10),
    "milestones_late": Thresholds(Direction.LOWER, 0, 1),
    "cpi": Thresholds(Direction.HIGHER, 0.95, 0.90),
    "eac_overrun": Thresholds(Direction.LOWER, 0, 5),
    "deliverables_accepted": Thresholds(Direction.HIGHER, 100, 80),
    "scope_changes": Thresholds(Direction.LOWER, 2, 5),
    "deliverables_rejected_late": Thresholds(Direction.LOWER, 0, 1),
    "critical_defects_open": Thresholds(Direction.LOWER, 0, 0),
    "defects_open": Thresholds(Direction.LOWER, 5, 15),
    "test_pass_rate": Thresholds(Direction.HIGHER, 95, 85),
    "risk_exposure": Thresholds(Direction.LOWER, 0, 2),
    "risk_responses_overdue": Thresholds(Direction.LOWER, 0, 2),
    "risk_exposure_contingency": Thresholds(Direction.LOWER, 80, 100),
    "goal_behind": Thresholds(Direction.LOWER, 10, 25),
}


def thresholds_from_dict(
    rules: dict[str, dict[str, float]] | None,
) -> dict[str, Thresholds]:
    """The defaults overlaid with an organisation's ``{key: {"green": g, "amber": a}}``.

    The direction of each KPI is fixed by the KPI, never by the organisation; unknown
    keys raise :class:`ThresholdError`, as do boundaries that contradict the direction.
    """
    merged = dict(DEFAULT_THRESHOLDS)
    for key, bounds in (rules or {}).items():
        if key not in DEFAULT_THRESHOLDS:
            raise ThresholdError(key, "Not a KPI.")
        default = DEFAULT_THRESHOLDS[key]
        try:
            green = float(bounds.get("green", default.green))
            amber = float(bounds.get("amber", default.amber))
        except (TypeError, ValueError, AttributeError):
            raise ThresholdError(key, "Give numbers for green and amber.") from None
        try:
            merged[key] = Thresholds(default.direction, green, amber)
        except ThresholdError as exc:
            raise ThresholdError(key, exc.message) from None
    return merged


@dataclass(frozen=True, slots=True)
class KpiInput:
    """One KPI to evaluate.

    ``name`` names it in the reason ("CPI"); with ``count`` the value comes first
    ("3 milestones late"). ``decimals`` and ``unit`` format the value ("0.87", "12 %",
    "4 working days"). ``missing`` says why a ``None`` value is not measured; ``detail``
    is appended to the reason in brackets (e.g. the figures behind a ratio); ``label``
    names the KPI in a table (default: ``name``).
    """

    key: str
    area: str
    name: str
    value: float | None
    thresholds: Thresholds
    unit: str = ""
    decimals: int = 2
    count: bool = False
    missing: str = ""
    detail: str = ""
    threshold_key: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class KpiResult:
    """A KPI's verdict with the sentence that explains it."""

    key: str
    area: str
    name: str
    value: float | None
    value_text: str
    unit: str
    direction: Direction
    thresholds: Thresholds
    threshold_text: str
    rag: Rag
    reason: str
    threshold_key: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class Health:
    """The project's health: the worst measured KPI, with the reasons at that level."""

    rag: Rag
    reasons: tuple[str, ...] = field(default_factory=tuple)


def format_value(value: float, decimals: int, unit: str = "") -> str:
    """``0.8712`` → ``"0.87"``; with a unit ``"12 %"`` or ``"4 working days"``."""
    text = f"{round(value):d}" if decimals <= 0 else f"{value:.{decimals}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    return f"{text} {unit}" if unit else text


def _phrase(kpi: KpiInput, value_text: str, op: str, bound: float) -> str:
    bound_text = format_value(bound, kpi.decimals, kpi.unit)
    if kpi.count:
        return f"{value_text} {kpi.name} {op} {bound_text}"
    return f"{kpi.name} {value_text} {op} {bound_text}"


def threshold_text(thresholds: Thresholds, decimals: int = 2, unit: str = "") -> str:
    """The boundaries in words: "green ≥ 0.95, amber ≥ 0.90, red below"."""
    g = format_value(thresholds.green, decimals, unit)
    a = format_value(thresholds.amber, decimals, unit)
    if thresholds.direction is Direction.HIGHER:
        return f"green ≥ {g}, amber ≥ {a}, red below"
    return f"green ≤ {g}, amber ≤ {a}, red above"


def evaluate(kpi: KpiInput) -> KpiResult:
    """The RAG of one KPI and the reason in words ("CPI 0.87 < 0.90")."""
    t = kpi.thresholds
    limits = threshold_text(t, kpi.decimals, kpi.unit)
    value = kpi.value
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        reason = f"{kpi.label or kpi.name}: not measured — {kpi.missing or 'no figure yet'}"
        return KpiResult(
            kpi.key, kpi.area, kpi.name, None, "—", kpi.unit, t.direction, t, limits,
            Rag.NOT_MEASURED, reason, kpi.threshold_key or kpi.key, kpi.label or kpi.name,
        )  # fmt: skip
    value = float(value)
    value_text = format_value(value, kpi.decimals, kpi.unit)
    # Compare what is shown: 0.8951 shows as 0.90 and must not read "0.90 < 0.90".
    shown = round(value, max(kpi.decimals, 0))
    if t.direction is Direction.HIGHER:
        if shown >= t.green:
            rag, reason = Rag.GREEN, _phrase(kpi, value_text, "≥", t.green)
        elif shown >= t.amber:
            rag, reason = Rag.AMBER, _phrase(kpi, value_text, "<", t.green)
        else:
            rag, reason = Rag.RED, _phrase(kpi, value_text, "<", t.amber)
    elif shown <= t.green:
        rag, reason = Rag.GREEN, _phrase(kpi, value_text, "≤", t.green)
    elif shown <= t.amber:
        rag, reason = Rag.AMBER, _phrase(kpi, value_text, ">", t.green)
    else:
        rag, reason = Rag.RED, _phrase(kpi, value_text, ">", t.amber)
    if kpi.detail:
        reason = f"{reason} ({kpi.detail})"
    return KpiResult(
        kpi.key, kpi.area, kpi.name, value, value_text, kpi.unit, t.direction, t, limits,
        rag, reason, kpi.threshold_key or kpi.key, kpi.label or kpi.name,
    )  # fmt: skip


def evaluate_all(kpis: Sequence[KpiInput]) -> list[KpiResult]:
    """Every KPI's verdict, in the order given."""
    return [evaluate(kpi) for kpi in kpis]


def health(results: Sequence[KpiResult]) -> Health:
    """The worst RAG among measured KPIs and the reasons at that level (module docstring)."""
    measured = [r for r in results if r.rag is not Rag.NOT_MEASURED]
    if not measured:
        return Health(Rag.NOT_MEASURED, ("No KPI can be measured yet.",))
    worst = max(r.rag.severity for r in measured)
    at_worst = [r for r in measured if r.rag.severity == worst]
    if worst == 0:
        return Health(Rag.GREEN, ("Every measured KPI is within its green threshold.",))
    return Health(at_worst[0].rag, tuple(r.reason for r in at_worst))


def crossed_into_warning(before: Rag | None, after: Rag) -> bool:
    """Whether moving from ``before`` to ``after`` crosses into amber or red from a better
    level (no earlier verdict counts as green): green → amber, green/amber → red."""
    previous = before.severity if before is not None else 0
    return after.severity >= 1 and after.severity > previous


def working_days_between(
    start: date,
    end: date,
    *,
    weekdays: str = "12345",
    holidays: Sequence[tuple[date, date]] = (),
) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is
    earlier (then the days after ``end`` up to ``start``). ``weekdays`` lists the working
    ISO weekdays as digits (Monday = 1); ``holidays`` are inclusive date ranges off work."""
    if end == start:
        return 0
    sign, lo, hi = (1, start, end) if end > start else (-1, end, start)
    count = 0
    day = lo + timedelta(days=1)
    while day <= hi:
        if str(day.isoweekday()) in weekdays and not any(a <= day <= b for a, b in holidays):
            count += 1
        day += timedelta(days=1)
    return sign * count
