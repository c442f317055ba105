"""The final report's sections whose records live in this app or below it: the project, goals,
scope, schedule and earned value at close, the final budget, and the gate decisions.

The sections of risks, quality, acceptance, handover, training and lessons are registered
here as placeholders that say "not recorded"; the app that keeps those records replaces one
by registering the same key (see ``sections``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from keystage.closing.final_budget.selectors import final_budget_of
from keystage.closing.final_report.sections import is_registered, register_section
from keystage.control.reports.content import evm_snapshot
from keystage.core.templatetags.money import format_money
from keystage.planning.models import Deliverable, Goal, ScopeItem
from keystage.planning.models.goals import GoalDirection, plain_number
from keystage.planning.models.scope import DeliverableStatus
from keystage.portfolio.lifecycle import GateOutcome, Stage
from keystage.portfolio.models import GateDecision, ProjectMembership

PLACEHOLDERS = (
    ("risks", "Risks that occurred", 60),
    ("quality", "Quality", 70),
    ("acceptance", "Customer acceptance", 80),
    ("handover", "Support handover", 90),
    ("training", "End-user training", 100),
    ("lessons", "Lessons learned", 110),
)


def _day(value: Any) -> str:
    return f"{value:%d %b %Y}" if value else "—"


def project_section(project: Any) -> dict[str, Any]:
    """Who and what: the project's facts and its people."""
    people = {
        m.role: m.user.display_name
        for m in ProjectMembership.objects.filter(
            project=project, role__in=("sponsor", "project_manager")
        ).select_related("user")
    }
    summary = [
        ["Project", f"{project.code} · {project.name}"],
        ["Kind", project.get_kind_display()],
        ["Sponsor", people.get("sponsor", "—")],
        ["Project manager", people.get("project_manager", "—")],
        ["Planned", f"{_day(project.start_date)} – {_day(project.target_date)}"],
        ["Stage", f"{project.get_stage_display()} ({project.get_status_display()})"],
    ]
    notes = [project.description] if project.description else []
    return {"summary": summary, "notes": notes}


def _goal_met(goal: Goal) -> bool:
    if goal.direction == GoalDirection.INCREASE:
        return goal.current_value >= goal.target_value
    return goal.current_value <= goal.target_value


def goals_section(project: Any) -> dict[str, Any] | None:
    """Each goal's final measurement against its target."""
    goals = list(Goal.objects.filter(project=project).prefetch_related("measurements"))
    if not goals:
        return None
    rows = []
    met = 0
    for goal in goals:
        last = max(goal.measurements.all(), key=lambda m: (m.measured_on, m.pk), default=None)
        ok = _goal_met(goal)
        met += ok
        unit = f" {goal.unit}" if goal.unit else ""
        rows.append(
            [
                goal.title,
                goal.metric,
                plain_number(goal.baseline_value) + unit,
                plain_number(goal.target_value) + unit,
                plain_number(goal.current_value) + unit,
                _day(last.measured_on) if last else "not measured",
                "Met" if ok else "Not met",
            ]
        )
    return {
        "summary": [["Goals met", f"{met} of {len(goals)}"]],
        "tables": [
            {
                "id": "fr-goals-table",
                "caption": "Goals against their targets",
                "columns": ["Goal", "Metric", "Baseline", "Target", "Final", "Measured", "Result"],
                "numeric": [False, False, True, True, True, False, False],
                "rows": rows,
            }
        ],
    }


def scope_section(project: Any) -> dict[str, Any] | None:
    """The deliverables planned and where each ended; the scope items in and out."""
    deliverables = list(Deliverable.objects.filter(project=project).select_related("owner"))
    items = list(ScopeItem.objects.filter(project=project))
    if not deliverables and not items:
        return None
    accepted = sum(d.status == DeliverableStatus.ACCEPTED for d in deliverables)
    submitted = sum(d.status == DeliverableStatus.SUBMITTED for d in deliverables)
    summary = [
        ["Deliverables accepted", f"{accepted} of {len(deliverables)}"],
        ["Submitted, awaiting acceptance", str(submitted)],
        [
            "Scope items",
            f"{sum(i.in_scope for i in items)} in scope, {sum(not i.in_scope for i in items)} out",
        ],
    ]
    rows = [
        [
            d.name,
            d.owner.display_name if d.owner else "—",
            _day(d.due_date),
            d.get_status_display(),
        ]
        for d in deliverables
    ]
    tables = []
    if rows:
        tables.append(
            {
                "id": "fr-deliverables-table",
                "caption": "Deliverables planned and delivered",
                "columns": ["Deliverable", "Owner", "Due", "Status"],
                "numeric": [False, False, False, False],
                "rows": rows,
            }
        )
    return {"summary": summary, "tables": tables}


