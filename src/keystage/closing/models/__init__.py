"""Models of keystage.closing, one module per record kind."""

from keystage.closing.models.final_report import BudgetReconciliation, FinalBudget, FinalReport

__all__ = ["BudgetReconciliation", "FinalBudget", "FinalReport"]
