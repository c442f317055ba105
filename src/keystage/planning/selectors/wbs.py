"""Reads of the work breakdown; every queryset starts from the project chokepoint."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keystage.core.errors import NotFound
from keystage.core.lookup import get_by_public_id
from keystage.planning.models import Dependency, Task
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project


def tasks_visible_to(who: Any) -> QuerySet[Task]:
    """Tasks of projects the user may see."""
    return Task.objects.filter(project__in=projects_visible_to(who))


def dependencies_visible_to(who: Any) -> QuerySet[Dependency]:
    """Dependencies of projects the user may see."""
    return Dependency.objects.filter(project__in=projects_visible_to(who))


def task_list(*, who: Any, project: Project) -> QuerySet[Task]:
    """The project's tasks in WBS order, with their parents' ids (one query)."""
    return tasks_visible_to(who).filter(project=project).select_related("parent").order_by("row")


def task_get(*, who: Any, project: Project, task_id: Any) -> Task:
    """One task of the project, or NotFound."""
    try:
        return get_by_public_id(task_list(who=who, project=project), task_id)
    except NotFound:
        raise NotFound("No such task in this project.") from None


def dependency_list(*, who: Any, project: Project) -> QuerySet[Dependency]:
    """The project's dependencies, with both tasks (one query)."""
    return (
        dependencies_visible_to(who)
        .filter(project=project)
        .select_related("predecessor", "successor")
        .order_by("successor__row", "predecessor__row")
    )


def dependency_get(*, who: Any, project: Project, dependency_id: Any) -> Dependency:
    """One dependency of the project, or NotFound."""
    try:
        return get_by_public_id(dependency_list(who=who, project=project), dependency_id)
    except NotFound:
        raise NotFound("No such dependency in this project.") from None
