"""The intake queue: any member submits a project idea; the PMO ranks, asks, rejects or
promotes it to a project in Initiation, whose proposal it then fills.

Who sees what (the one rule for pages and API, ``intake_visible_to``): administrators and
portfolio owners see every proposal of their organisation; everyone else only their own.
Every write is versioned and journaled (without a project until one exists); the submitter
is told of each decision through ``notifications.notify``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from keystage.accounts.models import User
from keystage.core import records
from keystage.core.audit import audit_record
from keystage.core.errors import Forbidden, InvalidInput
from keystage.core.lookup import get_by_public_id
from keystage.core.models import AuditAction
from keystage.engine import finance
from keystage.initiation.models import INTAKE_OPEN, IntakeProposal, IntakeStatus, Proposal
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.portfolio import services as portfolio_services
from keystage.portfolio.access import signed_in, users_visible_to
from keystage.portfolio.models import Project

SUBMIT_FIELDS = (
    "title",
    "problem",
    "benefits",
    "rough_cost",
    "rough_duration_days",
    "annual_benefit",
    "benefit_years",
    "suggested_sponsor",
)
SCORE_FIELDS = ("strategic_score", "feasibility_score")
# The rate the queue discounts expected benefits with: a comparison between ideas, not a
# business case (the promoted project's business case sets its own).
INTAKE_DISCOUNT_RATE = Decimal("0.08")
SORTS = ("rank", "npv", "roi", "payback", "cost", "submitted", "title")


def _is_pmo(who: Any) -> bool:
    user = signed_in(who)
    return user is not None and user.is_portfolio_owner and user.organisation_id is not None


# ---------------------------------------------------------------------------- reads


def intake_visible_to(who: Any) -> QuerySet[IntakeProposal]:
    """Proposals the user may see: the organisation's for PMO and admins, else their own."""
    user = signed_in(who)
    if user is None or user.organisation_id is None:
        return IntakeProposal.objects.none()
    qs = IntakeProposal.objects.filter(organisation_id=user.organisation_id)
    if user.is_portfolio_owner:
        return qs
    return qs.filter(submitted_by=user)


@dataclass(frozen=True, slots=True)
class IntakeFigures:
    """What the queue ranks by: the money figures where a benefit was given, and the scores."""

    npv: Decimal | None
    roi: float | None
    payback_years: float | None
    score: float | None  # mean of the strategic and feasibility scores (1–5)


def figures(proposal: IntakeProposal) -> IntakeFigures:
    """NPV, ROI and payback of cost now against the yearly benefit, and the PMO's score."""
    scores = [s for s in (proposal.strategic_score, proposal.feasibility_score) if s is not None]
    score = sum(scores) / len(scores) if scores else None
    if proposal.annual_benefit is None:
        return IntakeFigures(None, None, None, score)
    years = int(proposal.benefit_years)
    case = finance.BusinessCase(
        lines=(
            finance.CashFlowLine("cost", "cost", Decimal(proposal.rough_cost)),
            finance.CashFlowLine(
                "benefit", "benefit", Decimal(proposal.annual_benefit), period=1, recurring=True
            ),
        ),
        horizon=years,
        discount_rate=INTAKE_DISCOUNT_RATE,
    )
    result = finance.evaluate(case)
    return IntakeFigures(
        npv=result.npv.quantize(Decimal("0.01")),
        roi=result.roi,
        payback_years=result.payback.periods,
        score=score,
    )


@dataclass(frozen=True, slots=True)
class RankedProposal:
    """One row of the queue with its figures and its place in the ranking."""

    proposal: IntakeProposal
    figures: IntakeFigures
    rank: int


def _rank_key(row: tuple[IntakeProposal, IntakeFigures]) -> tuple[float, float, float]:
    f = row[1]
    return (
        -(f.score if f.score is not None else 0.0),
        -float(f.npv) if f.npv is not None else float("inf"),
        -(f.roi if f.roi is not None else float("-inf")),
    )


