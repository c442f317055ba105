"""Reads of projects, members, gates and history — every one scoped by the chokepoint."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from keystage.accounts.roles import ProjectRole
from keystage.core.lookup import get_by_public_id
from keystage.core.models import AuditEntry
from keystage.portfolio.access import (
    access_project,
    audit_visible_to,
    gates_visible_to,
    memberships_visible_to,
    projects_visible_to,
)
from keystage.portfolio.lifecycle import GateOutcome
from keystage.portfolio.models import GateDecision, Project, ProjectMembership


def project_list(
    *,
    who: Any,
    search: str = "",
    stage: str = "",
    kind: str = "",
    status: str = "",
) -> QuerySet[Project]:
    """The user's portfolio: visible projects with their PM and sponsor, filtered."""
    qs = projects_visible_to(who)
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(code__icontains=search))
    if stage:
        qs = qs.filter(stage=stage)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    leads = ProjectMembership.objects.filter(
        role__in=[ProjectRole.PROJECT_MANAGER, ProjectRole.SPONSOR]
    ).select_related("user")
    gates = GateDecision.objects.select_related("decided_by").order_by("decided_at", "id")
    return (
        qs.select_related("organisation")
        .prefetch_related(
            Prefetch("memberships", queryset=leads, to_attr="lead_memberships"),
            Prefetch("gate_decisions", queryset=gates, to_attr="gate_history"),
        )
        .order_by("name")
        .distinct()
    )


def project_get(*, who: Any, project_id: Any, perm: str = "view") -> Project:
    """One project through the chokepoint (404 when not visible, 403 when not allowed)."""
    return access_project(who=who, project_id=project_id, perm=perm)


def project_leads(project: Project) -> dict[str, list[Any]]:
    """The project manager and sponsors of a project, from prefetched or fresh memberships."""
    memberships = getattr(project, "lead_memberships", None)
    if memberships is None:
        memberships = list(
            project.memberships.filter(
                role__in=[ProjectRole.PROJECT_MANAGER, ProjectRole.SPONSOR]
            ).select_related("user")
        )
    return {
        "project_managers": [m.user for m in memberships if m.role == ProjectRole.PROJECT_MANAGER],
        "sponsors": [m.user for m in memberships if m.role == ProjectRole.SPONSOR],
    }


def last_gate_override(project: Project) -> GateDecision | None:
    """The project's latest gate decision when it was a 'go' over missing checklist items.

    The portfolio and the project API flag such a project (who, when, why). Reads the
    gates prefetched by ``project_list`` when present, else one query.
    """
    history = getattr(project, "gate_history", None)
    if history is not None:
        last = history[-1] if history else None
    else:
        last = (
            project.gate_decisions.select_related("decided_by").order_by("decided_at", "id").last()
        )
    if last is None or not last.override_reason or last.outcome != GateOutcome.GO:
        return None
    return last


def member_list(*, who: Any, project: Project) -> QuerySet[ProjectMembership]:
    """Members of a visible project, with their users."""
    return memberships_visible_to(who).filter(project=project).select_related("user")


def member_get(*, who: Any, project: Project, membership_id: Any) -> ProjectMembership:
    """One membership that belongs to this project (404 for another project's)."""
    return get_by_public_id(member_list(who=who, project=project), membership_id)


def gate_list(*, who: Any, project: Project) -> QuerySet[GateDecision]:
    """Gate decisions of a visible project, oldest first."""
    return (
        gates_visible_to(who)
        .filter(project=project)
        .select_related("decided_by")
        .order_by("decided_at", "id")
    )


def project_history(
    *,
    who: Any,
    project: Project,
    actor_id: Any = None,
    object_type: str | None = None,
    since: Any = None,
    until: Any = None,
) -> QuerySet[AuditEntry]:
    """The journal of a visible project, newest first, optionally filtered.

    ``actor_id`` is a user's public id, ``object_type`` a journal record type, ``since`` and
    ``until`` days (both included, in the server's time zone).
    """
    entries = (
        audit_visible_to(who).filter(project=project).select_related("actor").order_by("-at", "-id")
    )
    if actor_id:
        entries = entries.filter(actor__public_id=actor_id)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if since:
        entries = entries.filter(at__date__gte=since)
    if until:
        entries = entries.filter(at__date__lte=until)
    return entries


def history_choices(*, who: Any, project: Project) -> tuple[list[Any], list[str]]:
    """The people and record types that appear in a visible project's journal."""
    entries = audit_visible_to(who).filter(project=project)
    actor_ids = entries.exclude(actor=None).values_list("actor", flat=True).distinct()
    people = list(get_user_model().objects.filter(pk__in=list(actor_ids)))
    people.sort(key=lambda u: str(u.display_name).lower())
    types = sorted(set(entries.values_list("object_type", flat=True).distinct()))
    return people, types
