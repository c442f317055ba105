"""The demo portfolio: a realistic organisation with IT projects in every stage.

Loaded once by `keystage demo`; every record goes through the same services as
the web app, so the journal and gate history are real.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction

from keystage.accounts import services as accounts
from keystage.accounts.models import User
from keystage.accounts.roles import OrgRole, ProjectRole
from keystage.core.models import AuditEntry
from keystage.demo.baseline import load_baseline
from keystage.demo.closing import load_cancelled_review, load_closing_file
from keystage.demo.costs import load_actuals, load_budget
from keystage.demo.execution import load_execution
from keystage.demo.initiation import GATE_OVERRIDES, load_initiation
from keystage.demo.planning import OUTLINES, load_plan, load_schedule_run
from keystage.demo.quality import load_quality
from keystage.demo.resources import load_people, load_project_resources
from keystage.demo.risks import load_risks
from keystage.demo.scope import load_handed_over, load_scope
from keystage.demo.staffing import load_staffing
from keystage.initiation.charter.models import CharterVersion
from keystage.initiation.charter.services import document_context
from keystage.initiation.charter.services import render_pdf as charter_pdf
from keystage.planning.models import Baseline, ScheduleRun
from keystage.portfolio import services as portfolio
from keystage.portfolio.gate_checks import gate_missing
from keystage.portfolio.lifecycle import GateOutcome, ProjectKind, Stage, next_stage
from keystage.portfolio.models import GateDecision, Project

ORGANISATION = "Northwind Logistics"
CREDENTIALS_FILE = "demo-credentials.txt"

PEOPLE: list[tuple[str, str, str, str, str]] = [
    # username, first, last, job title, organisation role
    ("admin", "Alex", "Admin", "IT administrator", OrgRole.ADMIN),
    ("pmo", "Paula", "Moreno", "Head of the PMO", OrgRole.PORTFOLIO_OWNER),
    ("dana", "Dana", "Whitfield", "Chief Financial Officer", OrgRole.MEMBER),
    ("omar", "Omar", "Haddad", "Chief Information Officer", OrgRole.MEMBER),
    ("priya", "Priya", "Natarajan", "Senior project manager", OrgRole.MEMBER),
    ("lukas", "Lukas", "Berg", "Infrastructure project manager", OrgRole.MEMBER),
    ("sofia", "Sofia", "Marin", "Data programme manager", OrgRole.MEMBER),
    ("chen", "Chen", "Wei", "Cloud architect", OrgRole.MEMBER),
    ("amara", "Amara", "Okafor", "Network engineer", OrgRole.MEMBER),
    ("jonas", "Jonas", "Keller", "Software developer", OrgRole.MEMBER),
    ("elena", "Elena", "Petrova", "Data engineer", OrgRole.MEMBER),
    ("mateo", "Mateo", "Rossi", "QA and test lead", OrgRole.MEMBER),
    ("hannah", "Hannah", "Brooks", "Head of Sales operations", OrgRole.MEMBER),
]

# Projects that pass the Planning gate without a set budget in Keystage.
PLANNING_GATE_OVERRIDES = {
    "BI-SALES": "Small, self-funded dashboards: the budget was agreed in the sales "
    "operations workbook before the project moved to Keystage.",
}

# code, name, kind, start offset (days from today), length (days), description,
# members {username: role}, gates [(outcome, rationale)]
PROJECTS = [
    (
        "ERP-CLOUD",
        "ERP cloud migration",
        ProjectKind.CLOUD_COMPUTING,
        -150,
        300,
        "Move the on-premises ERP to a managed cloud platform, retire two data-centre racks "
        "and cut licence and hosting costs by 30 %.",
        {
            "priya": ProjectRole.PROJECT_MANAGER,
            "dana": ProjectRole.SPONSOR,
            "chen": ProjectRole.TEAM_MEMBER,
            "jonas": ProjectRole.TEAM_MEMBER,
            "mateo": ProjectRole.TEAM_MEMBER,
            "amara": ProjectRole.TEAM_MEMBER,
            "elena": ProjectRole.TEAM_MEMBER,
            "lukas": ProjectRole.TEAM_MEMBER,
            "sofia": ProjectRole.TEAM_MEMBER,
            "hannah": ProjectRole.STAKEHOLDER,
        },
        [
            (
                GateOutcome.GO,
                "Business case approved: NPV positive over five years; hosting ends next year.",
            ),
            (GateOutcome.GO, "Plan baselined, budget released, migration partner contracted."),
        ],
    ),
    (
        "NET-27",
        "Campus network upgrade",
        ProjectKind.NETWORK_UPGRADE,
        -40,
        200,
        "Replace the core and access switches of three sites, move to Wi-Fi 7 and "
        "segment the warehouse network.",
        {
            "lukas": ProjectRole.PROJECT_MANAGER,
            "omar": ProjectRole.SPONSOR,
            "amara": ProjectRole.TEAM_MEMBER,
            "chen": ProjectRole.TEAM_MEMBER,
            "hannah": ProjectRole.STAKEHOLDER,
        },
        [(GateOutcome.GO, "Feasibility confirmed with the site survey; vendor shortlist agreed.")],
    ),
    (
        "DATA-PLAT",
        "Customer data platform",
        ProjectKind.DATA_MANAGEMENT,
        10,
        270,
        "One governed platform for customer, shipment and billing data, feeding "
        "analytics and the customer portal.",
        {
            "sofia": ProjectRole.PROJECT_MANAGER,
            "omar": ProjectRole.SPONSOR,
            "elena": ProjectRole.TEAM_MEMBER,
            "jonas": ProjectRole.TEAM_MEMBER,
            "dana": ProjectRole.STAKEHOLDER,
        },
        [],
    ),
    (
        "BI-SALES",
        "Sales analytics dashboards",
        ProjectKind.BUSINESS_ANALYTICS,
        -210,
        240,
        "Self-service dashboards for pipeline, margin and churn for the sales teams.",
        {
            "sofia": ProjectRole.PROJECT_MANAGER,
            "hannah": ProjectRole.SPONSOR,
            "elena": ProjectRole.TEAM_MEMBER,
            "mateo": ProjectRole.TEAM_MEMBER,
        },
        [
            (GateOutcome.GO, "Clear demand from sales; small, self-funded."),
            (GateOutcome.GO, "Plan and data sources agreed."),
            (
                GateOutcome.GO,
                "All dashboards accepted by sales operations; hand-over to BI support.",
            ),
        ],
    ),
    (
        "DC-REFRESH",
        "Warehouse server refresh",
        ProjectKind.HARDWARE_INSTALLATION,
        -20,
        120,
        "Replace end-of-life servers in the two warehouses with a hyper-converged cluster.",
        {
            "lukas": ProjectRole.PROJECT_MANAGER,
            "dana": ProjectRole.SPONSOR,
            "amara": ProjectRole.TEAM_MEMBER,
        },
        [
            (
                GateOutcome.HOLD,
                "Hold until the ERP migration frees rack space; revisit next quarter.",
            )
        ],
    ),
    (
        "CRM-LEGACY",
        "Legacy CRM upgrade",
        ProjectKind.SOFTWARE_DEVELOPMENT,
        -300,
        180,
        "Upgrade the in-house CRM to the vendor's current release.",
        {
            "priya": ProjectRole.PROJECT_MANAGER,
            "hannah": ProjectRole.SPONSOR,
            "jonas": ProjectRole.TEAM_MEMBER,
        },
        [
            (
                GateOutcome.NO_GO,
                "The vendor ends support next year; the CRM will be replaced instead.",
            )
        ],
    ),
]


@dataclass(frozen=True)
class DemoLogin:
    """The sign-in the demo command prints."""

    username: str
    password: str
    role: str
    others: list[str]


def _password_file() -> Path:
    from django.conf import settings

    return settings.DATA_DIR / CREDENTIALS_FILE


def demo_load(*, today: dt.date | None = None) -> DemoLogin:
    """Load the demo portfolio if the database has no users yet; return the login to print."""
    path = _password_file()
    others = [p[0] for p in PEOPLE[1:]]
    if User.objects.exists():
        password = path.read_text().strip() if path.exists() else "(the password you chose)"
        return DemoLogin("admin", password, "administrator", others)
    password = f"demo-{secrets.token_urlsafe(9)}"
    _load(password=password, today=today or dt.date.today())
    path.write_text(password + "\n")
    path.chmod(0o600)
    return DemoLogin("admin", password, "administrator", others)


def _gate_day(start: dt.date, length: int, number: int) -> dt.date:
    """The day the demo decides gate ``number`` of a project (before ``_backdate`` caps it)."""
    return start + dt.timedelta(days=number * min(length // 6, 45))


def _at(day: dt.date, today: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(min(day, today), dt.time(hour), tzinfo=dt.UTC)


def _backdate(decision: GateDecision, day: dt.date, today: dt.date) -> None:
    """Give a demo gate the date it would have had in a real project (and its journal entry)."""
    at = dt.datetime.combine(min(day, today), dt.time(10, 30), tzinfo=dt.UTC)
    GateDecision.objects.filter(pk=decision.pk).update(decided_at=at)
    AuditEntry.objects.filter(object_id=decision.public_id).update(at=at)


def _override(project: Project, code: str, number: int, outcome: str) -> str:
    """The override reason a demo gate needs: only when its checklist is not complete."""
    if number == 1:
        return GATE_OVERRIDES.get(code, "")
    if outcome != GateOutcome.GO or not gate_missing(project):
        return ""
    return PLANNING_GATE_OVERRIDES.get(code, "Records kept outside Keystage for the demo.")


def _backdate_planning(project: Project, since: dt.datetime, day: dt.date, today: dt.date) -> None:
    """Date the plan's journal, schedule run and charter to ``day`` (they were written now).

    Entries already given a date of their own (the budget set) are older than ``since``
    and keep it.
    """
    at = _at(day, today, 11)
    AuditEntry.objects.filter(project=project, at__gte=since).update(at=at)
    ScheduleRun.objects.filter(project=project).update(
        created_at=at, updated_at=at, started_at=at, finished_at=at, heartbeat_at=at
    )
    for version in CharterVersion.objects.filter(project=project):
        # The snapshot and its PDF state the day too: re-render them as of that day.
        version.generated_at = at
        version.content = {**version.content, "as_of": min(day, today).isoformat()}
        pdf = charter_pdf(document_context(version))
        CharterVersion.objects.filter(pk=version.pk).update(
            generated_at=at, content=version.content, pdf=pdf
        )


def _baseline_before_gate(project: Project, pm: User, day: dt.date, today: dt.date) -> None:
    """Capture the approved plan and date it (and its journal entry) the day before the gate."""
    baseline = load_baseline(project=project, pm=pm)
    at = _at(day, today, 15)
    Baseline.objects.filter(pk=baseline.pk).update(created_at=at, updated_at=at)
    AuditEntry.objects.filter(object_id=baseline.public_id).update(at=at)


def _load_plan(project: Project, code: str, pm: User, today: dt.date) -> None:
    """Stage 2 records: plan, staffing, a schedule run, the budget (ERP-CLOUD), then the goals,
    scope, links and the charter of an approved project."""
    load_plan(project=project, pm=pm, code=code)
    load_staffing(project=project, pm=pm, code=code)
    load_schedule_run(project=project)
    if code in ("ERP-CLOUD", "DATA-PLAT"):
        # The risk register, before the gate to execution checks it (`demo/risks.py`).
        load_risks(project=project, pm=pm, code=code, today=today)
    if code == "ERP-CLOUD":
        start, length = project.start_date, (project.target_date - project.start_date).days
        # Set a few days before the gate to execution (backdated like the gates).
        set_on = _gate_day(start, length, 2) - dt.timedelta(days=3)
        load_budget(project=project, pm=pm, set_on=min(set_on, today))


@transaction.atomic
def _load(*, password: str, today: dt.date) -> None:
    organisation = accounts.organisation_get_or_create(name=ORGANISATION)
    users: dict[str, User] = {}
    for username, first, last, title, role in PEOPLE:
        users[username] = accounts.user_create(
            username=username,
            password=password,
            email=f"{username}@northwind.example",
            first_name=first,
            last_name=last,
            organisation=organisation,
            org_role=role,
            job_title=title,
            check_password_strength=False,
        )
    load_people(users=users, today=today)
    for row in PROJECTS:
        _load_project(row, users=users, today=today)


def _load_project(row: tuple[Any, ...], *, users: dict[str, User], today: dt.date) -> None:
    """One demo project through its stages: initiation, gates, plan, baseline — and, for a
    project in execution, its execution history."""
    code, name, kind, offset, length, description, members, gates = row
    start = today + dt.timedelta(days=offset)
    project = portfolio.project_create(
        who=users["pmo"],
        name=name,
        code=code,
        kind=kind,
        description=description,
        start_date=start,
        target_date=start + dt.timedelta(days=length),
    )
    for username, role in members.items():
        portfolio.member_add(who=users["admin"], project=project, user=users[username], role=role)
    opened = dt.datetime.combine(start - dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC)
    Project.objects.filter(pk=project.pk).update(created_at=opened)
    AuditEntry.objects.filter(project=project).update(at=opened)
    sponsor = next(users[u] for u, r in members.items() if r == ProjectRole.SPONSOR)
    manager = next(users[u] for u, r in members.items() if r == ProjectRole.PROJECT_MANAGER)
    load_initiation(project=project, users=users, pm=manager, today=today)
    load_project_resources(project=project, pm=manager)
    if not gates and code in OUTLINES:
        # A draft plan while still in Initiation (no baseline before the Planning gate).
        since = dt.datetime.now(tz=dt.UTC)
        _load_plan(project, code, manager, today)
        _backdate_planning(project, since, opened.date() + dt.timedelta(days=10), today)
    if code == "CRM-LEGACY":
        # Stage 5: its short review, written before the no-go makes it read-only.
        load_cancelled_review(project=project, pm=manager, today=today)
    for number, (outcome, rationale) in enumerate(gates, start=1):
        current = Project.objects.get(pk=project.pk)
        if current.stage == Stage.CLOSED:
            break
        if number == 2 and outcome == GateOutcome.GO and code in OUTLINES:
            # The plan is baselined the day before the sponsor approves it.
            _baseline_before_gate(
                current, manager, _gate_day(start, length, 2) - dt.timedelta(days=1), today
            )
        if number == 3 and outcome == GateOutcome.GO:
            # The gate to Closing checks that every deliverable was handed over.
            load_handed_over(project=current, users=users, pm=manager)
        decision = portfolio.gate_decide(
            who=sponsor,
            project=current,
            version=Project.objects.get(pk=project.pk).version,
            to_stage=next_stage(current.stage) or Stage.CLOSED,
            outcome=outcome,
            rationale=rationale,
            override_reason=_override(current, code, number, outcome),
        )
        _backdate(decision, _gate_day(start, length, number), today)
        if number == 1 and outcome == GateOutcome.GO:
            # Planning: the plan, then goals, scope and links, and the charter.
            since = dt.datetime.now(tz=dt.UTC)
            if code in OUTLINES:
                _load_plan(project, code, manager, today)
            load_scope(project=project, users=users, pm=manager)
            planned = _gate_day(start, length, 1) + dt.timedelta(days=2)
            _backdate_planning(project, since, planned, today)
    # Stage 3 — execution history of a project in Execution, after the gates: supplier
    # invoices, expenses and purchases received (`demo/costs.py`); then progress, the data
    # date, timesheets, status updates and comments (`demo/execution.py`).
    if code == "BI-SALES" and Project.objects.get(pk=project.pk).stage == Stage.CLOSING:
        # Stage 5: a nearly complete closing file (`demo/closing.py`).
        current = Project.objects.get(pk=project.pk)
        load_closing_file(project=current, users=users, pm=manager, today=today)
    if code == "ERP-CLOUD" and Project.objects.get(pk=project.pk).stage == Stage.EXECUTION:
        load_actuals(project=Project.objects.get(pk=project.pk), pm=manager, today=today)
        load_execution(project=Project.objects.get(pk=project.pk), pm=manager, today=today)
    # Quality: the plan, test runs, defects and the customer's sign-offs (`demo/quality.py`).
    load_quality(project=Project.objects.get(pk=project.pk), users=users, pm=manager, today=today)
