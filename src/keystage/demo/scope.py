"""Goals, scope, collaboration links and a first charter version of the demo's ERP cloud
migration, written through the planning services like a project manager would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from keystage.accounts.models import User
from keystage.initiation.charter import services as charter
from keystage.planning.services import collaboration, goals, scope
from keystage.portfolio.models import Project

PROJECT = "ERP-CLOUD"

STATEMENT = (
    "Move the ERP (finance, purchasing, warehouse and sales modules) from the on-premises "
    "data centre to the vendor's managed cloud edition, migrate five years of transaction "
    "history and retire the two ERP server racks before the data-centre lease ends.\n\n"
    "The project ends when month-end closing has run twice on the cloud platform, the "
    "service desk has taken over first-line support and the old servers are decommissioned."
)

# title, metric, unit, baseline, target, current, due (days from the project start)
GOALS = [
    ("Cut hosting and licence costs", "Annual ERP run cost", "kEUR", 620, 434, 560, 300),
    ("Faster month-end closing", "Closing time", "days", 4, 1.5, 2.5, 280),
    ("Reliable ERP service", "Monthly availability", "%", 98.2, 99.9, 99.1, 300),
    ("Retire the ERP racks", "Server racks in use", "racks", 2, 0, 1, 290),
]

# name, acceptance criteria, due (days from start), owner, status
DELIVERABLES = [
    (
        "Cloud landing zone",
        "Network, identity and backup configured; penetration test passed with no high findings.",
        60,
        "chen",
        "accepted",
    ),
    (
        "Migrated test environment",
        "All 42 interfaces pass the regression suite; finance signs off the trial balance.",
        150,
        "mateo",
        "in_progress",
    ),
    (
        "Production cut-over",
        "Month-end closing completes twice on the cloud platform within two days.",
        270,
        "priya",
        "planned",
    ),
    (
        "Decommissioned racks",
        "Servers wiped with a certificate; racks handed back to the landlord.",
        295,
        "chen",
        "planned",
    ),
]
IN_SCOPE = [
    "Finance, purchasing, warehouse and sales modules",
    "Five years of transaction history",
    "All 42 interfaces to the warehouse and shipping systems",
    "Training of the service desk and key users",
]
OUT_OF_SCOPE = [
    "HR and payroll (stay with the current provider)",
    "Rebuilding the two legacy custom reports (separate change request)",
    "New ERP functionality beyond the current release",
]
ASSUMPTIONS = [
    "The vendor holds the quoted managed-edition price for three years.",
    "Key users are available 20 % of their time during testing.",
    "Customer master data is cleansed by Sales before the trial migration.",
]
CONSTRAINTS = [
    "Cut-over only at a quarter end, outside the month-end closing window.",
    "EU data residency for all ERP data.",
    "The data-centre lease ends in 11 months; no extension is available.",
]
# kind, title, url, owner, notes, schedule
LINKS = [
    (
        "repository",
        "ERP configuration and interfaces",
        "https://git.northwind.example/erp/cloud-config",
        "jonas",
        "Infrastructure as code and interface mappings; merge requests need two reviews.",
        "",
    ),
    (
        "document",
        "Migration runbook",
        "https://docs.northwind.example/erp/migration-runbook",
        "chen",
        "Step-by-step cut-over plan with rollback points.",
        "",
    ),
    (
        "document",
        "Test plan and results",
        "https://docs.northwind.example/erp/test-plan",
        "mateo",
        "",
        "",
    ),
    (
        "channel",
        "#erp-cloud",
        "https://chat.northwind.example/channels/erp-cloud",
        "priya",
        "Day-to-day questions; decisions are copied to the project journal.",
        "",
    ),
    (
        "meeting",
        "Steering committee",
        "https://meet.northwind.example/erp-steering",
        "priya",
        "Sponsor, CIO and project manager; decisions and escalations.",
        "Every second Tuesday, 10:00",
    ),
    (
        "meeting",
        "Daily stand-up",
        "https://meet.northwind.example/erp-daily",
        "priya",
        "",
        "Weekdays, 09:15",
    ),
]


def load_scope(*, project: Project, users: dict[str, User], pm: User) -> None:
    """Write the goals, scope and links of the demo's main project and generate its charter."""
    if project.code != PROJECT:
        return
    start = project.start_date
    for title, metric, unit, baseline, target, current, due in GOALS:
        goals.goal_create(
            who=pm,
            project=project,
            data={
                "title": title,
                "metric": metric,
                "unit": unit,
                "baseline_value": Decimal(str(baseline)),
                "target_value": Decimal(str(target)),
                "current_value": Decimal(str(current)),
                "due_date": start + dt.timedelta(days=due),
            },
        )
    scope.statement_save(who=pm, project=project, version=None, data={"statement": STATEMENT})
    _deliverables(project, users, pm, DELIVERABLES)
    for texts, inside in ((IN_SCOPE, True), (OUT_OF_SCOPE, False)):
        for text in texts:
            scope.item_create(who=pm, project=project, data={"text": text, "in_scope": inside})
    for texts, kind in ((ASSUMPTIONS, "assumption"), (CONSTRAINTS, "constraint")):
        for text in texts:
            scope.note_create(who=pm, project=project, data={"kind": kind, "text": text})
    for kind, title, url, owner, notes, schedule in LINKS:
        collaboration.collaboration_link_create(
            who=pm,
            project=project,
            data={
                "kind": kind,
                "title": title,
                "url": url,
                "owner": users[owner],
                "notes": notes,
                "schedule": schedule,
            },
        )
    charter.charter_regenerate(who=pm, project=Project.objects.get(pk=project.pk))


# The dashboards' products, handed to Sales before the gate to Closing (which checks that
# every deliverable is submitted or accepted): name, criteria, due (days from start),
# owner, status.
HANDED_OVER = {
    "BI-SALES": [
        (
            "Pipeline dashboard",
            "Sales operations reconcile the pipeline total with the CRM to the euro.",
            150,
            "elena",
            "accepted",
        ),
        (
            "Margin and churn dashboards",
            "Finance signs off the margin figures for two closed months.",
            180,
            "elena",
            "accepted",
        ),
        (
            "Nightly data refresh",
            "Ten nights in a row without a failed load; alerts reach BI support.",
            190,
            "mateo",
            "accepted",
        ),
        (
            "User guide for the sales teams",
            "Every regional lead has walked through it in a training session.",
            200,
            "sofia",
            "submitted",
        ),
    ],
}


def load_handed_over(*, project: Project, users: dict[str, User], pm: User) -> None:
    """A project about to close: its deliverables, submitted or accepted (none elsewhere)."""
    _deliverables(project, users, pm, HANDED_OVER.get(project.code, []))


def _deliverables(
    project: Project, users: dict[str, User], pm: User, rows: list[tuple[str, str, int, str, str]]
) -> None:
    for name, criteria, due, owner, status in rows:
        scope.deliverable_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "acceptance_criteria": criteria,
                "due_date": project.start_date + dt.timedelta(days=due),
                "owner": users[owner],
                "status": status,
            },
        )
