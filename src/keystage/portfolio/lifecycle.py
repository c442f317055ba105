"""The five key stages and the gate rules between them.

Monitoring & control is not a step in the sequence: it runs in parallel from
Planning until the project is closed.
"""

from __future__ import annotations

from django.db import models


class ProjectKind(models.TextChoices):
    """The kinds of IT project the product is built for."""

    SOFTWARE_DEVELOPMENT = "software_development", "Software development"
    HARDWARE_INSTALLATION = "hardware_installation", "Hardware installation"
    NETWORK_UPGRADE = "network_upgrade", "Network upgrade"
    CLOUD_COMPUTING = "cloud_computing", "Cloud computing"
    IT_IMPLEMENTATION = "it_implementation", "IT implementation"
    BUSINESS_ANALYTICS = "business_analytics", "Business analytics"
    DATA_MANAGEMENT = "data_management", "Data management"
    OTHER = "other", "Other"


class Stage(models.TextChoices):
    """Where a project stands in its life cycle."""

    INITIATION = "initiation", "Initiation"
    PLANNING = "planning", "Planning"
    EXECUTION = "execution", "Execution"
    CLOSING = "closing", "Closing"
    CLOSED = "closed", "Closed"


class ProjectStatus(models.TextChoices):
    """Whether work goes on within the current stage."""

    ACTIVE = "active", "Active"
    ON_HOLD = "on_hold", "On hold"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"


class GateOutcome(models.TextChoices):
    """The decision taken at a stage gate."""

    GO = "go", "Go"
    NO_GO = "no_go", "No-go"
    HOLD = "hold", "Hold"
    RECYCLE = "recycle", "Recycle"


STAGE_ORDER: tuple[str, ...] = (
    Stage.INITIATION,
    Stage.PLANNING,
    Stage.EXECUTION,
    Stage.CLOSING,
    Stage.CLOSED,
)
MONITORING_STAGES = frozenset({Stage.PLANNING, Stage.EXECUTION, Stage.CLOSING})

GATE_DESCRIPTIONS: dict[str, str] = {
    Stage.PLANNING: "Green light: the business case and charter justify planning the project.",
    Stage.EXECUTION: "The plan is approved: scope, schedule, budget and team are set.",
    Stage.CLOSING: "The deliverables are complete and ready for hand-over.",
    Stage.CLOSED: "Hand-over, review and final report are done; archive the project.",
}


def next_stage(stage: str) -> str | None:
    """The stage a 'go' at this stage's gate leads to (None when closed)."""
    index = STAGE_ORDER.index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def monitoring_active(stage: str, status: str) -> bool:
    """Monitoring & control runs from Planning until the project is closed or cancelled."""
    return stage in MONITORING_STAGES and status != ProjectStatus.CANCELLED


def gate_result(stage: str, outcome: str) -> tuple[str, str]:
    """The (stage, status) a project has after a gate decision at ``stage``."""
    target = next_stage(stage)
    if outcome == GateOutcome.GO and target is not None:
        return target, ProjectStatus.COMPLETED if target == Stage.CLOSED else ProjectStatus.ACTIVE
    if outcome == GateOutcome.NO_GO:
        return Stage.CLOSED, ProjectStatus.CANCELLED
    if outcome == GateOutcome.HOLD:
        return stage, ProjectStatus.ON_HOLD
    return stage, ProjectStatus.ACTIVE
