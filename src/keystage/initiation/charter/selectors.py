"""Reads of the charter: its versions (through the project chokepoint) and the content of a
new version, gathered from the project's initiation and planning records.

``charter_content`` is called by the charter service on a project whose access was already
checked; it reads the project's own records and returns plain JSON data (Decimals as
strings, dates as ISO strings), the snapshot a :class:`CharterVersion` keeps for good.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from keystage.accounts.roles import ProjectRole
from keystage.initiation import engine as finance
from keystage.initiation.charter.models import CharterVersion
from keystage.initiation.models import (
    FEASIBILITY_DIMENSIONS,
    BusinessCase,
    FeasibilityStudy,
    Proposal,
)
from keystage.planning.models.scope import ScopeNoteKind, ScopeStatement
from keystage.planning.selectors.goals import goal_progress
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.lifecycle import Stage
from keystage.portfolio.models import Project

SCHEMA = 1
MAX_NUMBER = 2_147_483_647  # larger numbers name no version (and overflow the database)
LOW_FEASIBILITY = 3  # a dimension scored at or below this is a risk (≤ 2 high, 3 medium)


# ---------------------------------------------------------------- versions


def charter_versions(*, who: Any, project: Project) -> QuerySet[CharterVersion]:
    """The project's charter versions, newest first (without the PDF bytes)."""
    return (
        CharterVersion.objects.filter(project__in=projects_visible_to(who), project=project)
        .select_related("generated_by", "project")
        .defer("pdf")
        .order_by("-number")
    )


def charter_latest(*, who: Any, project: Project) -> CharterVersion | None:
    """The newest version, if any."""
    return charter_versions(who=who, project=project).first()


def charter_version_get(*, who: Any, project: Project, number: int) -> CharterVersion | None:
    """One version by its number (with the PDF)."""
    if not 1 <= number <= MAX_NUMBER:
        return None
    return (
        CharterVersion.objects.filter(
            project__in=projects_visible_to(who), project=project, number=number
        )
        .select_related("generated_by")
        .first()
    )


# ----------------------------------------------------------------- content


