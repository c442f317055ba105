"""The go/no-go checklist of the Initiation gate (registered with the portfolio in ``apps``)."""

from __future__ import annotations

from keystage.accounts.roles import ProjectRole
from keystage.initiation.models import (
    BusinessCase,
    FeasibilityStudy,
    FlowKind,
    Proposal,
    Recommendation,
    Stakeholder,
)
from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project, ProjectMembership


def initiation_checklist(project: Project) -> list[GateCheckItem]:
    """Proposal, business case, feasibility, key stakeholders signed off, project manager."""
    has_proposal = Proposal.objects.filter(project=project).exists()
    case = BusinessCase.objects.filter(project=project).first()
    kinds = set(case.lines.values_list("kind", flat=True)) if case else set()
    study = FeasibilityStudy.objects.filter(project=project).only("recommendation").first()
    keys = list(Stakeholder.objects.filter(project=project, is_key=True))
    unsigned = [s.name for s in keys if not s.signed_off]
    has_pm = ProjectMembership.objects.filter(
        project=project, role=ProjectRole.PROJECT_MANAGER
    ).exists()
    if case is None:
        case_detail = "no business case yet"
    elif kinds != {FlowKind.COST, FlowKind.BENEFIT}:
        case_detail = "needs at least one cost and one benefit line"
    else:
        case_detail = "costs and benefits recorded"
    if study is None:
        study_detail = "no feasibility study yet"
    else:
        study_detail = f"recommendation: {Recommendation(study.recommendation).label.lower()}"
    if not keys:
        key_detail = "no key stakeholder identified"
    elif unsigned:
        key_detail = "awaiting " + ", ".join(unsigned[:5]) + ("…" if len(unsigned) > 5 else "")
    else:
        key_detail = f"{len(keys)} of {len(keys)} signed off"
    return [
        GateCheckItem(
            "proposal",
            "Project proposal",
            has_proposal,
            "" if has_proposal else "no proposal yet",
        ),
        GateCheckItem(
            "business_case",
            "Business case",
            case is not None and kinds == {FlowKind.COST, FlowKind.BENEFIT},
            case_detail,
        ),
        GateCheckItem("feasibility", "Feasibility study", study is not None, study_detail),
        GateCheckItem(
            "stakeholders",
            "Key stakeholders signed off",
            bool(keys) and not unsigned,
            key_detail,
        ),
        GateCheckItem(
            "project_manager",
            "Project manager assigned",
            has_pm,
            "" if has_pm else "assign one on the Members tab",
        ),
    ]
