"""The demo's work breakdowns, loaded through the planning services like any user's outline:
the ERP cloud migration as a 60-odd-task plan, and smaller plans for the campus network
(NET-27), the sales dashboards (BI-SALES) and the customer data platform (DATA-PLAT), so no
demo Gantt is empty."""

from __future__ import annotations

import itertools
from typing import Any

from keystage.accounts.models import User
from keystage.planning.models import ScheduleMethod
from keystage.planning.services import wbs
from keystage.planning.services.schedule import schedule_now_as_system
from keystage.portfolio.models import Project

DAY = 480
# Side work: starts with its phase and only has to finish before the phase's milestone.
SIDE_TASKS = frozenset(
    {
        "Site survey report",
        "Order lead-time tracking",
        "Warehouse staff briefing",
        "Glossary of sales metrics",
        "User guide and short videos",
        "Data protection impact assessment",
        "Data catalogue entries",
        "Stakeholder communication plan",
        "Interview key users",
        "Cost model for the cloud platform",
        "Document the platform runbook",
        "Update user documentation",
        "Train key users",
        "Train the service desk",
        "Communicate the cut-over weekend",
    }
)

# (outline level, name, working days; 0 = milestone)
ERP_OUTLINE: list[tuple[int, str, int]] = [
    (1, "Mobilisation", -1),
    (2, "Kick-off workshop", 1),
    (2, "Confirm migration partner contract", 3),
    (2, "Set up project tooling and channels", 2),
    (2, "Stakeholder communication plan", 2),
    (2, "Plan approved", 0),
    (1, "Assessment", -1),
    (2, "Inventory ERP modules and interfaces", 5),
    (2, "Map custom reports", 4),
    (2, "Data volume and quality profiling", 6),
    (2, "Licence review", 3),
    (2, "Security and compliance requirements", 4),
    (2, "Interview key users", 4),
    (2, "Assessment signed off", 0),
    (1, "Target architecture", -1),
    (2, "Landing zone design", 5),
    (2, "Network and VPN design", 4),
    (2, "Identity and access design", 3),
    (2, "Backup and disaster recovery design", 3),
    (2, "Architecture review board", 1),
    (2, "Cost model for the cloud platform", 2),
    (2, "Architecture approved", 0),
    (1, "Cloud platform build", -1),
    (2, "Provision landing zone", 5),
    (2, "Configure network and VPN", 4),
    (2, "Integrate single sign-on", 3),
    (2, "Set up monitoring and alerting", 3),
    (2, "Set up backups", 2),
    (2, "Platform security hardening", 4),
    (2, "Document the platform runbook", 3),
    (2, "Platform ready", 0),
    (1, "Data migration", -1),
    (2, "Design migration mappings", 6),
    (2, "Build extraction jobs", 8),
    (2, "Build load and validation jobs", 8),
    (2, "Data cleansing with business owners", 10),
    (2, "Trial migration 1", 3),
    (2, "Fix trial 1 defects", 5),
    (2, "Trial migration 2", 3),
    (2, "Data migration rehearsed", 0),
    (1, "Application migration", -1),
    (2, "Install ERP on the cloud platform", 4),
    (2, "Port custom reports", 10),
    (2, "Rebuild interfaces to payroll and CRM", 12),
    (2, "Performance tuning", 5),
    (2, "Update user documentation", 6),
    (2, "Application ready for test", 0),
    (1, "Testing", -1),
    (2, "Write test plan and cases", 5),
    (2, "System integration test", 10),
    (2, "Performance and load test", 5),
    (2, "Security penetration test", 4),
    (2, "User acceptance test", 10),
    (2, "Train key users", 5),
    (2, "Train the service desk", 3),
    (2, "Go/no-go for cut-over", 0),
    (1, "Cut-over", -1),
    (2, "Freeze changes on the old ERP", 1),
    (2, "Final data migration", 2),
    (2, "Switch interfaces and DNS", 1),
    (2, "Hypercare", 10),
    (2, "Communicate the cut-over weekend", 1),
    (2, "ERP live in the cloud", 0),
    (1, "Closure", -1),
    (2, "Decommission the two racks", 5),
    (2, "Cancel on-premises licences", 2),
    (2, "Lessons learned workshop", 1),
    (2, "Handover to operations", 2),
    (2, "Project closed", 0),
]


NET_OUTLINE: list[tuple[int, str, int]] = [
    (1, "Survey and design", -1),
    (2, "Survey the three sites", 5),
    (2, "Site survey report", 2),
    (2, "Design core and access layers", 6),
    (2, "Design warehouse segmentation", 4),
    (2, "Wi-Fi 7 coverage plan", 4),
    (2, "Design approved", 0),
    (1, "Procurement", -1),
    (2, "Tender for switches and access points", 10),
    (2, "Evaluate bids and award", 5),
    (2, "Order lead-time tracking", 3),
    (2, "Hardware delivered", 0),
    (1, "Rollout", -1),
    (2, "Stage and configure the core switches", 5),
    (2, "Cut over head office core", 2),
    (2, "Replace access switches, head office", 6),
    (2, "Replace access switches, warehouses", 8),
    (2, "Install Wi-Fi 7 access points", 8),
    (2, "Warehouse staff briefing", 1),
    (2, "Network live on all sites", 0),
    (1, "Handover", -1),
    (2, "Acceptance tests and coverage measurements", 4),
    (2, "Update network documentation", 3),
    (2, "Handover to network operations", 1),
    (2, "Network upgrade closed", 0),
]

