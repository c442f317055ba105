"""QUALITY.md A1/A3/A4: every route × method × role against another project's objects.

The matrix is generated from the URL resolver: a route without an entry in
ROUTES fails the suite, so every route added later must declare its scope.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from keystage.closing.models import (
    BudgetReconciliation,
    ClosingFile,
    FinalBudget,
    FinalReport,
    Handover,
    HandoverItem,
    Lesson,
    Review,
    TrainingAttendance,
    TrainingPlan,
    TrainingSession,
)
from keystage.control.models import ChangeRequest, StatusReport
from keystage.core.models import AuditEntry
from keystage.costs.models import BudgetLine, CostEntry, ProjectBudget
from keystage.costs.records import COSTS
from keystage.execution.models import StatusUpdate, TimeEntry, Timesheet, TimesheetSettings
from keystage.initiation.charter.models import CharterVersion
from keystage.initiation.models import (
    BusinessCase,
    CashFlowLine,
    FeasibilityStudy,
    Proposal,
    ResearchAttachment,
    ResearchNote,
    Stakeholder,
)
from keystage.notifications.models import Comment, Notification
from keystage.planning.models import (
    Assignment,
    Baseline,
    CollaborationLink,
    Deliverable,
    Dependency,
    Goal,
    GoalMeasurement,
    Holiday,
    PlanFile,
    ProjectCalendar,
    ScheduleRun,
    ScopeItem,
    ScopeNote,
    ScopeStatement,
    Task,
    TaskSkill,
)
from keystage.portfolio.models import GateDecision, Project, ProjectMembership
from keystage.quality.models import Criterion, Defect, SignOff, TestRun
from keystage.quality.records import CRITERIA, DEFECTS, TEST_RUNS
from keystage.resources.models import (
    Absence,
    CostRate,
    Equipment,
    PersonSkill,
    ProcurementItem,
    ResourceProfile,
    Skill,
)
from keystage.risks.models import (
    Issue,
    Risk,
    RiskMatrixSet,
    RiskResponse,
    SimulationRun,
    SimulationSettings,
    TaskEstimate,
)
from keystage.risks.records import RESPONSES

pytestmark = pytest.mark.django_db


CRITERION_BODY = {"text": "Pwned", "method": "test", "version": 1}
TEST_RUN_BODY = {"name": "Pwned", "run_on": "2027-01-05", "version": 1}
DEFECT_BODY = {"title": "Pwned", "severity": "critical", "status": "open", "version": 1}
QUALITY_SIGN_OFF_BODY = {"decision": "accepted", "signer": "pm_b", "signed_on": "2026-12-01"}
ENTRY_BODY = {"task": "x", "day": "2027-01-11", "hours": "8", "version": 1}
COST_BODY = {
    "kind": "expense",
    "category": "travel",
    "description": "Pwned",
    "amount": "10.00",
    "date": "2027-01-05",
    "version": 1,
}


@dataclass(frozen=True)
class Route:
    """How a route is scoped and which methods it answers."""

    # "project": reads/writes a project's data; "organisation": a colleague's or the
    # organisation's data (skills, people); "self": the caller's own; "public"
    scope: str
    methods: tuple[str, ...]
    api: bool = False
    body: dict[str, Any] = field(default_factory=dict)


GATE_BODY = {
    "to_stage": "planning",
    "outcome": "go",
    "rationale": "ok",
    "override_reason": "waived",
    "version": 1,
}
REOPEN_BODY = {"reason": "Pwned", "version": 1}
SPREAD_BODY = {"low_percent": "5", "high_percent": "50", "distribution": "pert", "version": 1}
# The task id is filled in by _path's caller only for pages; an unknown task is a 400 for
# those allowed to write, and every intruder is refused before the body is read.
ESTIMATES_BODY = {
    "rows": [{"task": "x", "optimistic_days": "1", "likely_days": "2", "pessimistic_days": "3"}]
}
ESTIMATE_FORM = {"o-x": "1", "l-x": "2", "p-x": "3", "d-x": "pert"}
CHANGE_EDIT_BODY = {"op": "add_line", "name": "Pwned", "amount": "1.00", "version": 1}
CHANGE_DECISION_BODY = {"outcome": "approve", "comment": "Pwned", "version": 1}
PROPOSAL_BODY = {
    "objective": "Pwned",
    "problem": "p",
    "requested_by": "r",
    "estimated_budget": "1000.00",
    "estimated_duration_days": 30,
    "version": 1,
}
CASE_BODY = {"discount_rate": "8.00", "horizon": 5, "version": 1}
LINE_BODY = {
    "name": "Pwned",
    "kind": "cost",
    "period_start": 0,
    "amount_low": "1.00",
    "amount_likely": "2.00",
    "amount_high": "3.00",
    "version": 1,
}
NOTE_BODY = {"title": "Pwned", "body": "b", "version": 1}
FEASIBILITY_BODY = {
    **{f"{d}_score": 3 for d in ("technical", "economic", "operational", "schedule", "legal")},
    "recommendation": "proceed",
    "version": 1,
}
STAKEHOLDER_BODY = {"name": "Pwned", "role": "r", "influence": 5, "interest": 5, "version": 1}
SIGN_OFF_BODY = {"comment": "Pwned", "version": 1}
SKILL_BODY = {"name": "Pwned", "version": 1}
PROFILE_BODY = {"capacity_percent": 1, "cost_rate": "1.00", "version": 1}
PERSON_SKILLS_BODY = {"skills": [{"skill": "Python", "level": 1}], "version": 1}
ABSENCE_BODY = {"start_date": "2027-09-01", "end_date": "2027-09-02", "version": 1}
EQUIPMENT_BODY = {"name": "Pwned", "quantity": 1, "unit_cost": "1.00", "version": 1}
PROCUREMENT_BODY = {"name": "Pwned", "cost": "1.00", "category": "other", "version": 1}
GOAL_BODY = {
    "title": "Pwned",
    "metric": "m",
    "baseline_value": "1",
    "target_value": "2",
    "due_date": "2027-06-30",
    "version": 1,
}
MEASUREMENT_BODY = {"measured_on": "2026-11-02", "value": "7", "note": "Pwned", "version": 1}
STATEMENT_BODY = {"statement": "Pwned", "version": 1}
DELIVERABLE_BODY = {"name": "Pwned", "acceptance_criteria": "c", "version": 1}
ITEM_BODY = {"text": "Pwned", "in_scope": True, "version": 1}
SCOPE_NOTE_BODY = {"kind": "assumption", "text": "Pwned", "version": 1}
REMOVE_BODY = {"action": "remove", "version": 1}
LINK_BODY = {"kind": "document", "title": "Pwned", "url": "https://x.example/", "version": 1}
TASK_BODY = {"name": "Pwned", "duration_minutes": 60, "version": 1}
MOVE_BODY = {"action": "down", "version": 1}
DEPENDENCY_BODY = {
    "predecessor": "00000000-0000-4000-8000-000000000001",
    "successor": "00000000-0000-4000-8000-000000000002",
    "type": "SS",
    "lag_minutes": 5,
    "version": 1,
}
BUDGET_BODY = {"contingency_percent": "50", "management_reserve": "1.00", "version": 1}
BUDGET_LINE_BODY = {"name": "Pwned", "amount": "1.00", "category": "travel", "version": 1}
SKILL_NEED_BODY = {"skill": "Python", "min_level": 1, "version": 1}
ASSIGNMENT_BODY = {
    "task": "00000000-0000-4000-8000-000000000001",
    "person": "dev_b",
    "units_percent": 10,
    "version": 1,
}
CALENDAR_BODY = {"name": "Pwned", "working_weekdays": ["1"], "shifts": "09:00-10:00", "version": 1}
HOLIDAY_BODY = {"name": "Pwned", "start_date": "2027-02-01", "version": 1}
RISK_BODY = {"title": "Pwned", "probability": "0.5", "version": 1}
STATUS_BODY = {"week_of": "2027-02-01", "health": "red", "summary": "Pwned", "version": 1}
PROGRESS_BODY = {"actual_start": "2027-01-04", "percent_complete": 10, "version": 1}
DATA_DATE_BODY = {"data_date": "2027-02-01", "version": 1}
HANDOVER_BODY = {"support_group": "Pwned", "notes": "Pwned", "version": 1}
HANDOVER_ITEM_BODY = {"title": "Pwned", "done": True, "version": 1}
SESSION_BODY = {
    "title": "Pwned",
    "audience": "a",
    "session_date": "2027-05-03",
    "trainer": "t",
    "invited": 5,
    "version": 1,
}
ATTENDANCE_BODY = {"names": ["Pwned"], "version": 1}
REVIEW_BODY = {
    "held_on": "2026-11-02",
    "attendees": "a",
    "went_well": "Pwned",
    "went_badly": "b",
    "version": 1,
}
LESSON_BODY = {
    "title": "Pwned",
    "category": "other",
    "stage": "closing",
    "what_happened": "w",
    "recommendation": "r",
    "version": 1,
}
CLOSING_ROUTES: dict[str, Route] = {
    "api:closing-handover": Route("project", ("GET", "PUT"), api=True, body=HANDOVER_BODY),
    "api:closing-handover-sign": Route("project", ("POST",), api=True, body={"version": 1}),
    "api:closing-files": Route("project", ("GET", "POST"), api=True, body={"topic": "handover"}),
    "api:closing-file": Route("project", ("GET", "DELETE"), api=True, body={"version": 1}),
    "api:closing-training": Route(
        "project", ("GET", "PUT"), api=True, body={"users_to_train": 9, "version": 1}
    ),
    "api:closing-attendance": Route("project", ("GET", "PUT"), api=True, body=ATTENDANCE_BODY),
    "api:closing-review": Route("project", ("GET", "PUT"), api=True, body=REVIEW_BODY),
    "api:lesson-search": Route("self", ("GET",), api=True),
    "closing:handover-edit": Route("project", ("GET", "POST"), body=HANDOVER_BODY),
    "closing:handover-sign": Route("project", ("POST",), body={"version": 1}),
    "closing:file-upload": Route("project", ("POST",), body={"topic": "handover"}),
    "closing:file": Route("project", ("GET",)),
    "closing:file-remove": Route("project", ("POST",), body={"version": 1}),
    "closing:training-plan": Route(
        "project", ("GET", "POST"), body={"users_to_train": 9, "version": 1}
    ),
    "closing:attendance": Route("project", ("GET", "POST"), body={"names": "Pwned", "version": 1}),
    "closing:review-edit": Route("project", ("GET", "POST"), body=REVIEW_BODY),
    "closing:lesson-search": Route("self", ("GET",)),
}


def _closing_kit_routes() -> dict[str, Route]:
    from keystage.closing.handover.services import HANDOVER_ITEMS
    from keystage.closing.review.services import LESSONS
    from keystage.closing.training.services import TRAINING_SESSIONS

    routes = {}
    for kit, body in (
        (HANDOVER_ITEMS, HANDOVER_ITEM_BODY),
        (TRAINING_SESSIONS, SESSION_BODY),
        (LESSONS, LESSON_BODY),
    ):
        for name, (scope, methods, api) in kit.access_routes().items():
            routes[name] = Route(scope, methods, api=api, body=body)
    return routes


ROUTES: dict[str, Route] = {
    **CLOSING_ROUTES,
    **_closing_kit_routes(),
    "api:execution-task-progress": Route("project", ("GET", "PATCH"), api=True, body=PROGRESS_BODY),
    "api:execution-data-date": Route("project", ("GET", "PUT"), api=True, body=DATA_DATE_BODY),
    "api:execution-reschedule": Route("project", ("POST",), api=True),
    "execution:progress": Route("project", ("GET",)),
    "execution:data-date": Route("project", ("POST",), body=DATA_DATE_BODY),
    "execution:reschedule": Route("project", ("POST",)),
    "execution:task-progress": Route("project", ("GET", "POST"), body=PROGRESS_BODY),
    # notifications: one's own; comment threads and status updates: a project's
    "api:notification-list": Route("self", ("GET",), api=True),
    "api:notification-read-all": Route("self", ("POST",), api=True),
    "api:notification-preferences": Route("self", ("GET", "PUT"), api=True),
    "api:notification-read": Route("self", ("POST",), api=True),
    "notifications:list": Route("self", ("GET",)),
    "notifications:read-all": Route("self", ("POST",)),
    "notifications:preferences": Route("self", ("GET", "POST")),
    "notifications:open": Route("self", ("POST",)),
    "api:comment-list": Route("project", ("GET", "POST"), api=True, body={"body": "Pwned"}),
    "api:comment-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body={"body": "Pwned", "version": 1}
    ),
    "notifications:thread": Route("project", ("GET", "POST"), body={"body": "Pwned"}),
    "notifications:comment": Route(
        "project", ("POST",), body={"body": "Pwned", "action": "remove", "version": 1}
    ),
    "execution:status_updates": Route("project", ("GET",)),
    "execution:status_updates-create": Route("project", ("GET", "POST"), body=STATUS_BODY),
    "execution:status_updates-edit": Route("project", ("GET", "POST"), body=STATUS_BODY),
    "execution:status_updates-detail": Route("project", ("GET",)),
    "api:status-updates-list": Route("project", ("GET", "POST"), api=True, body=STATUS_BODY),
    "api:status-updates-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=STATUS_BODY
    ),
    "planning:plan-task-detail": Route("project", ("GET",)),
    "planning:deliverable-detail": Route("project", ("GET",)),
    "planning:deliverable-tasks": Route("project", ("POST",), body={"tasks": [], "version": 1}),
    "planning:plan-task-files": Route("project", ("POST",)),
    "planning:deliverable-files": Route("project", ("POST",)),
    "planning:plan-file": Route("project", ("GET",)),
    "planning:plan-file-delete": Route("project", ("POST",), body={"version": 1}),
    "api:me": Route("self", ("GET",), api=True),
    "api:execution-my-work": Route("self", ("GET",), api=True),
    "execution:my-work": Route("self", ("GET",)),
    "execution:my-work-progress": Route("self", ("POST",)),
    "execution:my-work-time": Route("self", ("POST",)),
    "execution:calendar-feed": Route("public", ("GET",)),
    "accounts:calendar-token": Route("self", ("POST",)),
    "accounts:calendar-token-revoke": Route("self", ("POST",)),
    "api:user-list": Route("self", ("GET",), api=True),
    "api:token-list": Route("self", ("GET", "POST"), api=True),
    "api:token-detail": Route("self", ("DELETE",), api=True),
    # "admin": organisation admins only; covered route by route in test_user_admin.py.
    "api:org-user-list": Route("admin", ("GET",), api=True),
    "api:org-user-detail": Route("admin", ("GET", "PATCH"), api=True),
    "api:org-user-revoke": Route("admin", ("POST",), api=True),
    # Read across the projects the caller may see (``projects_visible_to``); the A5 canary
    # of test_portfolio_dashboard.py crawls them as a member of A only.
    "api:portfolio-dashboard": Route("self", ("GET",), api=True),
    "portfolio:dashboard": Route("self", ("GET",)),
    "api:portfolio-resource-load": Route("self", ("GET",), api=True),
    "execution:resource-load": Route("self", ("GET",)),
    # "intake": the submitter's own proposals, every proposal of the organisation for its
    # PMO and admins, 404 for anyone else; covered route by route in test_intake.py.
    "api:intake-list": Route("intake", ("GET", "POST"), api=True),
    "api:intake-detail": Route("intake", ("GET", "PATCH"), api=True),
    "api:intake-score": Route("intake", ("POST",), api=True),
    "api:intake-request-info": Route("intake", ("POST",), api=True),
    "api:intake-reject": Route("intake", ("POST",), api=True),
    "api:intake-promote": Route("intake", ("POST",), api=True),
    "intake:list": Route("intake", ("GET",)),
    "intake:new": Route("intake", ("GET", "POST")),
    "intake:detail": Route("intake", ("GET", "POST")),
    # Read by every member of the organisation, changed by its admins: test_organisation.py.
    "api:organisation": Route("admin", ("GET", "PATCH"), api=True),
    # The organisation's KPI thresholds: members read, admins and PMO write (test_control_kpis).
    "api:kpi-thresholds": Route("admin", ("GET", "PUT"), api=True),
    "control:kpi-thresholds": Route("admin", ("GET", "POST")),
    # The organisation's risk matrix: members read, admins and PMO write (test_risks_register).
    "api:risk-matrix": Route("admin", ("GET", "PUT"), api=True),
    "risks:risk-matrix": Route("admin", ("GET", "POST")),
    "risks:risks": Route("project", ("GET",)),
    "risks:risks-create": Route("project", ("GET", "POST"), body=RISK_BODY),
    "risks:risks-carry-forward": Route("project", ("POST",)),
    "risks:risks-detail": Route("project", ("GET",)),
    "risks:risks-edit": Route("project", ("GET", "POST"), body=RISK_BODY),
    "risks:risks-occurred": Route("project", ("POST",), body={"version": 1}),
    "api:risks-list": Route("project", ("GET", "POST"), api=True, body=RISK_BODY),
    "api:risks-detail": Route("project", ("GET", "PATCH", "DELETE"), api=True, body=RISK_BODY),
    "api:risks-carry-forward": Route("project", ("POST",), api=True),
    "api:risk-heat-map": Route("project", ("GET",), api=True),
    "api:risks-occurred": Route("project", ("POST",), api=True, body={"version": 1}),
    **{
        name: Route(scope, methods, api=api, body={"description": "Pwned", "version": 1})
        for name, (scope, methods, api) in RESPONSES.access_routes().items()
    },
    "risks:issues": Route("project", ("GET",)),
    "risks:issues-create": Route("project", ("GET", "POST"), body={"title": "Pwned"}),
    "risks:issues-detail": Route("project", ("GET",)),
    "risks:issues-edit": Route("project", ("GET", "POST"), body={"title": "Pwned", "version": 1}),
    "risks:issues-escalate": Route("project", ("POST",), body={"reason": "Pwned", "version": 1}),
    "api:issues-list": Route("project", ("GET", "POST"), api=True, body={"title": "Pwned"}),
    "api:issues-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body={"title": "Pwned", "version": 1}
    ),
    "api:issues-escalate": Route(
        "project", ("POST",), api=True, body={"reason": "Pwned", "version": 1}
    ),
    "control:health": Route("project", ("GET",)),
    "closing:closing": Route("project", ("GET",)),
    "closing:final-budget": Route(
        "project", ("GET", "POST"), body={"version": 1, "explanation_services": "Pwned"}
    ),
    "closing:final-budget-reconcile": Route("project", ("POST",), body={"version": 1}),
    "closing:final-report": Route("project", ("GET",)),
    "closing:final-report-issue": Route("project", ("POST",), body={"latest": 1}),
    "closing:final-report-issued": Route("project", ("GET",)),
    "closing:final-report-pdf": Route("project", ("GET",)),
    "api:final-budget": Route(
        "project",
        ("GET", "PATCH"),
        api=True,
        body={"version": 1, "explanations": {"services": "Pwned"}},
    ),
    "api:final-budget-reconcile": Route("project", ("POST",), api=True, body={"version": 1}),
    "api:final-report-list": Route("project", ("GET", "POST"), api=True, body={"latest": 1}),
    "api:final-report-detail": Route("project", ("GET",), api=True),
    "api:final-report-pdf": Route("project", ("GET",), api=True),
    "control:status-report": Route("project", ("GET",)),
    "control:status-report-issue": Route("project", ("POST",)),
    "control:status-report-issued": Route("project", ("GET",)),
    "control:status-report-pdf": Route("project", ("GET",)),
    "api:status-report-list": Route("project", ("GET", "POST"), api=True),
    "api:status-report-detail": Route("project", ("GET",), api=True),
    "api:status-report-pdf": Route("project", ("GET",), api=True),
    "control:changes": Route("project", ("GET",)),
    "control:change-new": Route("project", ("POST",), body={"title": "Pwned"}),
    "control:change-detail": Route("project", ("GET",)),
    "control:change-update": Route("project", ("POST",), body={"title": "Pwned", "version": 1}),
    "control:change-edit-add": Route("project", ("POST",), body=CHANGE_EDIT_BODY),
    "control:change-edit-remove": Route("project", ("POST",), body={"version": 1}),
    "control:change-impact": Route("project", ("POST",), body={"version": 1}),
    "control:change-submit": Route("project", ("POST",), body={"version": 1}),
    "control:change-decide": Route("project", ("POST",), body=CHANGE_DECISION_BODY),
    "control:change-apply": Route("project", ("POST",), body={"version": 1}),
    "api:change-list": Route("project", ("GET", "POST"), api=True, body={"title": "Pwned"}),
    "api:change-detail": Route("project", ("GET", "PATCH"), api=True, body={"title": "Pwned"}),
    "api:change-edits": Route("project", ("POST",), api=True, body=CHANGE_EDIT_BODY),
    "api:change-edit": Route("project", ("DELETE",), api=True),
    "api:change-impact": Route("project", ("POST",), api=True),
    "api:change-submit": Route("project", ("POST",), api=True),
    "api:change-decision": Route("project", ("POST",), api=True, body=CHANGE_DECISION_BODY),
    "api:change-apply": Route("project", ("POST",), api=True),
    "api:project-kpis": Route("project", ("GET",), api=True),
    "planning:goal-measurements": Route("project", ("GET", "POST"), body=MEASUREMENT_BODY),
    "planning:goal-measurement-remove": Route("project", ("POST",), body={"version": 1}),
    "api:planning-goal-measurement-list": Route(
        "project", ("GET", "POST"), api=True, body=MEASUREMENT_BODY
    ),
    "api:planning-goal-measurement-detail": Route(
        "project", ("GET", "DELETE"), api=True, body={"version": 1}
    ),
    "api:project-list": Route("self", ("GET", "POST"), api=True),
    "api:project-detail": Route(
        "project", ("GET", "PATCH"), api=True, body={"name": "Pwned", "version": 1}
    ),
    "api:member-list": Route(
        "project", ("GET", "POST"), api=True, body={"user": "outsider", "role": "team_member"}
    ),
    "api:member-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body={"role": "stakeholder", "version": 1}
    ),
    "api:gate-list": Route("project", ("GET", "POST"), api=True, body=GATE_BODY),
    "api:project-history": Route("project", ("GET",), api=True),
    "api:project-reopen": Route("project", ("POST",), api=True, body=REOPEN_BODY),
    "api:initiation-summary": Route("project", ("GET",), api=True),
    "api:initiation-proposal": Route("project", ("GET", "PUT"), api=True, body=PROPOSAL_BODY),
    "api:initiation-business-case": Route("project", ("GET", "PUT"), api=True, body=CASE_BODY),
    "api:initiation-line-list": Route("project", ("GET", "POST"), api=True, body=LINE_BODY),
    "api:initiation-line-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=LINE_BODY
    ),
    "api:initiation-note-list": Route("project", ("GET", "POST"), api=True, body=NOTE_BODY),
    "api:initiation-note-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=NOTE_BODY
    ),
    "api:initiation-attachment-list": Route(
        "project", ("GET", "POST"), api=True, body={"file": "not a file", "version": 1}
    ),
    "api:initiation-attachment-detail": Route(
        "project", ("GET", "DELETE"), api=True, body={"version": 1}
    ),
    "api:initiation-attachment-download": Route("project", ("GET",), api=True),
    "api:planning-task-files": Route(
        "project", ("GET", "POST"), api=True, body={"file": "not a file", "version": 1}
    ),
    "api:planning-task-file": Route("project", ("GET", "DELETE"), api=True, body={"version": 1}),
    "api:planning-task-file-download": Route("project", ("GET",), api=True),
    "api:planning-deliverable-files": Route(
        "project", ("GET", "POST"), api=True, body={"file": "not a file", "version": 1}
    ),
    "api:planning-deliverable-file": Route(
        "project", ("GET", "DELETE"), api=True, body={"version": 1}
    ),
    "api:planning-deliverable-file-download": Route("project", ("GET",), api=True),
    "api:initiation-feasibility": Route("project", ("GET", "PUT"), api=True, body=FEASIBILITY_BODY),
    "api:initiation-stakeholder-list": Route(
        "project", ("GET", "POST"), api=True, body=STAKEHOLDER_BODY
    ),
    "api:initiation-stakeholder-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=STAKEHOLDER_BODY
    ),
    "api:initiation-stakeholder-sign-off": Route(
        "project", ("POST",), api=True, body=SIGN_OFF_BODY
    ),
    "api:skill-list": Route("self", ("GET", "POST"), api=True),
    "api:skill-detail": Route(
        "organisation", ("GET", "PATCH", "DELETE"), api=True, body=SKILL_BODY
    ),
    "api:person-list": Route("self", ("GET",), api=True),
    "api:person-detail": Route("organisation", ("GET", "PATCH"), api=True, body=PROFILE_BODY),
    "api:person-skills": Route("organisation", ("GET", "PUT"), api=True, body=PERSON_SKILLS_BODY),
    "api:absence-list": Route("organisation", ("GET", "POST"), api=True, body=ABSENCE_BODY),
    "api:absence-detail": Route(
        "organisation", ("GET", "PATCH", "DELETE"), api=True, body=ABSENCE_BODY
    ),
    "api:equipment-list": Route("project", ("GET", "POST"), api=True, body=EQUIPMENT_BODY),
    "api:equipment-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=EQUIPMENT_BODY
    ),
    "api:procurement-list": Route("project", ("GET", "POST"), api=True, body=PROCUREMENT_BODY),
    "api:procurement-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=PROCUREMENT_BODY
    ),
    "resources:people": Route("self", ("GET",)),
    "resources:skill-create": Route("self", ("POST",)),
    "resources:person": Route("organisation", ("GET", "POST"), body=PROFILE_BODY),
    "resources:person-skill": Route("organisation", ("POST",), body={"level": 1, "version": 1}),
    "resources:absence-create": Route("organisation", ("POST",), body=ABSENCE_BODY),
    "resources:absence-delete": Route("organisation", ("POST",), body={"version": 1}),
    "resources:team": Route("project", ("GET",)),
    "resources:equipment-create": Route("project", ("GET", "POST"), body=EQUIPMENT_BODY),
    "resources:equipment-edit": Route(
        "project", ("GET", "POST"), body={"action": "remove", "version": 1}
    ),
    "resources:procurement-create": Route("project", ("GET", "POST"), body=PROCUREMENT_BODY),
    "resources:procurement-edit": Route("project", ("GET", "POST"), body=PROCUREMENT_BODY),
    "api:planning-goal-list": Route("project", ("GET", "POST"), api=True, body=GOAL_BODY),
    "api:planning-goal-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=GOAL_BODY
    ),
    "api:planning-scope": Route("project", ("GET", "PUT"), api=True, body=STATEMENT_BODY),
    "api:planning-deliverable-list": Route(
        "project", ("GET", "POST"), api=True, body=DELIVERABLE_BODY
    ),
    "api:planning-deliverable-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=DELIVERABLE_BODY
    ),
    "api:planning-item-list": Route("project", ("GET", "POST"), api=True, body=ITEM_BODY),
    "api:planning-item-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=ITEM_BODY
    ),
    "api:planning-note-list": Route("project", ("GET", "POST"), api=True, body=SCOPE_NOTE_BODY),
    "api:planning-note-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=SCOPE_NOTE_BODY
    ),
    "api:planning-link-list": Route("project", ("GET", "POST"), api=True, body=LINK_BODY),
    "api:planning-link-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=LINK_BODY
    ),
    "api:planning-task-list": Route("project", ("GET", "POST"), api=True, body=TASK_BODY),
    "api:planning-task-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=TASK_BODY
    ),
    "api:planning-task-move": Route("project", ("POST",), api=True, body=MOVE_BODY),
    "api:planning-dependency-list": Route(
        "project", ("GET", "POST"), api=True, body=DEPENDENCY_BODY
    ),
    "api:planning-dependency-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=DEPENDENCY_BODY
    ),
    "api:planning-schedule-run-list": Route(
        "project", ("GET", "POST"), api=True, body={"method": "cpm"}
    ),
    "api:planning-schedule-run-detail": Route("project", ("GET",), api=True),
    "api:risks-estimate-list": Route("project", ("GET", "PUT"), api=True, body=ESTIMATES_BODY),
    "api:risks-estimate-spread": Route("project", ("PATCH",), api=True, body=SPREAD_BODY),
    "api:risks-simulation-list": Route(
        "project", ("GET", "POST"), api=True, body={"runs": 100, "seed": 1}
    ),
    "api:risks-simulation-detail": Route("project", ("GET",), api=True),
    "api:risks-simulation-cancel": Route("project", ("POST",), api=True),
    "api:planning-schedule-run-cancel": Route("project", ("POST",), api=True),
    "api:planning-skill-need-list": Route(
        "project", ("GET", "POST"), api=True, body=SKILL_NEED_BODY
    ),
    "api:planning-skill-need-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=SKILL_NEED_BODY
    ),
    "api:planning-candidate-list": Route("project", ("GET",), api=True),
    "api:planning-candidate-accept": Route(
        "project", ("POST",), api=True, body={"person": "dev_b"}
    ),
    "api:planning-assignment-list": Route(
        "project", ("GET", "POST"), api=True, body=ASSIGNMENT_BODY
    ),
    "api:planning-assignment-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=ASSIGNMENT_BODY
    ),
    "api:planning-recommendation-list": Route("project", ("GET", "POST"), api=True),
    "api:planning-charter": Route("project", ("GET",), api=True),
    "api:planning-charter-version-list": Route("project", ("GET", "POST"), api=True),
    "api:planning-charter-version-detail": Route("project", ("GET",), api=True),
    "api:planning-charter-version-pdf": Route("project", ("GET",), api=True),
    "api:planning-budget": Route("project", ("GET", "PATCH"), api=True, body=BUDGET_BODY),
    "api:planning-budget-set": Route("project", ("POST",), api=True, body={"version": 1}),
    "api:planning-budget-reopen": Route("project", ("POST",), api=True, body={"version": 1}),
    "api:planning-budget-line-list": Route(
        "project", ("GET", "POST"), api=True, body=BUDGET_LINE_BODY
    ),
    "api:planning-budget-line-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=BUDGET_LINE_BODY
    ),
    "api:execution-time-entry-list": Route("project", ("GET", "POST"), api=True, body=ENTRY_BODY),
    "api:execution-time-entry-detail": Route(
        "project", ("GET", "PATCH", "DELETE"), api=True, body=ENTRY_BODY
    ),
    "api:execution-timesheet-list": Route("project", ("GET",), api=True),
    "api:execution-timesheet-totals": Route("project", ("GET",), api=True),
    "api:execution-timesheet-settings": Route(
        "project", ("GET", "PUT"), api=True, body={"allow_unassigned": True}
    ),
    "api:execution-timesheet-tasks": Route("project", ("GET",), api=True),
    "api:execution-timesheet-week": Route("project", ("GET", "PUT"), api=True, body={"rows": []}),
    "api:execution-timesheet-detail": Route("project", ("GET",), api=True),
    "api:execution-timesheet-submit": Route("project", ("POST",), api=True),
    "api:execution-timesheet-approve": Route("project", ("POST",), api=True),
    "api:execution-timesheet-reject": Route(
        "project", ("POST",), api=True, body={"reason": "Pwned"}
    ),
    "api:execution-timesheet-reopen": Route(
        "project", ("POST",), api=True, body={"reason": "Pwned"}
    ),
    "execution:timesheet": Route("project", ("GET",)),
    "execution:timesheet-week": Route("project", ("GET", "POST"), body={"task-0": "x"}),
    "execution:timesheet-submit": Route("project", ("POST",), body={"version": 1}),
    "execution:timesheet-task-search": Route("project", ("GET",)),
    "execution:timesheet-approvals": Route("project", ("GET",)),
    "execution:timesheet-settings": Route("project", ("POST",), body={"allow_unassigned": "on"}),
    "execution:timesheet-decide": Route(
        "project", ("POST",), body={"action": "approve", "version": 1}
    ),
    "planning:budget": Route("project", ("GET",)),
    "planning:budget-settings": Route("project", ("GET", "POST"), body=BUDGET_BODY),
    "planning:budget-set": Route("project", ("POST",), body={"version": 1, "confirm": "yes"}),
    "planning:budget-reopen": Route("project", ("POST",), body={"version": 1}),
    "planning:budget-line-create": Route("project", ("GET", "POST"), body=BUDGET_LINE_BODY),
    "planning:budget-line-edit": Route("project", ("GET", "POST"), body=REMOVE_BODY),
    **{
        name: Route(scope, methods, api=api, body=COST_BODY)
        for name, (scope, methods, api) in COSTS.access_routes().items()
    },
    "planning:costs-file": Route("project", ("GET", "POST"), body={"version": 1}),
    "api:costs-file": Route("project", ("GET", "POST", "DELETE"), api=True, body={"version": 1}),
    "api:costs-actuals": Route("project", ("GET",), api=True),
    "control:evm": Route("project", ("GET",)),
    "api:evm": Route("project", ("GET",), api=True),
    "api:evm-history": Route("project", ("GET",), api=True),
    "api:planning-baseline-list": Route(
        "project", ("GET", "POST"), api=True, body={"name": "Pwned"}
    ),
    "api:planning-baseline-detail": Route("project", ("GET", "DELETE"), api=True),
    "api:planning-baseline-compare": Route("project", ("GET",), api=True),
    "planning:baselines": Route("project", ("GET",)),
    # interop: plan imports (preview, confirm, report list)
    "api:interop-imports": Route("project", ("GET", "POST"), api=True),
    "interop:import": Route("project", ("GET", "POST")),
    "interop:import-confirm": Route("project", ("POST",), body={"report": "x"}),
    "planning:baseline-capture": Route("project", ("POST",), body={"name": "Pwned"}),
    "planning:baseline-delete": Route("project", ("POST",), body={"version": 1}),
    "api:planning-gantt": Route("project", ("GET",), api=True),
    "planning:goals": Route("project", ("GET",)),
    "planning:goal-create": Route("project", ("GET", "POST"), body=GOAL_BODY),
    "planning:goal-edit": Route("project", ("GET", "POST"), body=REMOVE_BODY),
    "planning:scope": Route("project", ("GET",)),
    "planning:scope-statement": Route("project", ("GET", "POST"), body=STATEMENT_BODY),
    "planning:deliverable-create": Route("project", ("GET", "POST"), body=DELIVERABLE_BODY),
    "planning:deliverable-edit": Route("project", ("GET", "POST"), body=DELIVERABLE_BODY),
    "planning:item-create": Route("project", ("GET", "POST"), body=ITEM_BODY),
    "planning:item-edit": Route("project", ("GET", "POST"), body=REMOVE_BODY),
    "planning:scope-note-create": Route("project", ("GET", "POST"), body=SCOPE_NOTE_BODY),
    "planning:scope-note-edit": Route("project", ("GET", "POST"), body=SCOPE_NOTE_BODY),
    "planning:links": Route("project", ("GET",)),
    "planning:link-create": Route("project", ("GET", "POST"), body=LINK_BODY),
    "planning:link-edit": Route("project", ("GET", "POST"), body=REMOVE_BODY),
    "planning:assignments": Route("project", ("GET",)),
    "planning:assignment-recommend": Route("project", ("GET", "POST")),
    "planning:assignment-edit": Route("project", ("GET", "POST"), body=REMOVE_BODY),
    "planning:assignment-create": Route("project", ("GET", "POST"), body={"units_percent": 10}),
    "planning:assignment-candidates": Route("project", ("GET",)),
    "planning:assignment-accept": Route("project", ("POST",), body={"person": "dev_b"}),
    "planning:assignment-skill-create": Route("project", ("GET", "POST"), body={"min_level": 1}),
    "planning:assignment-skill-edit": Route("project", ("GET", "POST"), body=REMOVE_BODY),
    "planning:plan": Route("project", ("GET",)),
    "planning:plan-task-create": Route("project", ("POST",), body={"name": "Pwned"}),
    "planning:plan-task-cell": Route(
        "project", ("POST",), body={"field": "name", "value": "Pwned", "version": 1}
    ),
    "planning:plan-task-move": Route("project", ("POST",), body=MOVE_BODY),
    "planning:plan-task-delete": Route("project", ("POST",), body={"version": 1}),
    "planning:plan-calendar": Route("project", ("GET", "POST"), body=CALENDAR_BODY),
    "planning:plan-holiday-create": Route("project", ("POST",), body=HOLIDAY_BODY),
    "planning:plan-holiday-delete": Route("project", ("POST",), body={"version": 1}),
    "planning:charter": Route("project", ("GET",)),
    "planning:charter-regenerate": Route("project", ("POST",)),
    "planning:charter-pdf": Route("project", ("GET",)),
    "planning:schedule": Route("project", ("GET",)),
    "planning:schedule-run-create": Route(
        "project", ("POST",), body={"method": "cpm", "time_limit_seconds": 10}
    ),
    "planning:schedule-run": Route("project", ("GET",)),
    "planning:schedule-run-cancel": Route("project", ("POST",)),
    "planning:gantt": Route("project", ("GET",)),
    "interop:export": Route("project", ("GET",)),
    "interop:export-download": Route("project", ("GET",)),
    "api:interop-export": Route("project", ("GET",), api=True),
    "risks:simulation": Route("project", ("GET",)),
    "risks:simulation-create": Route("project", ("POST",), body={"runs": 100, "seed": 1}),
    "risks:simulation-run": Route("project", ("GET",)),
    "risks:simulation-cancel": Route("project", ("POST",)),
    "risks:estimates": Route("project", ("GET",)),
    "risks:estimates-save": Route("project", ("POST",), body=ESTIMATE_FORM),
    "risks:estimates-spread": Route("project", ("POST",), body=SPREAD_BODY),
    "initiation:overview": Route("project", ("GET",)),
    "initiation:proposal": Route("project", ("GET", "POST"), body=PROPOSAL_BODY),
    "initiation:business-case": Route("project", ("GET", "POST"), body=CASE_BODY),
    "initiation:line-create": Route("project", ("GET", "POST"), body=LINE_BODY),
    "initiation:line-edit": Route("project", ("GET", "POST"), body=LINE_BODY),
    "initiation:feasibility": Route("project", ("GET", "POST"), body=FEASIBILITY_BODY),
    "initiation:note-create": Route("project", ("GET", "POST"), body=NOTE_BODY),
    "initiation:note-edit": Route(
        "project", ("GET", "POST"), body={"action": "remove", "version": 1}
    ),
    "initiation:attachments": Route("project", ("GET", "POST"), body={"file": "not a file"}),
    "initiation:attachment-download": Route("project", ("GET",)),
    "initiation:attachment-delete": Route("project", ("POST",), body={"version": 1}),
    "initiation:stakeholder-create": Route("project", ("GET", "POST"), body=STAKEHOLDER_BODY),
    "initiation:stakeholder-edit": Route("project", ("GET", "POST"), body=STAKEHOLDER_BODY),
    "initiation:stakeholder-sign-off": Route("project", ("POST",), body=SIGN_OFF_BODY),
    "api-schema": Route("public", ("GET",)),
    "api-docs": Route("public", ("GET",)),
    "accounts:login": Route("public", ("GET", "POST")),
    "accounts:logout": Route("self", ("POST",)),
    "accounts:password-reset": Route("public", ("GET", "POST")),
    "accounts:password-reset-done": Route("public", ("GET",)),
    "accounts:password-reset-confirm": Route("public", ("GET", "POST")),
    "accounts:password-reset-complete": Route("public", ("GET",)),
    "accounts:tokens": Route("self", ("GET", "POST")),
    "accounts:password-change": Route("self", ("GET", "POST")),
    "accounts:user-admin": Route("admin", ("GET",)),
    "accounts:user-admin-update": Route("admin", ("POST",)),
    "accounts:organisation": Route("admin", ("GET", "POST")),
    "accounts:token-revoke": Route("self", ("POST",)),
    "portfolio:project-list": Route("self", ("GET",)),
    "portfolio:project-create": Route("self", ("GET", "POST")),
    "interop:project-from-template": Route("self", ("GET", "POST")),
    "api:project-from-template": Route("self", ("POST",), api=True),
    "interop:import-new": Route("self", ("GET", "POST")),
    "interop:import-new-confirm": Route("self", ("POST",), body={"report": "x"}),
    "api:interop-new-project-import": Route("self", ("POST",), api=True),
    "portfolio:project-detail": Route("project", ("GET",)),
    "portfolio:project-edit": Route(
        "project",
        ("GET", "POST"),
        body={
            "name": "Pwned",
            "code": "PRJ-B",
            "kind": "other",
            "start_date": "2027-01-04",
            "target_date": "2027-06-30",
            "version": 1,
        },
    ),
    "portfolio:gate-decide": Route("project", ("POST",), body=GATE_BODY),
    "portfolio:project-reopen": Route("project", ("POST",), body=REOPEN_BODY),
    "portfolio:member-list": Route("project", ("GET", "POST"), body={"role": "team_member"}),
    "portfolio:member-update": Route("project", ("POST",), body={"action": "remove", "version": 1}),
    "portfolio:project-history": Route("project", ("GET",)),
    **{
        name: Route(scope, methods, api=api, body=body)
        for kit, body in (
            (CRITERIA, CRITERION_BODY),
            (TEST_RUNS, TEST_RUN_BODY),
            (DEFECTS, DEFECT_BODY),
        )
        for name, (scope, methods, api) in kit.access_routes().items()
    },
    "quality:overview": Route("project", ("GET",)),
    "quality:sign-off": Route("project", ("GET", "POST"), body=QUALITY_SIGN_OFF_BODY),
    "api:quality-sign-off-list": Route(
        "project", ("GET", "POST"), api=True, body=QUALITY_SIGN_OFF_BODY
    ),
    "api:quality-summary": Route("project", ("GET",), api=True),
    "quality:criteria-from-scope": Route("project", ("POST",)),
    "api:quality-criteria-from-scope": Route("project", ("POST",), api=True),
}


def _walk(resolver: URLResolver, prefix: str = "", ns: str = "") -> list[tuple[str, str, Any]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            space = f"{ns}{entry.namespace}:" if entry.namespace else ns
            found += _walk(entry, prefix + str(entry.pattern), space)
        elif isinstance(entry, URLPattern) and entry.name:
            found.append((f"{ns}{entry.name}", prefix + str(entry.pattern), entry.callback))
    return found


ALL_ROUTES = _walk(get_resolver())


def test_every_route_has_a_matrix_entry():
    names = {name for name, _, _ in ALL_ROUTES}
    assert names - set(ROUTES) == set(), "add these routes to the access matrix"
    assert set(ROUTES) - names == set(), "these matrix entries name no route"


@pytest.mark.parametrize(
    ("name", "pattern", "callback"), ALL_ROUTES, ids=[r[0] for r in ALL_ROUTES]
)
def test_api_views_answer_exactly_the_declared_methods(name, pattern, callback):
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None or not ROUTES[name].api:
        return
    handled = {
        m.upper() for m in ("get", "post", "patch", "put", "delete") if hasattr(view_class, m)
    }
    assert handled == set(ROUTES[name].methods), name


def _path(pattern: str, project: Project, membership: ProjectMembership) -> str:
    """The route for ``project`` with children taken from ``membership``'s project."""
    child = membership.project
    children = {
        "member_id": membership.public_id,
        "line_id": CashFlowLine.objects.filter(case__project=child).first(),
        "note_id": ResearchNote.objects.filter(project=child).first(),
        "attachment_id": ResearchAttachment.objects.filter(note__project=child).first(),
        "stakeholder_id": Stakeholder.objects.filter(project=child).first(),
        "equipment_id": Equipment.objects.filter(project=child).first(),
        "procurement_id": ProcurementItem.objects.filter(project=child).first(),
        "goal_id": Goal.objects.filter(project=child).first(),
        "measurement_id": GoalMeasurement.objects.filter(goal__project=child).first(),
        "deliverable_id": Deliverable.objects.filter(project=child).first(),
        "item_id": ScopeItem.objects.filter(project=child).first(),
        "scope_note_id": ScopeNote.objects.filter(project=child).first(),
        "link_id": CollaborationLink.objects.filter(project=child).first(),
        "task_id": Task.objects.filter(project=child).first(),
        "dependency_id": Dependency.objects.filter(project=child).first(),
        "budget_line_id": BudgetLine.objects.filter(project=child).first(),
        "run_id": ScheduleRun.objects.filter(project=child).first(),
        "simulation_id": SimulationRun.objects.filter(project=child).first(),
        "baseline_id": Baseline.objects.filter(project=child).first(),
        "skill_need_id": TaskSkill.objects.filter(task__project=child).first(),
        "assignment_id": Assignment.objects.filter(project=child).first(),
        "holiday_id": Holiday.objects.filter(project=child).first(),
        "time_entry_id": TimeEntry.objects.filter(project=child).first(),
        "timesheet_id": Timesheet.objects.filter(project=child).first(),
        "week": "2027-01-11",
        "export_format": "xlsx",
        "comment_id": Comment.objects.filter(project=child).first(),
        "plan_file_id": PlanFile.objects.filter(project=child).first(),
        "thread_id": Task.objects.filter(project=child).first(),
        "kind": "task",
        "status_update_id": StatusUpdate.objects.filter(project=child).first(),
        "cost_id": CostEntry.objects.filter(project=child).first(),
        "risk_id": Risk.objects.filter(project=child).first(),
        "risk_response_id": RiskResponse.objects.filter(project=child).first(),
        "issue_id": Issue.objects.filter(project=child).first(),
        "criterion_id": Criterion.objects.filter(project=child).first(),
        "test_run_id": TestRun.objects.filter(project=child).first(),
        "defect_id": Defect.objects.filter(project=child).first(),
        "number": 1,
        "file_id": ClosingFile.objects.filter(project=child).first(),
        "handover_item_id": HandoverItem.objects.filter(project=child).first(),
        "training_session_id": TrainingSession.objects.filter(project=child).first(),
        "lesson_id": Lesson.objects.filter(project=child).first(),
        "index": 1,
    }
    for kind in ("uuid", "str", "int"):
        pattern = pattern.replace(f"<{kind}:project_id>", str(project.public_id))
        for name, obj in children.items():
            key = getattr(obj, "public_id", obj)
            pattern = pattern.replace(f"<{kind}:{name}>", str(key))
    return "/" + pattern