def intake_list(
    *, who: Any, status: str = "", search: str = "", sort: str = "rank"
) -> list[RankedProposal]:
    """The visible proposals, ranked: PMO score (strategic and feasibility), then NPV, then
    ROI; ``sort`` reorders by another column (the rank number stays). Two queries."""
    qs = intake_visible_to(who).select_related("submitted_by", "suggested_sponsor", "project")
    if status:
        if status not in IntakeStatus.values:
            raise InvalidInput({"status": f"One of: {', '.join(IntakeStatus.values)}."})
        qs = qs.filter(status=status)
    if search:
        qs = qs.filter(title__icontains=search)
    if sort not in SORTS:
        raise InvalidInput({"sort": f"One of: {', '.join(SORTS)}."})
    rows = sorted(((p, figures(p)) for p in qs), key=_rank_key)
    ranked = [RankedProposal(p, f, i) for i, (p, f) in enumerate(rows, start=1)]
    if sort == "rank":
        return ranked
    keys = {
        "npv": lambda r: (r.figures.npv is None, -(r.figures.npv or 0)),
        "roi": lambda r: (r.figures.roi is None, -(r.figures.roi or 0)),
        "payback": lambda r: (r.figures.payback_years is None, r.figures.payback_years or 0),
        "cost": lambda r: (False, r.proposal.rough_cost),
        "submitted": lambda r: (False, -r.proposal.created_at.timestamp()),
        "title": lambda r: (False, r.proposal.title.lower()),
    }
    return sorted(ranked, key=keys[sort])


def intake_get(*, who: Any, proposal_id: Any) -> IntakeProposal:
    """One visible proposal (404 for anyone not entitled to it)."""
    return get_by_public_id(
        intake_visible_to(who).select_related("submitted_by", "suggested_sponsor", "project"),
        proposal_id,
    )


def may_decide(who: Any) -> bool:
    """Whether the user scores, rejects and promotes proposals (PMO and administrators)."""
    return _is_pmo(who)


def may_edit(who: Any, proposal: IntakeProposal) -> bool:
    """The submitter edits their proposal while it is open (submitted or asked about)."""
    return proposal.submitted_by_id == getattr(who, "pk", None) and proposal.status in INTAKE_OPEN


# ---------------------------------------------------------------------------- writes


def _sponsor(who: User, sponsor: Any) -> User | None:
    if sponsor in (None, ""):
        return None
    if not isinstance(sponsor, User) or not users_visible_to(who).filter(pk=sponsor.pk).exists():
        raise InvalidInput({"suggested_sponsor": "No such person in your organisation."})
    return sponsor


@transaction.atomic
def intake_submit(*, who: User, data: dict[str, Any]) -> IntakeProposal:
    """Any member of an organisation submits an idea to its intake queue."""
    user = signed_in(who)
    if user is None or user.organisation_id is None:
        raise Forbidden("Only members of an organisation submit proposals.")
    data = records.editable(data, SUBMIT_FIELDS)
    data["suggested_sponsor"] = _sponsor(user, data.get("suggested_sponsor"))
    proposal = IntakeProposal(organisation_id=user.organisation_id, submitted_by=user, **data)
    return records.create(
        who=user,
        instance=proposal,
        project=None,
        fields=SUBMIT_FIELDS,
        summary=f"Submitted the proposal {proposal.title!r}",
    )


@transaction.atomic
def intake_update(
    *, who: User, proposal: IntakeProposal, version: int, data: dict[str, Any]
) -> IntakeProposal:
    """The submitter edits their open proposal; an answer to a question puts it back in
    the queue (status *submitted*)."""
    if not may_edit(who, proposal):
        raise Forbidden("Only its submitter changes a proposal, and only while it is open.")
    changes = records.editable(data, SUBMIT_FIELDS)
    if "suggested_sponsor" in changes:
        changes["suggested_sponsor"] = _sponsor(who, changes["suggested_sponsor"])
    if proposal.status == IntakeStatus.INFO_REQUESTED:
        changes["status"] = IntakeStatus.SUBMITTED
    return records.update(
        who=who,
        instance=proposal,
        version=version,
        changes=changes,
        project=None,
        summary=f"Edited the proposal {proposal.title!r}",
    )


def _require_pmo(who: Any, proposal: IntakeProposal, *, open_only: bool = True) -> None:
    if not may_decide(who):
        raise Forbidden("Only the PMO and administrators decide on proposals.")
    if open_only and proposal.status not in INTAKE_OPEN:
        raise InvalidInput(
            {"non_field_errors": f"This proposal is already {proposal.get_status_display()}."}
        )


@transaction.atomic
def intake_score(
    *, who: User, proposal: IntakeProposal, version: int, data: dict[str, Any]
) -> IntakeProposal:
    """The PMO scores strategic fit and feasibility (1–5) to rank the queue."""
    _require_pmo(who, proposal)
    changes = records.editable(data, SCORE_FIELDS)
    return records.update(
        who=who,
        instance=proposal,
        version=version,
        changes=changes,
        project=None,
        summary=f"Scored the proposal {proposal.title!r}",
    )


