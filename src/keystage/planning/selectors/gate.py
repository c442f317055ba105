"""The go/no-go checklist of the Planning gate (the gate to execution), registered in ``apps``.

Execution is measured against a baseline and spends a released budget, so a 'go' needs
both; the sponsor can still decide with an override reason. The budget item comes from
``keystage.costs`` (registered by that app).
"""

from __future__ import annotations

from keystage.planning.models import Baseline, Deliverable
from keystage.planning.models.scope import DeliverableStatus
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


# What "submitted" means at the gate to Closing: handed to the customer for acceptance
# (accepted ones passed it already). Planned, in progress and rejected ones are still open.
HANDED_OVER = frozenset({DeliverableStatus.SUBMITTED, DeliverableStatus.ACCEPTED})


def deliverables_checklist(project: Project) -> list[GateCheckItem]:
    """The gate to Closing: every deliverable is submitted for acceptance (or accepted)."""
    rows = list(Deliverable.objects.filter(project=project).values_list("name", "status"))
    open_ = [(name, status) for name, status in rows if status not in HANDED_OVER]
    if not rows:
        detail, done = "no deliverables in the scope; add them on the Scope tab", False
    elif open_:
        shown = ", ".join(
            f"{name} ({DeliverableStatus(status).label.lower()})" for name, status in open_[:5]
        )
        more = f" and {len(open_) - 5} more" if len(open_) > 5 else ""
        detail = f"{len(rows) - len(open_)} of {len(rows)} submitted; still open: {shown}{more}"
        done = False
    else:
        detail, done = f"all {len(rows)} submitted for acceptance or accepted", True
    return [GateCheckItem("deliverables", "Deliverables submitted", done, detail)]