def schedule_section(project: Any) -> dict[str, Any] | None:
    """Schedule and cost against the baseline: earned value at close and the S-curve."""
    evm, s_curve = evm_snapshot(project)
    if not evm["available"]:
        return {"notes": list(evm["notes"])} if evm["notes"] else None
    summary = [["Baseline", evm.get("baseline") or "—"], ["Target date", _day(project.target_date)]]
    if evm.get("forecast_finish"):
        summary.append(["Finish (IEAC(t) at the data date)", evm["forecast_finish"]])
    return {
        "summary": summary,
        "tables": [
            {
                "id": "fr-evm-table",
                "caption": "Earned value at close",
                "columns": ["Figure", "Value", "How it is worked out"],
                "numeric": [False, True, False],
                "rows": [
                    [f"{r['abbr']} · {r['name']}", r["text"], r["formula"]] for r in evm["rows"]
                ],
            }
        ],
        "notes": list(evm["notes"]),
        "svg": s_curve,
    }


def budget_section(project: Any) -> dict[str, Any] | None:
    """The final budget as last reconciled (or live, said so, when not or no longer)."""
    view = final_budget_of(project)
    latest = view.latest
    figures = latest.figures if latest is not None else view.figures
    explanations = figures.get("explanations", view.explanations) if latest else view.explanations
    currency = figures["currency"]

    def money(value: Any) -> str:
        return format_money(Decimal(value), currency)

    rows = [
        [
            c["label"],
            money(c["budget"]),
            money(c["actual"]),
            money(c["variance"]),
            explanations.get(c["key"], ""),
        ]
        for c in figures["categories"]
    ]
    rows.append(
        [
            "Total",
            money(figures["cost_baseline"]),
            money(figures["actual_cost"]),
            money(figures["variance"]),
            "",
        ]
    )
    if latest is None:
        state = "Not reconciled: the live figures are shown."
    elif view.current:
        state = (
            f"Reconciliation {latest.number} by {latest.reconciled_by_label} on "
            f"{timezone.localtime(latest.reconciled_at):%d %b %Y}."
        )
    else:
        state = (
            f"Reconciliation {latest.number} ({timezone.localtime(latest.reconciled_at):%d %b %Y})"
            " is stale: figures or explanations moved since. Its figures are shown."
        )
    summary = [
        ["Budget (cost baseline)", money(figures["cost_baseline"])],
        ["Actual cost = final EAC", money(figures["final_eac"])],
        ["Variance", money(figures["variance"])],
        ["Contingency released", money(figures["contingency_released"])],
        ["Management reserve released", money(figures["reserve_released"])],
        ["Reconciliation", state],
    ]
    notes = [figures["release_note"]] if latest and figures.get("release_note") else []
    return {
        "summary": summary,
        "tables": [
            {
                "id": "fr-budget-table",
                "caption": "Budget against actual by category",
                "columns": ["Category", "Budget", "Actual", "Variance", "Explanation"],
                "numeric": [False, True, True, True, False],
                "rows": rows,
            }
        ],
        "notes": notes,
    }


def signoffs_section(project: Any) -> dict[str, Any] | None:
    """The gate decisions: who let the project through each gate, and any override."""
    decisions = list(
        GateDecision.objects.filter(project=project)
        .select_related("decided_by")
        .order_by("decided_at", "pk")
    )
    if not decisions:
        return None
    rows = [
        [
            f"{Stage(d.from_stage).label} → {Stage(d.to_stage).label}",
            GateOutcome(d.outcome).label,
            d.decided_by.display_name,
            _day(timezone.localtime(d.decided_at)),
            d.override_reason or "—",
        ]
        for d in decisions
    ]
    return {
        "tables": [
            {
                "id": "fr-gates-table",
                "caption": "Gate decisions",
                "columns": ["Gate", "Decision", "By", "On", "Override reason"],
                "numeric": [False] * 5,
                "rows": rows,
            }
        ]
    }


def _not_recorded(project: Any) -> None:
    return None


def register_builtin_sections() -> None:
    """Register this app's sections and the placeholders (called from ``ClosingConfig.ready``)."""
    register_section("project", "The project", 10, project_section)
    register_section("goals", "Goals met against targets", 20, goals_section)
    register_section("scope", "Scope delivered against planned", 30, scope_section)
    register_section("schedule", "Schedule and cost against the baseline", 40, schedule_section)
    register_section("budget", "Final budget", 50, budget_section)
    for key, title, order in PLACEHOLDERS:
        if not is_registered(key):
            register_section(key, title, order, _not_recorded)
    register_section("signoffs", "Sign-offs and gate decisions", 120, signoffs_section)