def _initiation_snapshot() -> list:
    return [
        list(model.objects.order_by("pk").values_list("pk", "version"))
        for model in (
            Proposal,
            BusinessCase,
            CashFlowLine,
            ResearchNote,
            FeasibilityStudy,
            Stakeholder,
            ResearchAttachment,
            Goal,
            GoalMeasurement,
            ScopeStatement,
            Deliverable,
            ScopeItem,
            ScopeNote,
            CollaborationLink,
            Task,
            Dependency,
            ProjectBudget,
            BudgetLine,
            ScheduleRun,
            Baseline,
            TaskSkill,
            Assignment,
            ProjectCalendar,
            Holiday,
            TimeEntry,
            Timesheet,
            TimesheetSettings,
            Comment,
            StatusUpdate,
            PlanFile,
            CostEntry,
            Handover,
            HandoverItem,
            ClosingFile,
            TrainingPlan,
            TrainingSession,
            Review,
            Lesson,
            SimulationRun,
            SimulationSettings,
            TaskEstimate,
            FinalBudget,
            Risk,
            RiskResponse,
            Issue,
            RiskMatrixSet,
            Criterion,
            TestRun,
            Defect,
            SignOff,
        )
    ] + [
        list(TrainingAttendance.objects.order_by("pk").values_list("pk", "name")),
        list(CharterVersion.objects.order_by("pk").values_list("pk", "number")),
        list(StatusReport.objects.order_by("pk").values_list("pk", "number")),
        list(FinalReport.objects.order_by("pk").values_list("pk", "number")),
        list(BudgetReconciliation.objects.order_by("pk").values_list("pk", "number")),
        list(ChangeRequest.objects.order_by("pk").values_list("pk", "version")),
    ]


