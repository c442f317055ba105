"""Models of keystage.quality, one module per record kind."""

from keystage.quality.models.defects import Defect, DefectStatus, Severity
from keystage.quality.models.plan import Criterion, Method
from keystage.quality.models.sign_offs import CriterionResult, Decision, SignOff
from keystage.quality.models.test_runs import TestRun

__all__ = [
    "Criterion",
    "CriterionResult",
    "Decision",
    "Defect",
    "DefectStatus",
    "Method",
    "Severity",
    "SignOff",
    "TestRun",
]
