"""The go/no-go checklist of the Planning gate (the gate to execution), registered in ``apps``.

Execution is measured against a baseline and spends a released budget, so a 'go' needs
both; the sponsor can still decide with an override reason.
"""

from __future__ import annotations

from django.utils import timezone

from keystage.planning.models import Baseline
from keystage.planning.selectors.budget import cost_plan
from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project


def planning_checklist(project: Project) -> list[GateCheckItem]:
    """A baseline exists; the budget is set."""
    latest = Baseline.objects.filter(project=project).order_by("-number").first()
    plan = cost_plan(project=project)
    if latest is None:
        baseline_detail = "capture one on the Baselines tab"
    else:
        baseline_detail = f"baseline {latest.number} '{latest.name}'"
    if plan.is_set and plan.budget is not None and plan.budget.set_at is not None:
        when = timezone.localtime(plan.budget.set_at)
        budget_detail = f"cost baseline {plan.cost_baseline:,.2f}, set {when:%d %b %Y}"
    else:
        budget_detail = "the project manager sets it on the Budget tab"
    return [
        GateCheckItem("baseline", "A baseline exists", latest is not None, baseline_detail),
        GateCheckItem("budget", "The budget is set", plan.is_set, budget_detail),
    ]
