"""The demo's staffing: the skills each task of a demo plan needs, and a team member on every
work task — picked by the recommender and accepted through the staffing services."""

from __future__ import annotations

from keystage.accounts.models import User
from keystage.planning.models import Task
from keystage.portfolio.models import Project
from keystage.staffing import services as staffing

# Task name: {skill: minimum level}; names are the demo plans' (demo.planning.OUTLINES).
ERP_SKILLS: dict[str, dict[str, int]] = {
    "Kick-off workshop": {"Project management": 4},
    "Confirm migration partner contract": {"Project management": 3, "Business analysis": 3},
    "Set up project tooling and channels": {"DevOps": 2},
    "Stakeholder communication plan": {"Project management": 3},
    "Inventory ERP modules and interfaces": {"Business analysis": 3},
    "Map custom reports": {"Business analysis": 2},
    "Data volume and quality profiling": {"Data engineering": 4},
    "Licence review": {"Business analysis": 3},
    "Security and compliance requirements": {"Security": 4},
    "Interview key users": {"Business analysis": 3},
    "Landing zone design": {"Kubernetes": 4, "DevOps": 4},
    "Network and VPN design": {"Networking": 4},
    "Identity and access design": {"Security": 4},
    "Backup and disaster recovery design": {"DevOps": 3, "PostgreSQL": 3},
    "Architecture review board": {"DevOps": 3},
    "Cost model for the cloud platform": {"Business analysis": 3},
    "Provision landing zone": {"Kubernetes": 4},
    "Configure network and VPN": {"Networking": 4},
    "Integrate single sign-on": {"Security": 3},
    "Set up monitoring and alerting": {"DevOps": 3},
    "Set up backups": {"DevOps": 2},
    "Platform security hardening": {"Security": 4},
    "Document the platform runbook": {"DevOps": 2},
    "Design migration mappings": {"Data engineering": 4},
    "Build extraction jobs": {"Data engineering": 3, "Python": 3},
    "Build load and validation jobs": {"Python": 4, "PostgreSQL": 3},
    "Data cleansing with business owners": {"Data engineering": 3, "Business analysis": 3},
    "Trial migration 1": {"Data engineering": 4},
    "Fix trial 1 defects": {"Python": 3},
    "Trial migration 2": {"Data engineering": 4},
    "Install ERP on the cloud platform": {"DevOps": 4},
    "Port custom reports": {"Python": 4, "PostgreSQL": 3},
    "Rebuild interfaces to payroll and CRM": {"Python": 4},
    "Performance tuning": {"PostgreSQL": 4},
    "Update user documentation": {"UX": 2},
    "Write test plan and cases": {"Testing": 4},
    "System integration test": {"Testing": 3},
    "Performance and load test": {"Testing": 3, "Python": 3},
    "Security penetration test": {"Security": 4},
    "User acceptance test": {"Testing": 3, "Business analysis": 2},
    "Train key users": {"Business analysis": 3},
    "Train the service desk": {"Business analysis": 2},
    "Freeze changes on the old ERP": {"Project management": 3},
    "Final data migration": {"Data engineering": 4},
    "Switch interfaces and DNS": {"Networking": 4},
    "Hypercare": {"DevOps": 3},
    "Communicate the cut-over weekend": {"Project management": 3},
    "Decommission the two racks": {"Networking": 3},
    "Cancel on-premises licences": {"Business analysis": 3},
    "Lessons learned workshop": {"Project management": 4},
    "Handover to operations": {"DevOps": 3},
}


NET_SKILLS: dict[str, dict[str, int]] = {
    "Survey the three sites": {"Networking": 4},
    "Site survey report": {"Networking": 3},
    "Design core and access layers": {"Networking": 5},
    "Design warehouse segmentation": {"Networking": 4, "Security": 3},
    "Wi-Fi 7 coverage plan": {"Networking": 4},
    "Tender for switches and access points": {"Project management": 3},
    "Evaluate bids and award": {"Project management": 4},
    "Order lead-time tracking": {"Project management": 3},
    "Stage and configure the core switches": {"Networking": 4},
    "Cut over head office core": {"Networking": 5},
    "Replace access switches, head office": {"Networking": 3},
    "Replace access switches, warehouses": {"Networking": 3},
    "Install Wi-Fi 7 access points": {"Networking": 3},
    "Warehouse staff briefing": {"Project management": 3},
    "Acceptance tests and coverage measurements": {"Networking": 4, "Security": 3},
    "Update network documentation": {"DevOps": 2},
    "Handover to network operations": {"Project management": 3},
}

BI_SKILLS: dict[str, dict[str, int]] = {
    "Interview sales managers": {"Business analysis": 3},
    "Glossary of sales metrics": {"Business analysis": 3},
    "Agree data sources": {"Data engineering": 3},
    "Model pipeline and margin facts": {"Data engineering": 4},
    "Build churn indicators": {"Data engineering": 4, "Python": 3},
    "Nightly refresh jobs": {"PostgreSQL": 4},
    "Pipeline dashboard": {"UX": 3},
    "Margin dashboard": {"UX": 3},
    "Churn dashboard": {"Python": 3},
    "User guide and short videos": {"UX": 2},
    "User acceptance with sales operations": {"Testing": 4},
    "Train the sales teams": {"Business analysis": 3},
    "Hand over to BI support": {"Project management": 3},
}

DATA_SKILLS: dict[str, dict[str, int]] = {
    "Data governance charter": {"Project management": 3, "Business analysis": 3},
    "Data protection impact assessment": {"Business analysis": 3},
    "Choose the platform": {"Data engineering": 4},
    "Provision the platform": {"PostgreSQL": 4},
    "Ingest customer master data": {"Data engineering": 4},
    "Ingest shipments": {"Data engineering": 4},
    "Ingest billing": {"Python": 4},
    "Data catalogue entries": {"Data engineering": 3},
    "Data quality rules and monitoring": {"Python": 4, "PostgreSQL": 3},
    "Analytics marts": {"Data engineering": 4},
    "Customer portal API": {"Django": 4},
    "End-to-end tests": {"Testing": 3},
}

SKILLS: dict[str, dict[str, dict[str, int]]] = {
    "ERP-CLOUD": ERP_SKILLS,
    "NET-27": NET_SKILLS,
    "BI-SALES": BI_SKILLS,
    "DATA-PLAT": DATA_SKILLS,
}


def load_staffing(*, project: Project, pm: User, code: str = "ERP-CLOUD") -> None:
    """Skill needs on the work tasks of demo plan ``code``, then the recommended person on
    each."""
    tasks = {t.name: t for t in Task.objects.filter(project=project, is_summary=False, kind="task")}
    for name, needs in SKILLS[code].items():
        task = tasks.get(name)
        if task is None:
            continue
        for skill, level in needs.items():
            staffing.skill_need_create(
                who=pm, project=project, task=task, data={"skill": skill, "min_level": level}
            )
    staffing.assign_recommended(who=pm, project=project)
