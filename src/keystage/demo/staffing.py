"""The demo's staffing: the skills each ERP-CLOUD task needs, and a team member on every
work task — picked by the recommender and accepted through the planning services."""

from __future__ import annotations

from keystage.accounts.models import User
from keystage.planning.models import Task
from keystage.portfolio.models import Project
from keystage.staffing import services as staffing

# Task name: {skill: minimum level}; names are the demo plan's (demo.plan.ERP_OUTLINE).
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


def load_staffing(*, project: Project, pm: User) -> None:
    """ERP-CLOUD: skill needs on its work tasks, then the recommended person on each."""
    tasks = {t.name: t for t in Task.objects.filter(project=project, is_summary=False, kind="task")}
    for name, needs in ERP_SKILLS.items():
        task = tasks.get(name)
        if task is None:
            continue
        for skill, level in needs.items():
            staffing.skill_need_create(
                who=pm, project=project, task=task, data={"skill": skill, "min_level": level}
            )
    staffing.assign_recommended(who=pm, project=project)
