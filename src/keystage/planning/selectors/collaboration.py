"""Reads of the collaboration links, through the project chokepoint."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keystage.core.lookup import get_by_public_id
from keystage.planning.models.collaboration import CollaborationLink
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project


def collaboration_link_list(
    *, who: Any, project: Project, kind: str | None = None
) -> QuerySet[CollaborationLink]:
    """The project's links, by kind and title (or one kind)."""
    qs = CollaborationLink.objects.filter(
        project__in=projects_visible_to(who), project=project
    ).select_related("project", "owner")
    return qs if not kind else qs.filter(kind=kind)


def collaboration_link_get(*, who: Any, project: Project, link_id: Any) -> CollaborationLink:
    """One link of this project."""
    return get_by_public_id(collaboration_link_list(who=who, project=project), link_id)