def _resources_snapshot() -> list:
    return [
        list(model.objects.order_by("pk").values_list("pk", "version"))
        for model in (Skill, PersonSkill, ResourceProfile, Absence, Equipment, ProcurementItem)
    ] + [list(CostRate.objects.order_by("pk").values_list("pk", "rate"))]


def _snapshot() -> tuple:
    return (
        _initiation_snapshot(),
        _resources_snapshot(),
        list(
            Project.objects.order_by("pk").values_list("pk", "name", "stage", "status", "version")
        ),
        list(
            ProjectMembership.objects.order_by("pk").values_list("pk", "user_id", "role", "version")
        ),
        GateDecision.objects.count(),
        AuditEntry.objects.count(),
        Notification.objects.count(),
    )


def _client(route: Route, user: Any, api: Any) -> Any:
    """A token-authenticated API client or a signed-in page client."""
    if route.api:
        return api(user)
    client = Client()
    client.force_login(user)
    return client


def _send(client: Any, method: str, path: str, body: dict[str, Any], api: bool) -> Any:
    call = getattr(client, method.lower())
    if api:
        return call(path, body, format="json", HTTP_IF_MATCH="1") if method != "GET" else call(path)
    return call(path, body) if method == "POST" else call(path)


PROJECT_ROUTES = [(n, p) for n, p, _ in ALL_ROUTES if ROUTES[n].scope == "project"]
INTRUDERS = ["outsider", "pm_a", "sponsor_a", "dev_a", "viewer_a", "foreign_admin", "foreign_pmo"]


