"""The gate to Execution's staffing item: every task with work has someone assigned.

Registered with the portfolio in ``apps``. A task needs someone when it is a leaf task
with a duration (not a milestone, not a summary) or when it asks for a skill. One
assignment per such task is enough for the gate: whether the person fits the skill and
has the capacity is the recommender's and the levelling's business, shown elsewhere.
"""

from __future__ import annotations

from django.db.models import Q

from keystage.planning.models import Task, TaskKind
from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project

SHOWN = 5


def team_checklist(project: Project) -> list[GateCheckItem]:
    """Team staffed: the tasks with work (or a skill need) that nobody is assigned to."""
    needing = (
        Task.objects.filter(project=project, is_summary=False)
        .filter(Q(kind=TaskKind.TASK, duration_minutes__gt=0) | Q(skill_needs__isnull=False))
        .distinct()
    )
    total = needing.count()
    unstaffed = list(
        needing.filter(assignments__isnull=True).order_by("row").values_list("wbs_code", "name")
    )
    if total == 0:
        detail, done = "the plan has no tasks with work yet", False
    elif unstaffed:
        names = ", ".join(f"{code} {name}" for code, name in unstaffed[:SHOWN])
        more = f" and {len(unstaffed) - SHOWN} more" if len(unstaffed) > SHOWN else ""
        detail = f"{len(unstaffed)} of {total} tasks with work have nobody: {names}{more}"
        done = False
    else:
        detail, done = f"all {total} tasks with work have someone assigned", True
    return [GateCheckItem("team", "Team staffed", done, detail)]