def _note(note: Any, field: str, what: str) -> str:
    text = str(note or "").strip()
    if not text:
        raise InvalidInput({field: f"Say {what}."})
    if len(text) > 4000:
        raise InvalidInput({field: "Ensure this field has no more than 4000 characters."})
    return text


def _decide(
    *,
    who: User,
    proposal: IntakeProposal,
    version: int,
    status: str,
    note: str,
    summary: str,
    project: Project | None = None,
) -> IntakeProposal:
    changes: dict[str, Any] = {
        "status": status,
        "decision_note": note,
        "decided_by": who,
        "decided_at": timezone.now(),
    }
    if project is not None:
        changes["project"] = project
    proposal = records.update(
        who=who, instance=proposal, version=version, changes=changes, project=None, summary=summary
    )
    notify(
        [proposal.submitted_by],
        kind=NotificationKind.PROPOSAL_DECIDED,
        project=project,
        text=f"{summary}.{' ' + note if note else ''}",
        url=f"/intake/{proposal.public_id}/",
        actor=who,
    )
    return proposal


@transaction.atomic
def intake_request_info(
    *, who: User, proposal: IntakeProposal, version: int, note: Any
) -> IntakeProposal:
    """The PMO asks the submitter for more; the proposal waits for their edit."""
    _require_pmo(who, proposal)
    return _decide(
        who=who,
        proposal=proposal,
        version=version,
        status=IntakeStatus.INFO_REQUESTED,
        note=_note(note, "note", "what you need to know"),
        summary=f"More information requested on {proposal.title!r}",
    )


@transaction.atomic
def intake_reject(
    *, who: User, proposal: IntakeProposal, version: int, note: Any
) -> IntakeProposal:
    """The PMO rejects a proposal, with a reason the submitter reads."""
    _require_pmo(who, proposal)
    return _decide(
        who=who,
        proposal=proposal,
        version=version,
        status=IntakeStatus.REJECTED,
        note=_note(note, "note", "why it is rejected"),
        summary=f"Rejected the proposal {proposal.title!r}",
    )


@transaction.atomic
def intake_promote(
    *,
    who: User,
    proposal: IntakeProposal,
    version: int,
    code: str,
    project_manager: User | None,
    name: str = "",
    kind: str = "other",
    start_date: dt.date | None = None,
    sponsor: User | None = None,
    note: str = "",
) -> IntakeProposal:
    """Open a project in Initiation from the proposal, with its project manager and sponsor
    (the suggested one unless another is named); its initiation proposal is filled from the
    idea. Whether the submitter joins the team is the project manager's call, as for anyone."""
    _require_pmo(who, proposal)
    if project_manager is None:
        raise InvalidInput({"project_manager": "Choose the project manager."})
    start = start_date or timezone.localdate()
    sponsor = sponsor or proposal.suggested_sponsor
    if sponsor is not None and sponsor.pk == project_manager.pk:
        sponsor = None  # the project manager is never its sponsor (separation of duties)
    project = portfolio_services.project_create(
        who=who,
        name=(name or proposal.title)[:200],
        code=code,
        kind=kind,
        start_date=start,
        target_date=start + dt.timedelta(days=int(proposal.rough_duration_days)),
        description=proposal.benefits[:5000],
        project_manager=project_manager,
        sponsor=sponsor,
    )
    records.create(
        who=who,
        instance=Proposal(
            project=project,
            objective=proposal.title,
            problem=proposal.problem,
            options="",
            requested_by=proposal.submitted_by.display_name[:200],
            estimated_budget=proposal.rough_cost,
            estimated_duration_days=proposal.rough_duration_days,
        ),
        project=project,
        fields=("objective", "problem", "requested_by", "estimated_budget"),
        summary="Wrote the proposal from the intake queue",
    )
    promoted = _decide(
        who=who,
        proposal=proposal,
        version=version,
        status=IntakeStatus.PROMOTED,
        note=str(note or "").strip()[:4000],
        summary=f"Promoted the proposal {proposal.title!r} to project {project.code}",
        project=project,
    )
    audit_record(
        who=who,
        obj=project,
        action=AuditAction.UPDATE,
        project=project,
        changes={"intake_proposal": [None, str(proposal.public_id)]},
        summary=f"Opened from the intake proposal {proposal.title!r}",
    )
    return promoted
