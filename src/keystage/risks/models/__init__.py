"""Models of keystage.risks, one module per record kind."""

from keystage.risks.models.issues import OPEN_ISSUE_STATUSES, Issue, IssueStatus, Severity
from keystage.risks.models.matrix import RiskMatrixSet
from keystage.risks.models.register import (
    LIVE_STATUSES,
    ResponseStatus,
    Risk,
    RiskCategory,
    RiskResponse,
    RiskSource,
    RiskStatus,
    Strategy,
)
from keystage.risks.models.simulation import (
    Distribution,
    SimulationRun,
    SimulationSettings,
    TaskEstimate,
)

__all__ = [
    "LIVE_STATUSES",
    "OPEN_ISSUE_STATUSES",
    "Distribution",
    "Issue",
    "IssueStatus",
    "ResponseStatus",
    "Risk",
    "RiskCategory",
    "RiskMatrixSet",
    "RiskResponse",
    "RiskSource",
    "RiskStatus",
    "Severity",
    "SimulationRun",
    "SimulationSettings",
    "Strategy",
    "TaskEstimate",
]