BI_OUTLINE: list[tuple[int, str, int]] = [
    (1, "Discovery", -1),
    (2, "Interview sales managers", 4),
    (2, "Glossary of sales metrics", 3),
    (2, "Agree data sources", 2),
    (2, "Requirements agreed", 0),
    (1, "Data model", -1),
    (2, "Model pipeline and margin facts", 6),
    (2, "Build churn indicators", 5),
    (2, "Nightly refresh jobs", 4),
    (2, "Data model ready", 0),
    (1, "Dashboards", -1),
    (2, "Pipeline dashboard", 5),
    (2, "Margin dashboard", 5),
    (2, "Churn dashboard", 4),
    (2, "User guide and short videos", 3),
    (2, "Dashboards ready for acceptance", 0),
    (1, "Rollout", -1),
    (2, "User acceptance with sales operations", 5),
    (2, "Train the sales teams", 3),
    (2, "Hand over to BI support", 1),
    (2, "Dashboards live", 0),
]

DATA_OUTLINE: list[tuple[int, str, int]] = [
    (1, "Foundations", -1),
    (2, "Data governance charter", 4),
    (2, "Data protection impact assessment", 5),
    (2, "Choose the platform", 6),
    (2, "Foundations agreed", 0),
    (1, "Platform build", -1),
    (2, "Provision the platform", 5),
    (2, "Ingest customer master data", 8),
    (2, "Ingest shipments", 8),
    (2, "Ingest billing", 6),
    (2, "Data catalogue entries", 4),
    (2, "Data quality rules and monitoring", 6),
    (2, "Platform ready", 0),
    (1, "Consumers", -1),
    (2, "Analytics marts", 8),
    (2, "Customer portal API", 10),
    (2, "End-to-end tests", 6),
    (2, "Customer data platform live", 0),
]

# Project code → its outline; ``load_plan`` defaults to the ERP migration's.
OUTLINES: dict[str, list[tuple[int, str, int]]] = {
    "ERP-CLOUD": ERP_OUTLINE,
    "NET-27": NET_OUTLINE,
    "BI-SALES": BI_OUTLINE,
    "DATA-PLAT": DATA_OUTLINE,
}


def _rows(outline: list[tuple[int, str, int]]) -> list[dict[str, Any]]:
    rows = []
    for level, name, days in outline:
        row: dict[str, Any] = {"outline_level": level, "name": name}
        if days == 0:
            row |= {"kind": "milestone", "duration_minutes": 0}
        elif days > 0:
            row["duration_minutes"] = days * DAY
        rows.append(row)
    return rows


def _links(outline: list[tuple[int, str, int]]) -> list[tuple[int, int, str, int]]:
    """Tasks of a phase in sequence (a few in parallel), each phase after the one before."""
    links: list[tuple[int, int, str, int]] = []
    phases: list[list[int]] = []
    for i, (level, _name, _days) in enumerate(outline):
        if level == 1:
            phases.append([])
        else:
            phases[-1].append(i)
    previous_end: int | None = None
    for tasks in phases:
        *steps, milestone = tasks
        work = [t for t in steps if outline[t][1] not in SIDE_TASKS]
        first = work[0]
        for side in (t for t in steps if outline[t][1] in SIDE_TASKS):
            links.append((first, side, "SS", 0))
            links.append((side, milestone, "FS", 0))
        if previous_end is not None:
            links.append((previous_end, first, "FS", 0))
        for a, b in itertools.pairwise(work):
            # Every third step starts alongside the one before (SS + 1 day), the rest follow it.
            step = (b - first) % 3 == 0
            links.append((a, b, "SS" if step else "FS", DAY if step else 0))
        for task in work:
            links.append((task, milestone, "FS", 0))
        previous_end = milestone
    return links


def load_plan(*, project: Project, pm: User, code: str = "ERP-CLOUD") -> None:
    """The outline of demo project ``code`` (phases, tasks and milestones) and its links.

    ERP-CLOUD's has 8 phases and 61 tasks and milestones; the others 3 to 4 phases.
    """
    outline = OUTLINES[code]
    wbs.plan_append(who=pm, project=project, rows=_rows(outline), links=_links(outline))


def load_schedule_run(*, project: Project) -> None:
    """One finished schedule run on the staffed plan: levelled within float, as a project
    manager runs it before asking for the gate."""
    schedule_now_as_system(
        project=project, method=ScheduleMethod.LEVEL_WITHIN_FLOAT, via="demo data"
    )
