"""The Closing → Closed gate's quality item: every deliverable accepted by its sign-off."""

from __future__ import annotations

from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project
from keystage.quality.selectors.summary import quality_summary


def acceptance_checklist(project: Project) -> list[GateCheckItem]:
    """Each deliverable's latest sign-off accepts it (with or without conditions)."""
    rows = quality_summary(project=project).deliverables
    waiting = [d for d in rows if not d.accepted]
    conditional = sum(1 for d in rows if d.decision == "accepted_with_conditions")
    if not rows:
        detail, done = "no deliverables in the scope", False
    elif waiting:
        shown = ", ".join(f"{d.name} ({d.decision_label.lower()})" for d in waiting[:5])
        more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
        detail = f"{len(rows) - len(waiting)} of {len(rows)} accepted; waiting: {shown}{more}"
        done = False
    else:
        with_conditions = f", {conditional} with conditions" if conditional else ""
        detail, done = f"all {len(rows)} signed off as accepted{with_conditions}", True
    return [GateCheckItem("acceptance", "Deliverables accepted", done, detail)]
