"""The go/no-go checklist of the Initiation gate (registered with the portfolio in ``apps``)."""

from __future__ import annotations

from django.utils import timezone

from keystage.accounts.roles import ProjectRole
from keystage.initiation.charter.models import CharterVersion
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
    # A study that advises against the project is not a reason to go: it stays missing
    # (the sponsor may still pass the gate with an override reason, on the record).
    study_done = study is not None and study.recommendation != Recommendation.DO_NOT_PROCEED
    if study is None:
        study_detail = "no feasibility study yet"
    elif not study_done:
        study_detail = "the study recommends not to proceed"
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
        GateCheckItem("feasibility", "Feasibility study", study_done, study_detail),
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


def charter_checklist(project: Project) -> list[GateCheckItem]:
    """The gate to Execution: a charter has been issued (a generated, numbered version)."""
    latest = (
        CharterVersion.objects.filter(project=project)
        .order_by("-number")
        .values_list("number", "generated_at")
        .first()
    )
    if latest is None:
        return [GateCheckItem("charter", "Charter issued", False, "generate it on the Charter tab")]
    number, at = latest
    return [
        GateCheckItem(
            "charter",
            "Charter issued",
            True,
            f"version {number} of {timezone.localtime(at):%d %b %Y}",
        )
    ]
