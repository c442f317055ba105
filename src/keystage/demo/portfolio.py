"""The demo portfolio: a realistic organisation with IT projects in every stage.

Loaded once by `keystage demo`; every record goes through the same services as
the web app, so the journal and gate history are real.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from keystage.accounts import services as accounts
from keystage.accounts.models import User
from keystage.accounts.roles import OrgRole, ProjectRole
from keystage.core.models import AuditEntry
from keystage.demo.baseline import load_baseline
from keystage.demo.budget import load_actuals, load_budget
from keystage.demo.initiation import GATE_OVERRIDES, load_initiation
from keystage.demo.plan import load_plan
from keystage.demo.resources import load_people, load_project_resources
from keystage.demo.scope import load_scope
from keystage.demo.staffing import load_staffing
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

# Projects that pass the Planning gate without a baseline or a set budget in Keystage.
PLANNING_GATE_OVERRIDES = {
    "BI-SALES": "Small, self-funded dashboards: the plan and budget were agreed in the sales "
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
    pmo = users["pmo"]
    for code, name, kind, offset, length, description, members, gates in PROJECTS:
        start = today + dt.timedelta(days=offset)
        project = portfolio.project_create(
            who=pmo,
            name=name,
            code=code,
            kind=kind,
            description=description,
            start_date=start,
            target_date=start + dt.timedelta(days=length),
        )
        for username, role in members.items():
            portfolio.member_add(
                who=users["admin"], project=project, user=users[username], role=role
            )
        opened = dt.datetime.combine(start - dt.timedelta(days=30), dt.time(9), tzinfo=dt.UTC)
        Project.objects.filter(pk=project.pk).update(created_at=opened)
        AuditEntry.objects.filter(project=project).update(at=opened)
        sponsor = next(users[u] for u, r in members.items() if r == ProjectRole.SPONSOR)
        manager = next(users[u] for u, r in members.items() if r == ProjectRole.PROJECT_MANAGER)
        load_initiation(project=project, users=users, pm=manager, today=today)
        load_project_resources(project=project, pm=manager)
        for number, (outcome, rationale) in enumerate(gates, start=1):
            current = Project.objects.get(pk=project.pk)
            if current.stage == Stage.CLOSED:
                break
            decision = portfolio.gate_decide(
                who=sponsor,
                project=current,
                version=current.version,
                to_stage=next_stage(current.stage) or Stage.CLOSED,
                outcome=outcome,
                rationale=rationale,
                override_reason=_override(current, code, number, outcome),
            )
            _backdate(decision, start + dt.timedelta(days=number * min(length // 6, 45)), today)
            if number == 1 and outcome == GateOutcome.GO:
                # Planning: goals, scope and links, and the charter of the approved project.
                if code == "ERP-CLOUD":
                    load_plan(project=project, pm=manager)
                    load_staffing(project=project, pm=manager)
                    # Set a few days before the gate to execution (backdated like the gates).
                    set_on = start + dt.timedelta(days=2 * min(length // 6, 45) - 3)
                    load_budget(project=project, pm=manager, set_on=min(set_on, today))
                load_scope(project=project, users=users, pm=manager)
                if code == "ERP-CLOUD":
                    load_baseline(project=project, pm=manager)
        if code == "ERP-CLOUD" and Project.objects.get(pk=project.pk).stage == Stage.EXECUTION:
            # Execution so far: supplier invoices, expenses and purchases received.
            load_actuals(project=Project.objects.get(pk=project.pk), pm=manager, today=today)
