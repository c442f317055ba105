"""Reads of schedule runs; every queryset starts from the project chokepoint."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from keystage.core.errors import NotFound
from keystage.core.lookup import get_by_public_id
from keystage.planning.models import Assignment, RunStatus, ScheduleRun, Task
from keystage.planning.services.schedule_runs import schedule_runs_fail_stale
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)


def runs_visible_to(who: Any) -> QuerySet[ScheduleRun]:
    """Schedule runs of projects the user may see."""
    return ScheduleRun.objects.filter(project__in=projects_visible_to(who))


def run_list(*, who: Any, project: Project) -> QuerySet[ScheduleRun]:
    """The project's runs, newest first, with who asked for them.

    Runs nobody works on any more are failed first (a lazy expiry, as a session's), so a
    run interrupted with its worker never shows as running for ever.
    """
    if ScheduleRun.objects.filter(project=project, status__in=ACTIVE).exists():
        schedule_runs_fail_stale(project=project)
    return (
        runs_visible_to(who)
        .filter(project=project)
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )


def run_get(*, who: Any, project: Project, run_id: Any) -> ScheduleRun:
    """One run of the project, or NotFound."""
    try:
        return get_by_public_id(run_list(who=who, project=project), run_id)
    except NotFound:
        raise NotFound("No such schedule run in this project.") from None


def plan_facts(*, who: Any, project: Project) -> dict[str, Any]:
    """What a run would schedule: tasks, milestones, assignments, people and the finish."""
    tasks = Task.objects.filter(project__in=projects_visible_to(who), project=project)
    counts = tasks.aggregate(
        tasks=Count("id", filter=Q(is_summary=False, kind="task")),
        milestones=Count("id", filter=Q(is_summary=False, kind="milestone")),
        finish=Max("finish_at"),
    )
    assignments = Assignment.objects.filter(project=project, task__in=tasks)
    return {
        **counts,
        "assignments": assignments.count(),
        "people": assignments.values("person").distinct().count(),
    }
