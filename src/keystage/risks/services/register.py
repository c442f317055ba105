"""Writes beyond the kit: a risk occurs (it becomes an issue, keeping the link), an issue is
escalated to the sponsor, and the initiation's risks are carried into the register.

Each is one transaction: the permission through the project chokepoint (which also refuses
a closed project), the checks, the writes with their versions, and the journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from keystage.accounts.roles import Perm, ProjectRole
from keystage.core.audit import audit_record
from keystage.core.errors import Conflict, InvalidInput
from keystage.core.middleware import NUL_MESSAGE
from keystage.core.models import AuditAction
from keystage.core.versioning import versioned_update
from keystage.initiation import engine as finance
from keystage.initiation.models import FEASIBILITY_DIMENSIONS, BusinessCase, FeasibilityStudy
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project, ProjectMembership
from keystage.risks.models import (
    LIVE_STATUSES,
    Issue,
    IssueStatus,
    Risk,
    RiskCategory,
    RiskSource,
    RiskStatus,
    Severity,
)
from keystage.risks.records import ISSUES, RISKS

REASON_MAX = 4000


def _locked(risk: Risk, version: int) -> Risk:
    current = Risk.objects.select_for_update().filter(pk=risk.pk).first()
    if current is None or current.version != version:
        raise Conflict(current=current)
    return current


def risk_occurred(*, who: Any, risk: Risk, version: int, data: dict[str, Any]) -> Issue:
    """The risk happened: a new issue linked to it (title, severity, owner, due date from
    ``data``, the risk's own by default) and the risk's status → occurred, at ``version``."""
    project = risk.project
    with transaction.atomic():
        require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
        current = _locked(risk, version)
        if current.status not in LIVE_STATUSES:
            raise InvalidInput(
                {
                    "status": f"{current.key} is {current.get_status_display().lower()}: "
                    "only an open or mitigating risk can occur."
                }
            )
        fields = {
            "title": data.get("title") or current.title,
            "description": data.get("description")
            or "\n".join(t for t in (current.event, current.effect) if t),
            "severity": data.get("severity") or Severity.HIGH,
            "owner": data.get("owner") or _still_member(project, current.owner),
            "due_date": data.get("due_date"),
        }
        issue = ISSUES.create(who=who, project=project, data=fields)
        Issue.objects.filter(pk=issue.pk).update(risk=current)
        issue.risk = current
        versioned_update(
            who=who,
            instance=current,
            expected_version=version,
            changes={"status": RiskStatus.OCCURRED},
            project=project,
            summary=f"{current.key} occurred: it became {issue.key}",
        )
    return issue


def _still_member(project: Project, user: Any) -> Any:
    """The risk's owner for its issue, unless they have left the project since."""
    on = user is not None and ProjectMembership.objects.filter(project=project, user=user).exists()
    return user if on else None


def sponsors_of(project: Project) -> list[Any]:
    """The project's sponsors (users)."""
    rows = ProjectMembership.objects.filter(project=project, role=ProjectRole.SPONSOR)
    return [m.user for m in rows.select_related("user")]


def issue_escalate(*, who: Any, issue: Issue, version: int, reason: str) -> Issue:
    """Escalate an open issue to the sponsor (the project manager's call, *edit*): records
    who, when and why, journals it and notifies every sponsor of the project."""
    project = issue.project
    reason = " ".join(str(reason or "").split()) if "\n" not in str(reason) else str(reason).strip()
    with transaction.atomic():
        require_perm(who=who, project=project, perm=Perm.EDIT)
        errors = {}
        if not reason:
            errors["reason"] = "Say why the sponsor must step in."
        elif len(reason) > REASON_MAX:
            errors["reason"] = f"At most {REASON_MAX} characters."
        elif "\x00" in reason:
            errors["reason"] = NUL_MESSAGE  # PostgreSQL refuses NUL in text
        if issue.status not in (IssueStatus.OPEN, IssueStatus.IN_PROGRESS):
            errors["status"] = "Only an open issue is escalated."
        sponsors = sponsors_of(project)
        if not sponsors:
            errors["non_field_errors"] = f"{project.code} has no sponsor to escalate to."
        if errors:
            raise InvalidInput(errors)
        fresh = versioned_update(
            who=who,
            instance=issue,
            expected_version=version,
            changes={
                "escalated_at": timezone.now(),
                "escalated_by": who,
                "escalation_reason": reason,
            },
            project=project,
            summary=f"Escalated {issue.key} to the sponsor",
        )
        notify(
            sponsors,
            kind=NotificationKind.ISSUE_ESCALATED,
            project=project,
            text=f"{project.code}: {issue.key} '{issue.title}' escalated to you by "
            f"{who.display_name}: {reason}",
            url=reverse("risks:issues-detail", args=[project.public_id, issue.public_id]),
            actor=who,
        )
    return fresh


# -- carrying the initiation's risks forward ---------------------------------------------------

#: Feasibility dimension → category; a score of 1, 2 or 3 → probability.
DIMENSION_CATEGORY = {
    "technical": RiskCategory.TECHNICAL,
    "economic": RiskCategory.COST,
    "operational": RiskCategory.ORGANISATION,
    "schedule": RiskCategory.SCHEDULE,
    "legal": RiskCategory.SECURITY,
}
SCORE_PROBABILITY = {1: Decimal("0.7"), 2: Decimal("0.5"), 3: Decimal("0.3")}
LOW_FEASIBILITY = 3


@dataclass(frozen=True, slots=True)
class Carried:
    """What an import did: the risks it added and how many were already in the register."""

    added: list[Risk]
    already: int


def _initiation_risks(project: Project) -> list[dict[str, Any]]:
    """The risks the initiation records name (as the charter lists them), keyed by source."""
    found: list[dict[str, Any]] = []
    study = FeasibilityStudy.objects.filter(project=project).first()
    if study is not None:
        for key, label in FEASIBILITY_DIMENSIONS:
            score = getattr(study, f"{key}_score")
            if score <= LOW_FEASIBILITY:
                findings = getattr(study, f"{key}_findings") or ""
                found.append(
                    {
                        "source": RiskSource.FEASIBILITY,
                        "source_key": f"feasibility:{key}",
                        "title": f"{label} feasibility scored {score}/5",
                        "category": DIMENSION_CATEGORY[key],
                        "cause": findings[:4000],
                        "probability": SCORE_PROBABILITY[score],
                    }
                )
        if study.conditions:
            found.append(
                {
                    "source": RiskSource.FEASIBILITY,
                    "source_key": "feasibility:conditions",
                    "title": "Feasibility conditions not met "
                    f"({study.get_recommendation_display()})",
                    "category": RiskCategory.OTHER,
                    "cause": study.conditions[:4000],
                    "probability": Decimal("0.3"),
                }
            )
    case = BusinessCase.objects.filter(project=project).first()
    if case is not None:
        sim = finance.figures_payload(finance.case_figures(case, list(case.lines.all())))[
            "simulation"
        ]
        if sim and sim.get("probability_negative"):
            p = Decimal(str(sim["probability_negative"])).quantize(Decimal("0.001"))
            loss = max(Decimal("0"), -Decimal(str(sim["p10"]))).quantize(Decimal("0.01"))
            found.append(
                {
                    "source": RiskSource.BUSINESS_CASE,
                    "source_key": "business_case:npv",
                    "title": f"Investment does not pay back: P(NPV < 0) = {float(p):.1%}",
                    "category": RiskCategory.COST,
                    "cause": "The business case's Monte Carlo over its low / likely / high "
                    f"estimates ({sim['runs']:,} runs).",
                    "effect": "A negative net present value; "
                    f"P10 NPV {Decimal(str(sim['p10'])):,.0f}.",
                    "probability": min(p, Decimal("1")),
                    "cost_high": loss,
                }
            )
    return found


def risks_carry_forward(*, who: Any, project: Project) -> Carried:
    """Add the feasibility study's and business case's risks to the register, once: a risk
    already carried (by its source) is not added again, even if edited since."""
    with transaction.atomic():
        require_perm(who=who, project=project, perm=Perm.EDIT)
        Project.objects.select_for_update().filter(pk=project.pk).first()
        have = set(
            Risk.objects.filter(project=project)
            .exclude(source_key="")
            .values_list("source_key", flat=True)
        )
        added: list[Risk] = []
        already = 0
        for row in _initiation_risks(project):
            if row["source_key"] in have:
                already += 1
                continue
            source, key = row.pop("source"), row.pop("source_key")
            risk = RISKS.create(who=who, project=project, data=row)
            Risk.objects.filter(pk=risk.pk).update(source=source, source_key=key)
            risk.source, risk.source_key = source, key
            added.append(risk)
        if added:
            audit_record(
                who=who,
                obj=project,
                action=AuditAction.UPDATE,
                project=project,
                changes={"risks": [None, [r.key for r in added]]},
                summary=f"Carried {len(added)} risk(s) forward from the initiation",
            )
    return Carried(added, already)