@pytest.fixture(autouse=True)
def initiation_records(request):
    """Project B's records, so child routes have something to protect (tests with a world)."""
    if "world" not in request.fixturenames:
        return
    build_project_b_records(request.getfixturevalue("world"))


def build_project_b_records(world: Any) -> None:
    """A record of every kind in project B (the archive test closes it and tries each route)."""
    from keystage.initiation import services

    def bare(body: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k != "version"}

    pm = world.b["project_manager"]
    project = world.project_b
    services.proposal_save(
        who=pm, project=project, version=None, data=bare(PROPOSAL_BODY) | {"objective": "B"}
    )
    services.business_case_save(who=pm, project=project, version=None, data=bare(CASE_BODY))
    services.line_create(who=pm, project=project, data=bare(LINE_BODY) | {"name": "B cost"})
    note = services.note_create(who=pm, project=project, data={"title": "B note", "body": "b"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keystage.initiation import attachments

    attachments.attachment_create(
        who=pm, note=note, upload=SimpleUploadedFile("b-secret.pdf", b"%PDF-1.4 PRJ-B secret")
    )
    services.stakeholder_create(
        who=pm, project=project, data=bare(STAKEHOLDER_BODY) | {"name": "B person"}
    )
    from keystage.resources import services as resources
    from keystage.resources import supplies

    supplies.equipment_create(
        who=pm, project=project, data={"name": "B rack", "unit_cost": Decimal("10")}
    )
    supplies.procurement_create(
        who=pm, project=project, data={"name": "B licence", "cost": Decimal("10")}
    )
    # A colleague with a skill, a profile and an absence, for the organisation routes.
    dev = world.b["team_member"]
    python = resources.skill_create(who=world.admin, name="Python")
    resources.person_skill_set(who=dev, person=dev, skill=python, level=3, version=None)
    resources.absence_create(
        who=dev,
        person=dev,
        data={"start_date": dt.date(2027, 3, 1), "end_date": dt.date(2027, 3, 2)},
    )
    _planning_records(pm, project, bare)
    _closing_records(pm, project, world.b["stakeholder"])


def _planning_records(pm: Any, project: Project, bare: Any) -> None:
    """Project B's goals, scope and links (the charter version is inserted as is: cheap)."""
    from keystage.planning.services import collaboration, goals, scope

    goal = goals.goal_create(who=pm, project=project, data=bare(GOAL_BODY) | {"title": "B goal"})
    from keystage.planning.services.goal_measurements import measurement_add

    measurement_add(
        who=pm, goal=goal, data={"measured_on": dt.date(2026, 11, 1), "value": Decimal("1.5")}
    )
    scope.statement_save(who=pm, project=project, version=None, data=bare(STATEMENT_BODY))
    scope.deliverable_create(who=pm, project=project, data=bare(DELIVERABLE_BODY))
    scope.item_create(who=pm, project=project, data=bare(ITEM_BODY))
    scope.note_create(who=pm, project=project, data=bare(SCOPE_NOTE_BODY))
    collaboration.collaboration_link_create(who=pm, project=project, data=bare(LINK_BODY))
    from keystage.planning.services import calendar as calendar_services
    from keystage.planning.services import dependencies, wbs

    first = wbs.task_create(who=pm, project=project, data={"name": "B design"})
    second = wbs.task_create(who=pm, project=project, data={"name": "B build"})
    dependencies.dependency_create(
        who=pm,
        project=project,
        predecessor_id=first.public_id,
        successor_id=second.public_id,
        data={},
    )
    from keystage.costs import services as budget

    budget.budget_save(who=pm, project=project, version=None, data={"management_reserve": 10})
    budget.line_create(who=pm, project=project, data={"name": "B travel", "amount": 10})
    ScheduleRun.objects.create(project=project, method="level", requested_by=pm)
    SimulationRun.objects.create(project=project, runs=100, seed=1, requested_by=pm)
    task = Task.objects.filter(project=project, is_summary=False, kind="task").first()
    if task is not None:
        TaskEstimate.objects.create(
            task=task, project=project, optimistic_minutes=240, likely_minutes=480,
            pessimistic_minutes=960,
        )  # fmt: skip
    from keystage.planning.services import baselines

    baselines.baseline_capture(who=pm, project=project, name="B plan")
    from keystage.staffing import services as staffing

    staffing.skill_need_create(
        who=pm, project=project, task=first, data={"skill": "Python", "min_level": 1}
    )
    staffing.assignment_create(
        who=pm, project=project, task=first, data={"person": "dev_b", "units_percent": 50}
    )
    calendar_services.calendar_save(
        who=pm, project=project, version=None, data={"working_weekdays": "12345"}
    )
    from keystage.execution.status_updates import STATUS_UPDATES
    from keystage.notifications import comments
    from keystage.notifications.threads import resolve_record

    STATUS_UPDATES.create(
        who=pm,
        project=project,
        data=bare(STATUS_BODY) | {"summary": "B", "week_of": dt.date(2027, 2, 1)},
    )
    comments.comment_create(
        who=pm,
        project=project,
        record=resolve_record(project, "task", first.public_id),
        data={"body": "B secret @dev_b"},
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keystage.planning.services.attachments import plan_file_create

    plan_file_create(
        who=pm, record=first, upload=SimpleUploadedFile("b-spec.pdf", b"%PDF-1.4 PRJ-B spec")
    )
    calendar_services.holiday_create(
        who=pm, project=project, data={"name": "B shutdown", "start_date": dt.date(2027, 2, 1)}
    )
    CharterVersion.objects.create(
        project=project, number=1, generated_by=pm, generated_by_label="B", content={}, pdf=b"%PDF"
    )
    StatusReport.objects.create(
        project=project,
        number=1,
        period_start=dt.date(2027, 1, 4),
        period_end=dt.date(2027, 1, 10),
        issued_by=pm,
        issued_by_label="B",
        content={"secret": "B report"},
        html="<p>B report</p>",
        pdf=b"%PDF",
    )
    FinalBudget.objects.create(project=project, explanations={"services": "B secret"})
    FinalReport.objects.create(
        project=project,
        number=1,
        issued_by=pm,
        issued_by_label="B",
        content={"secret": "B final"},
        html="<p>B final</p>",
        pdf=b"%PDF",
    )
    BudgetReconciliation.objects.create(
        project=project,
        number=1,
        reconciled_by=pm,
        reconciled_by_label="B",
        figures={"secret": "B figures"},
        fingerprint="x",
    )
    ChangeRequest.objects.create(
        project=project,
        number=1,
        title="B change",
        requester=pm,
        status="submitted",
        edits=[{"op": "add_line", "name": "B", "category": "services", "amount": "1.00"}],
    )
    # A submitted week of B's team member (inserted as is: the rules are tested elsewhere).
    from keystage.accounts.models import User

    dev = User.objects.get(username="dev_b")
    week = Timesheet.objects.create(
        project=project, person=dev, week_start=dt.date(2027, 1, 11), status="submitted"
    )
    TimeEntry.objects.create(
        project=project, timesheet=week, task=first, person=dev, day=dt.date(2027, 1, 11), hours=8
    )
    _risk_records(pm, project, first)
    _quality_records(project, dev)
    CostEntry.objects.create(
        project=project,
        kind="invoice",
        description="B invoice",
        amount=Decimal("10"),
        date=dt.date(2027, 1, 5),
        supplier="B supplier",
        reference="B-1",
        attachment_name="b-invoice.pdf",
    )


def _closing_records(pm: Any, project: Project, lead: Any) -> None:
    """Project B's handover, training and review (the services, before B is closed)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keystage.closing.handover.services import HANDOVER_ITEMS, closing_file_add, handover_save
    from keystage.closing.review.services import LESSONS, review_save
    from keystage.closing.training.services import (
        TRAINING_SESSIONS,
        attendance_set,
        training_plan_save,
    )

    handover_save(who=pm, project=project, version=None, data={"support_lead": lead})
    HANDOVER_ITEMS.create(who=pm, project=project, data={"title": "B access"})
    closing_file_add(
        who=pm,
        project=project,
        upload=SimpleUploadedFile("b-runbook.txt", b"PRJ-B runbook"),
        topic="handover",
    )
    training_plan_save(who=pm, project=project, version=None, data={"users_to_train": 3})
    session = TRAINING_SESSIONS.create(
        who=pm,
        project=project,
        data={
            "title": "B session",
            "audience": "B users",
            "session_date": dt.date(2026, 11, 2),
            "trainer": "B",
            "invited": 3,
        },
    )
    attendance_set(who=pm, session=session, version=1, names=["B attendee"], people=[])
    review_save(
        who=pm,
        project=project,
        version=None,
        data={
            "held_on": dt.date(2026, 11, 2),
            "attendees": "B",
            "went_well": "B",
            "went_badly": "B",
        },
    )
    lesson = {k: v for k, v in LESSON_BODY.items() if k != "version"}
    LESSONS.create(who=pm, project=project, data=lesson | {"title": "B lesson"})


def _risk_records(pm: Any, project: Project, task: Any) -> None:
    """Project B's risk (linked to a task), its response and an issue."""
    from keystage.risks.records import ISSUES, RISKS

    risk = RISKS.create(
        who=pm,
        project=project,
        data={"title": "B secret risk", "probability": Decimal("0.5"), "tasks": [task]},
    )
    RESPONSES.create(
        who=pm,
        project=project,
        data={"risk": risk, "strategy": "avoid", "description": "B", "probability": 0},
    )
    ISSUES.create(who=pm, project=project, data={"title": "B secret issue"})


def _quality_records(project: Project, dev: Any) -> None:
    """B's quality plan, a test run, a defect and a sign-off (inserted as is)."""
    deliverable = Deliverable.objects.filter(project=project).first()
    Criterion.objects.create(project=project, deliverable=deliverable, text="B criterion")
    run = TestRun.objects.create(
        project=project, deliverable=deliverable, name="B run", run_on=dt.date(2027, 1, 12)
    )
    Defect.objects.create(
        project=project, number=1, title="B defect", deliverable=deliverable, test_run=run
    )
    SignOff.objects.create(
        project=project,
        deliverable=deliverable,
        decision="rejected",
        comment="B secret",
        signer=dev,
        signed_by="B dev",
        signed_on=dt.date(2026, 12, 1),
        recorded_by=dev,
    )


@pytest.fixture
def foreigners(world):
    from keystage.accounts.services import organisation_get_or_create
    from tests.conftest import make_user

    other = organisation_get_or_create(name="Other Corp")
    return {
        "foreign_admin": make_user("foreign_admin", other, "admin"),
        "foreign_pmo": make_user("foreign_pmo", other, "portfolio_owner"),
    }


# Project B's records (a record of every kind) cost more to build than a route's checks, so
# each test checks a chunk of routes on one build; each route's checks run in a savepoint
# with a fresh cache (throttles), and every route that fails is named.
CHUNK = 12


def _chunks(routes: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    return [routes[i : i + CHUNK] for i in range(0, len(routes), CHUNK)]


def _chunk_id(chunk: list[tuple[str, str]]) -> str:
    return f"{chunk[0][0]}..{chunk[-1][0]}"


def _each_route(chunk: list[tuple[str, str]], check: Any) -> None:
    from django.core.cache import cache
    from django.db import transaction

    failures: list[str] = []
    for name, pattern in chunk:
        cache.clear()
        savepoint = transaction.savepoint()
        try:
            check(name, pattern)
        except AssertionError as exc:
            failures.append(f"{name}: {exc}")
        finally:
            transaction.savepoint_rollback(savepoint)
    assert not failures, "\n".join(failures)


def _a1_route(world: Any, api: Any, name: str, pattern: str) -> None:
    # Every intruder on one build: project B's records are built once, not per user.
    from keystage.accounts.models import User

    route = ROUTES[name]
    target = ProjectMembership.objects.get(project=world.project_b, user=world.b["team_member"])
    path = _path(pattern, world.project_b, target)
    before = _snapshot()
    for who in INTRUDERS:
        user = User.objects.get(username=who)
        for method in route.methods:
            response = _send(_client(route, user, api), method, path, route.body, route.api)
            assert response.status_code == 404, f"{who} {method} {path} → {response.status_code}"
            assert b"PRJ-B" not in response.content and b"Project B" not in response.content
    for method in route.methods:  # anonymous: asked to sign in, nothing more
        client = APIClient() if route.api else Client()
        response = _send(client, method, path, route.body, route.api)
        expected = (401, 403) if route.api else (302,)
        assert response.status_code in expected, f"anonymous {method} {path}"
        if not route.api:
            assert "/accounts/login/" in response["Location"]
    assert _snapshot() == before


@pytest.mark.parametrize("chunk", _chunks(PROJECT_ROUTES), ids=_chunk_id)
def test_a1_no_read_or_write_of_another_project(world, foreigners, api, chunk):
    _each_route(chunk, lambda name, pattern: _a1_route(world, api, name, pattern))


CHILD_ROUTES = [
    (n, p)
    for n, p in PROJECT_ROUTES
    if any(
        f"{c}>" in p
        for c in (
            "member_id",
            "line_id",
            "note_id",
            "attachment_id",
            "stakeholder_id",
            "equipment_id",
            "procurement_id",
            "goal_id",
            "measurement_id",
            "deliverable_id",
            "item_id",
            "link_id",
            "scope_note_id",
            "number",
            "task_id",
            "dependency_id",
            "budget_line_id",
            "run_id",
            "baseline_id",
            "skill_need_id",
            "assignment_id",
            "holiday_id",
            "time_entry_id",
            "timesheet_id",
            "comment_id",
            "plan_file_id",
            "thread_id",
            "status_update_id",
            "cost_id",
            "criterion_id",
            "test_run_id",
            "defect_id",
            "record_id",
            "file_id",
            "handover_item_id",
            "training_session_id",
            "lesson_id",
            "risk_id",
            "risk_response_id",
            "issue_id",
        )
    )
]


def _a3_route(world: Any, api: Any, name: str, pattern: str) -> None:
    route = ROUTES[name]
    foreign_child = ProjectMembership.objects.get(
        project=world.project_b, user=world.b["team_member"]
    )
    path = _path(pattern, world.project_a, foreign_child)  # A's manager, B's member
    before = _snapshot()
    for user in (world.a["project_manager"], world.admin):
        for method in route.methods:
            response = _send(_client(route, user, api), method, path, route.body, route.api)
            assert response.status_code == 404, f"{user} {method} {path}"
    assert _snapshot() == before


@pytest.mark.parametrize("chunk", _chunks(CHILD_ROUTES), ids=_chunk_id)
def test_a3_parent_of_one_project_child_of_another(world, api, chunk):
    _each_route(chunk, lambda name, pattern: _a3_route(world, api, name, pattern))


def test_a4_protected_fields_are_never_written(world, api):
    client = api(world.a["project_manager"])
    base = f"/api/v1/projects/{world.project_a.public_id}/"
    protected = {
        "id": "00000000-0000-0000-0000-000000000009",
        "project": str(world.project_b.public_id),
        "organisation": 999,
        "owner": "outsider",
        "created_by": "outsider",
        "is_admin": True,
        "version": 1,
        "stage": "closed",
        "status": "cancelled",
        "decided_by": "outsider",
        "resulting_stage": "closed",
        "org_role": "admin",
        "is_superuser": True,
    }
    created = client.post(
        base + "members/", {**protected, "user": "outsider", "role": "team_member"}, format="json"
    )
    assert created.status_code == 201
    membership = ProjectMembership.objects.get(public_id=created.json()["id"])
    assert membership.project_id == world.project_a.pk
    assert str(membership.public_id) != protected["id"]
    changed = client.patch(
        f"{base}members/{membership.public_id}/",
        {**protected, "role": "stakeholder", "user": "pm_b"},
        format="json",
    )
    assert changed.status_code == 200
    membership.refresh_from_db()
    assert (membership.user.username, membership.role, membership.project_id) == (
        "outsider",
        "stakeholder",
        world.project_a.pk,
    )
    sponsor = api(world.a["sponsor"])
    gate = sponsor.post(
        base + "gates/",
        {
            **protected,
            "to_stage": "planning",
            "outcome": "go",
            "rationale": "ok",
            "override_reason": "waived",
        },
        format="json",
    )
    assert gate.status_code == 201
    decision = GateDecision.objects.get()
    assert (decision.decided_by, decision.resulting_stage) == (world.a["sponsor"], "planning")
    world.outsider.refresh_from_db()
    assert (world.outsider.org_role, world.outsider.is_superuser) == ("member", False)
    new = api(world.pmo).post(
        "/api/v1/projects/",
        {
            **protected,
            "name": "N",
            "code": "NEW-1",
            "kind": "other",
            "start_date": "2027-01-01",
            "target_date": "2027-02-01",
        },
        format="json",
    )
    assert new.status_code == 201
    project = Project.objects.get(code="NEW-1")
    assert (project.stage, project.status, project.version, project.created_by) == (
        "initiation",
        "active",
        1,
        world.pmo,
    )
    assert project.organisation_id == world.org.pk


# --------------------------------------------------------------- organisation


ORG_ROUTES = [(n, p) for n, p, _ in ALL_ROUTES if ROUTES[n].scope == "organisation"]


def _org_path(pattern: str, world: Any) -> str:
    """The route for project B's team member, their absence and the organisation's skill."""
    person = world.b["team_member"]
    values = {
        "user_id": person.public_id,
        "absence_id": Absence.objects.filter(user=person).first().public_id,
        "skill_id": Skill.objects.get(name="Python").public_id,
    }
    for kind in ("uuid", "str"):
        for name, value in values.items():
            pattern = pattern.replace(f"<{kind}:{name}>", str(value))
    return "/" + pattern


@pytest.mark.parametrize(("name", "pattern"), ORG_ROUTES, ids=[r[0] for r in ORG_ROUTES])
def test_organisation_data_is_invisible_to_other_organisations(
    world, foreigners, api, name, pattern
):
    from keystage.accounts.models import User

    route = ROUTES[name]
    path = _org_path(pattern, world)
    before = _snapshot()
    for who in ("foreign_admin", "foreign_pmo"):
        user = User.objects.get(username=who)
        for method in route.methods:
            response = _send(_client(route, user, api), method, path, route.body, route.api)
            assert response.status_code == 404, f"{who} {method} {path} → {response.status_code}"
            assert b"Python" not in response.content and b"dev_b" not in response.content
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "pattern"), ORG_ROUTES, ids=[r[0] for r in ORG_ROUTES])
def test_colleagues_read_but_do_not_change_another_persons_data(world, api, name, pattern):
    from keystage.accounts.models import User

    route = ROUTES[name]
    path = _org_path(pattern, world)
    before = _snapshot()
    for who in ("outsider", "pm_b", "sponsor_b", "dev_a"):
        user = User.objects.get(username=who)
        for method in route.methods:
            response = _send(_client(route, user, api), method, path, route.body, route.api)
            expected = 200 if method == "GET" else 403
            assert response.status_code == expected, (
                f"{who} {method} {path} → {response.status_code}"
            )
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "pattern"), ORG_ROUTES, ids=[r[0] for r in ORG_ROUTES])
def test_anonymous_gets_no_organisation_data(world, name, pattern):
    route = ROUTES[name]
    path = _org_path(pattern, world)
    before = _snapshot()
    for method in route.methods:
        client = APIClient() if route.api else Client()
        response = _send(client, method, path, route.body, route.api)
        expected = (401, 403) if route.api else (302,)
        assert response.status_code in expected, f"anonymous {method} {path}"
    assert _snapshot() == before
