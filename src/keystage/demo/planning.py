"""The demo's work breakdown: the ERP cloud migration as a 60-odd-task plan, loaded through
the planning services like any user's outline."""

from __future__ import annotations

import itertools
from typing import Any

from keystage.accounts.models import User
from keystage.planning.services import wbs
from keystage.portfolio.models import Project

DAY = 480
# Side work: starts with its phase and only has to finish before the phase's milestone.
SIDE_TASKS = frozenset(
    {
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


def _rows() -> list[dict[str, Any]]:
    rows = []
    for level, name, days in ERP_OUTLINE:
        row: dict[str, Any] = {"outline_level": level, "name": name}
        if days == 0:
            row |= {"kind": "milestone", "duration_minutes": 0}
        elif days > 0:
            row["duration_minutes"] = days * DAY
        rows.append(row)
    return rows


def _links() -> list[tuple[int, int, str, int]]:
    """Tasks of a phase in sequence (a few in parallel), each phase after the one before."""
    links: list[tuple[int, int, str, int]] = []
    phases: list[list[int]] = []
    for i, (level, _name, _days) in enumerate(ERP_OUTLINE):
        if level == 1:
            phases.append([])
        else:
            phases[-1].append(i)
    previous_end: int | None = None
    for tasks in phases:
        *steps, milestone = tasks
        work = [t for t in steps if ERP_OUTLINE[t][1] not in SIDE_TASKS]
        first = work[0]
        for side in (t for t in steps if ERP_OUTLINE[t][1] in SIDE_TASKS):
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


def load_plan(*, project: Project, pm: User) -> None:
    """The ERP migration's outline (8 phases, 61 tasks and milestones) and its links."""
    wbs.plan_append(who=pm, project=project, rows=_rows(), links=_links())
