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
            "critical_defects_open",
            "quality",
            "critical defects open",
            decimals=0,
            count=True,
            help="Critical defects open, in progress, or fixed but not yet verified.",
        ),
        KpiSpec(
            "defects_open",
            "quality",
            "defects open",
            decimals=0,
            count=True,
            help="Defects of any severity open, in progress, or fixed but not yet verified.",
        ),
        KpiSpec(
            "test_pass_rate",
            "quality",
            "Test pass rate",
            unit="%",
            decimals=1,
            help="Cases passed ÷ cases run, over each deliverable's latest test run.",
        ),
        KpiSpec(
            "risk_exposure",
            "risk",
            "high risks open",
            decimals=0,
            count=True,
            help="Open or mitigating risks rated high on the organisation's risk matrix "
            "(before their responses).",
        ),
        KpiSpec(
            "risk_responses_overdue",
            "risk",
            "risk responses overdue",
            decimals=0,
            count=True,
            help="Responses to open risks past their due date and not done.",
        ),
        KpiSpec(
            "risk_exposure_contingency",
            "risk",
            "Risk exposure against contingency",
            unit="%",
            decimals=0,
            help="Σ probability × expected cost impact of the open risks, after their "
            "responses, in % of the contingency in the cost baseline.",
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
