"""Models of keystage.closing, one module per record kind."""

from keystage.closing.models.final_report import BudgetReconciliation, FinalBudget, FinalReport
from keystage.closing.models.handover import (
    ClosingFile,
    FileTopic,
    Handover,
    HandoverItem,
    SupportModel,
)
from keystage.closing.models.review import Lesson, LessonCategory, Review
from keystage.closing.models.training import TrainingAttendance, TrainingPlan, TrainingSession

__all__ = [
    "BudgetReconciliation",
    "ClosingFile",
    "FileTopic",
    "FinalBudget",
    "FinalReport",
    "Handover",
    "HandoverItem",
    "Lesson",
    "LessonCategory",
    "Review",
    "SupportModel",
    "TrainingAttendance",
    "TrainingPlan",
    "TrainingSession",
]
