"""The go/no-go checklist of the Planning gate (the gate to execution), registered in ``apps``.

Execution is measured against a baseline and spends a released budget, so a 'go' needs
both; the sponsor can still decide with an override reason.
"""

from __future__ import annotations

from django.utils import timezone

from keystage.planning.models import Baseline, ProjectBudget
from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project


def planning_checklist(project: Project) -> list[GateCheckItem]:
    """A baseline exists; the budget is set (two small reads: the overview shows this)."""
    latest = Baseline.objects.filter(project=project).order_by("-number").first()
    set_at = ProjectBudget.objects.filter(project=project).values_list("set_at", flat=True).first()
    if latest is None:
        baseline_detail = "capture one on the Baselines tab"
    else:
        baseline_detail = f"baseline {latest.number} '{latest.name}', cost {latest.cost:,.2f}"
    if set_at is not None:
        budget_detail = f"set {timezone.localtime(set_at):%d %b %Y}"
    else:
        budget_detail = "the project manager sets it on the Budget tab"
    return [
        GateCheckItem("baseline", "A baseline exists", latest is not None, baseline_detail),
        GateCheckItem("budget", "The budget is set", set_at is not None, budget_detail),
    ]