def jsonable(value: Any) -> Any:
    """Plain JSON data: Decimals as strings, dates as ISO strings, UUIDs as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def charter_milestones(project: Project) -> list[dict[str, Any]]:
    """The plan's milestones: ``[{"name", "wbs_code", "start", "finish"}]`` in date order.

    Dates are the last schedule's, as ISO dates (the snapshot is JSON); unscheduled
    milestones come last with empty dates.
    """
    from keystage.planning.models import Task, TaskKind

    rows = Task.objects.filter(project=project, kind=TaskKind.MILESTONE).order_by("row")
    found = [
        {
            "name": t.name,
            "wbs_code": t.wbs_code,
            "start": t.start_at.date().isoformat() if t.start_at else "",
            "finish": t.finish_at.date().isoformat() if t.finish_at else "",
        }
        for t in rows
    ]
    return sorted(found, key=lambda m: (m["finish"] == "", m["finish"]))


def _name(user: Any) -> str | None:
    return user.display_name if user is not None else None


def _proposal(project: Project) -> dict[str, Any] | None:
    proposal = Proposal.objects.filter(project=project).first()
    if proposal is None:
        return None
    return {
        "objective": proposal.objective,
        "problem": proposal.problem,
        "options": proposal.options,
        "requested_by": proposal.requested_by,
        "estimated_budget": proposal.estimated_budget,
        "estimated_duration_days": proposal.estimated_duration_days,
    }


def _scope(project: Project) -> dict[str, Any]:
    statement = ScopeStatement.objects.filter(project=project).first()
    items = list(project.scope_items.all())
    return {
        "statement": statement.statement if statement else None,
        "in_scope": [i.text for i in items if i.in_scope],
        "out_of_scope": [i.text for i in items if not i.in_scope],
        "deliverables": [
            {
                "name": d.name,
                "description": d.description,
                "acceptance_criteria": d.acceptance_criteria,
                "due_date": d.due_date,
                "owner": _name(d.owner),
                "status": d.status,
                "status_label": d.get_status_display(),
            }
            for d in project.deliverables.select_related("owner")
        ],
    }


def _goals(project: Project, today: dt.date) -> list[dict[str, Any]]:
    rows = []
    for goal in project.goals.select_related("project"):
        progress = goal_progress(goal, today=today)
        rows.append(
            {
                "title": goal.title,
                "description": goal.description,
                "metric": goal.metric,
                "unit": goal.unit,
                "direction": goal.direction,
                "baseline_value": goal.baseline_text,
                "target_value": goal.target_text,
                "current_value": goal.current_text,
                "due_date": goal.due_date,
                "progress_percent": progress.progress_percent,
                "status": progress.status,
                "status_label": progress.status_label,
            }
        )
    return rows


def _budget(project: Project, proposal: dict[str, Any] | None) -> dict[str, Any]:
    budget: dict[str, Any] = {
        "estimated_budget": proposal["estimated_budget"] if proposal else None,
        "estimated_duration_days": proposal["estimated_duration_days"] if proposal else None,
        "business_case": None,
    }
    case = BusinessCase.objects.filter(project=project).select_related("project").first()
    if case is None:
        return budget
    figures = finance.case_figures(case, list(case.lines.all()))
    payload = finance.figures_payload(figures)
    results, sim = payload["results"], payload["simulation"]
    budget["business_case"] = {
        "discount_rate": case.discount_rate,
        "horizon": case.horizon,
        "note": payload["note"],
        "npv": results["npv"] if results else None,
        "irr": results["irr"] if results else None,
        "irr_percent": _percent(results["irr"]) if results else None,
        "irr_note": results["irr_note"] if results else None,
        "roi": results["roi"] if results else None,
        "payback_periods": results["payback_periods"] if results else None,
        "payback_note": results["payback_note"] if results else None,
        "total_costs": results["total_costs"] if results else None,
        "total_benefits": results["total_benefits"] if results else None,
        "probability_negative": sim["probability_negative"] if sim else None,
        "probability_negative_percent": _percent(sim["probability_negative"]) if sim else None,
        "p10": sim["p10"] if sim else None,
        "p50": sim["p50"] if sim else None,
        "p90": sim["p90"] if sim else None,
        "runs": sim["runs"] if sim else None,
    }
    return budget


def _percent(value: float | None) -> str | None:
    return None if value is None else f"{value:.1%}"


def _severity_of_probability(p: float) -> str:
    return "high" if p >= 0.3 else "medium" if p >= 0.1 else "low"


def _risks(project: Project, budget: dict[str, Any]) -> list[dict[str, Any]]:
    risks: list[dict[str, Any]] = []
    study = FeasibilityStudy.objects.filter(project=project).first()
    if study is not None:
        for key, label in FEASIBILITY_DIMENSIONS:
            score = getattr(study, f"{key}_score")
            if score <= LOW_FEASIBILITY:
                risks.append(
                    {
                        "source": "Feasibility",
                        "title": f"{label} feasibility scored {score}/5",
                        "detail": getattr(study, f"{key}_findings") or "No findings recorded.",
                        "severity": "high" if score <= 2 else "medium",
                    }
                )
        if study.conditions:
            risks.append(
                {
                    "source": "Feasibility",
                    "title": f"Recommendation: {study.get_recommendation_display()}",
                    "detail": study.conditions,
                    "severity": "medium",
                }
            )
    case = budget.get("business_case")
    if case and case.get("probability_negative") is not None:
        p = float(case["probability_negative"])
        risks.append(
            {
                "source": "Business case",
                "title": f"Investment risk: P(NPV < 0) = {p:.1%}",
                "detail": f"Monte Carlo over the low / likely / high estimates "
                f"({case['runs']:,} runs): P10 NPV {Decimal(case['p10']):,.0f}, "
                f"P50 {Decimal(case['p50']):,.0f}, P90 {Decimal(case['p90']):,.0f}.",
                "severity": _severity_of_probability(p),
            }
        )
    return risks


def _stakeholders(project: Project) -> list[dict[str, Any]]:
    return [
        {
            "name": s.name,
            "role": s.role,
            "organisation": s.organisation,
            "influence": s.influence,
            "interest": s.interest,
            "is_key": s.is_key,
            "signed_off": s.signed_off,
            "signed_off_by": _name(s.signed_off_by),
            "signed_off_date": s.signed_off_date,
            "sign_off_comment": s.sign_off_comment,
        }
        for s in project.stakeholders.select_related("signed_off_by")
    ]


def _leaders(project: Project) -> dict[str, list[str]]:
    memberships = project.memberships.filter(
        role__in=[ProjectRole.PROJECT_MANAGER, ProjectRole.SPONSOR]
    ).select_related("user")
    return {
        "project_managers": [
            m.user.display_name for m in memberships if m.role == ProjectRole.PROJECT_MANAGER
        ],
        "sponsors": [m.user.display_name for m in memberships if m.role == ProjectRole.SPONSOR],
    }


def _approval(project: Project) -> dict[str, Any] | None:
    decision = (
        project.gate_decisions.filter(from_stage=Stage.INITIATION)
        .select_related("decided_by")
        .order_by("-decided_at", "-id")
        .first()
    )
    if decision is None:
        return None
    return {
        "gate": f"{decision.get_from_stage_display()} → {decision.get_to_stage_display()}",
        "outcome": decision.outcome,
        "outcome_label": decision.get_outcome_display(),
        "decided_by": _name(decision.decided_by),
        "decided_at": decision.decided_at,
        "rationale": decision.rationale,
        "conditions": decision.conditions,
        "override_reason": decision.override_reason,
    }


def charter_content(project: Project, *, today: dt.date | None = None) -> dict[str, Any]:
    """Everything the charter states, gathered now, as plain JSON data."""
    day = today or timezone.localdate()
    proposal = _proposal(project)
    budget = _budget(project, proposal)
    notes = list(project.scope_notes.all())
    content = {
        "schema": SCHEMA,
        "as_of": day,
        "currency": project.organisation.currency,
        "project": {
            "code": project.code,
            "name": project.name,
            "kind": project.get_kind_display(),
            "description": project.description,
            "stage": project.get_stage_display(),
            "start_date": project.start_date,
            "target_date": project.target_date,
        },
        "proposal": proposal,
        "scope": _scope(project),
        "goals": _goals(project, day),
        "budget": budget,
        "milestones": charter_milestones(project),
        "risks": _risks(project, budget),
        "assumptions": [n.text for n in notes if n.kind == ScopeNoteKind.ASSUMPTION],
        "constraints": [n.text for n in notes if n.kind == ScopeNoteKind.CONSTRAINT],
        "stakeholders": _stakeholders(project),
        "leaders": _leaders(project),
        "approval": _approval(project),
    }
    return jsonable(content)  # type: ignore[no-any-return]
