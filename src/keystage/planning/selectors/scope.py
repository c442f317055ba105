"""Reads of the scope records — every queryset starts from the project chokepoint."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keystage.accounts.models import User
from keystage.core.lookup import get_by_public_id
from keystage.planning.models.scope import Deliverable, ScopeItem, ScopeNote, ScopeStatement
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project


def statement_get(*, who: Any, project: Project) -> ScopeStatement | None:
    """The project's scope statement, if written."""
    return (
        ScopeStatement.objects.filter(project__in=projects_visible_to(who), project=project)
        .select_related("project")
        .first()
    )


def deliverable_list(*, who: Any, project: Project) -> QuerySet[Deliverable]:
    """The project's deliverables, in their order."""
    return (
        Deliverable.objects.filter(project__in=projects_visible_to(who), project=project)
        .select_related("project", "owner")
        .prefetch_related("tasks")
    )


def deliverable_get(*, who: Any, project: Project, deliverable_id: Any) -> Deliverable:
    """One deliverable of this project."""
    return get_by_public_id(deliverable_list(who=who, project=project), deliverable_id)


def item_list(*, who: Any, project: Project, in_scope: bool | None = None) -> QuerySet[ScopeItem]:
    """In-scope items first, then out-of-scope ones (or only one side)."""
    qs = ScopeItem.objects.filter(
        project__in=projects_visible_to(who), project=project
    ).select_related("project")
    return qs if in_scope is None else qs.filter(in_scope=in_scope)


def item_get(*, who: Any, project: Project, item_id: Any) -> ScopeItem:
    """One scope item of this project."""
    return get_by_public_id(item_list(who=who, project=project), item_id)


def note_list(*, who: Any, project: Project, kind: str | None = None) -> QuerySet[ScopeNote]:
    """Assumptions and constraints of the project (or one kind)."""
    qs = ScopeNote.objects.filter(
        project__in=projects_visible_to(who), project=project
    ).select_related("project")
    return qs if not kind else qs.filter(kind=kind)


def note_get(*, who: Any, project: Project, note_id: Any) -> ScopeNote:
    """One assumption or constraint of this project."""
    return get_by_public_id(note_list(who=who, project=project), note_id)


def member_choices(*, who: Any, project: Project) -> QuerySet[User]:
    """The people who may own a deliverable or a link: the project's members."""
    visible = projects_visible_to(who).filter(pk=project.pk)
    return (
        User.objects.filter(memberships__project__in=visible)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )
