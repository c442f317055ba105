"""The KPIs Keystage measures: area, name in reasons, unit and what each means.

The key is the one the organisation's thresholds use (``engine.kpi.DEFAULT_THRESHOLDS``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class KpiSpec:
    """How one KPI is named, formatted and explained."""

    key: str
    area: str
    name: str
    unit: str = ""
    decimals: int = 2
    count: bool = False
    help: str = ""
    label: str = ""

    @property
    def title(self) -> str:
        """The KPI's name in a table or form."""
        return self.label or self.name[:1].upper() + self.name[1:]


AREAS = {
    "time": "Time",
    "cost": "Cost",
    "scope": "Scope",
    "quality": "Quality",
    "risk": "Risk",
    "goals": "Goals",
}

CATALOGUE: dict[str, KpiSpec] = {
    spec.key: spec
    for spec in (
        KpiSpec(
            "spi_t",
            "time",
            "SPI(t)",
            help="Schedule performance index from earned schedule: ES ÷ actual time.",
        ),
        KpiSpec(
            "finish_slip",
            "time",
            "Forecast finish slip",
            unit="working days",
            decimals=0,
            help="Working days from the baseline finish to the forecast finish (negative: ahead).",
        ),
        KpiSpec(
            "milestones_late",
            "time",
            "milestones late",
            decimals=0,
            count=True,
            help="Milestones not done by their baseline finish (or deadline), or done after it.",
        ),
        KpiSpec("cpi", "cost", "CPI", help="Cost performance index: EV ÷ AC."),
        KpiSpec(
            "eac_overrun",
            "cost",
            "EAC over budget",
            unit="%",
            decimals=1,
            help="Estimate at completion above the budget at completion, in % of it.",
        ),
        KpiSpec(
            "deliverables_accepted",
            "scope",
            "Deliverables accepted",
            unit="%",
            decimals=0,
            help="Share of the deliverables due by the status date that are accepted.",
        ),
        KpiSpec(
            "scope_changes",
            "scope",
            "scope changes",
            decimals=0,
            count=True,
            help="Deliverables and in/out-of-scope items added or removed since the first "
            "baseline, and change requests approved by the sponsor.",
        ),
        KpiSpec(
            "deliverables_rejected_late",
            "quality",
            "deliverables rejected or late",
            decimals=0,
            count=True,
            help="Deliverables rejected, or past due and neither accepted nor rejected.",
        ),
        KpiSpec(
            "risk_exposure",
            "risk",
            "high risks open",
            decimals=0,
            count=True,
            help="Open risks rated high (from the risk register).",
        ),
        KpiSpec(
            "goal_behind",
            "goals",
            "Goal behind schedule",
            unit="points",
            decimals=0,
            help="Percentage points a goal's progress lags the share of time elapsed to its "
            "due date (0 when achieved or ahead).",
        ),
    )
}
