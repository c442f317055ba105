"""The go/no-go checklist of the Planning gate (the gate to execution), registered in ``apps``.

Execution is measured against a baseline and spends a released budget, so a 'go' needs
both; the sponsor can still decide with an override reason. The budget item comes from
``keystage.costs`` (registered by that app).
"""

from __future__ import annotations

from keystage.planning.models import Baseline
from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project


def planning_checklist(project: Project) -> list[GateCheckItem]:
    """A baseline exists (one small read: the overview shows this)."""
    latest = Baseline.objects.filter(project=project).order_by("-number").first()
    if latest is None:
        baseline_detail = "capture one on the Baselines tab"
    else:
        baseline_detail = f"baseline {latest.number} '{latest.name}', cost {latest.cost:,.2f}"
    return [GateCheckItem("baseline", "A baseline exists", latest is not None, baseline_detail)]
