"""The gate to Execution's item *risks identified*, registered in ``apps``.

Done when the register holds at least one risk and every live risk rated high on the
organisation's matrix has an owner and a response: a plan goes into execution knowing
its worst risks and who answers them.
"""

from __future__ import annotations

from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project
from keystage.risks.models import LIVE_STATUSES
from keystage.risks.selectors.register import positioned_risks

SHOWN = 5


def risks_checklist(project: Project) -> list[GateCheckItem]:
    """Risks identified: a register, and an owner and a response for each high risk."""
    risks = positioned_risks(project)
    if not risks:
        detail = "the risk register is empty: identify the risks (or carry them forward)"
        return [GateCheckItem("risks", "Risks identified", False, detail)]
    high = [r for r in risks if r.status in LIVE_STATUSES and r.before_at.rating == "high"]
    unanswered = [r for r in high if r.owner_id is None or r.residual is None]
    if unanswered:
        names = ", ".join(
            f"{r.key} ({'no owner' if r.owner_id is None else 'no response'})"
            for r in unanswered[:SHOWN]
        )
        more = f" and {len(unanswered) - SHOWN} more" if len(unanswered) > SHOWN else ""
        detail = (
            f"{len(unanswered)} of {len(high)} high risks lack an owner or a response: "
            f"{names}{more}"
        )
        return [GateCheckItem("risks", "Risks identified", False, detail)]
    detail = (
        f"{len(risks)} risks registered; every high risk ({len(high)}) has an owner and a response"
    )
    return [GateCheckItem("risks", "Risks identified", True, detail)]
