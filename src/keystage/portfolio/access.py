"""The permission chokepoints: every read and write of project data starts here.

``projects_visible_to`` is the one scope for projects; every other
project-owned queryset (members, gates, journal, and the records of later
apps) is filtered through it. ``access_project`` answers a single project for a
permission: 404 when the user may not know it exists, 403 when the user sees it
but the role does not allow the action.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from keystage.accounts.access import signed_in, users_visible_to  # noqa: F401
from keystage.accounts.roles import (
    ORG_ROLE_PERMS,
    PROJECT_ROLE_PERMS,
    PROJECT_ROLE_WITHHOLDS,
    Perm,
    ProjectRole,
)
from keystage.core.errors import Forbidden
from keystage.core.lookup import get_by_public_id
from keystage.core.models import AuditEntry
from keystage.portfolio.lifecycle import ProjectStatus, Stage
from keystage.portfolio.models import GateDecision, Project, ProjectMembership

# What a closed or cancelled project still allows: it is kept for the record, read-only;
# an organisation administrator may reopen it (``portfolio.reopen``).
CLOSED_PERMS = frozenset({Perm.VIEW, Perm.REOPEN})


CLOSED_STATUSES = frozenset({ProjectStatus.CANCELLED, ProjectStatus.COMPLETED})


def is_closed(project: Project) -> bool:
    """The one definition of a closed project: in the Closed stage, or cancelled, or completed.

    (Closing a project completes it; the status is read too, so that a project completed by
    any other path is closed as well.) A closed project is kept for the record, read-only
    for everyone: ``project_perms`` keeps only ``Perm.VIEW`` (and ``Perm.REOPEN`` for an
    organisation administrator), and writers without a permission set (the system actor,
    imports) call ``require_open``.
    """
    return project.stage == Stage.CLOSED or project.status in CLOSED_STATUSES


def closed_state(project: Project) -> str:
    """How a closed project ended, for messages: 'cancelled', 'closed' (the Closed stage) or
    'completed' (completed before reaching it)."""
    if project.status == ProjectStatus.CANCELLED:
        return "cancelled"
    return "closed" if project.stage == Stage.CLOSED else "completed"


def closed_message(project: Project) -> str:
    """Why a closed or cancelled project refuses a change, naming the project and its state."""
    return f"{project.code} is {closed_state(project)}; its records can be read but not changed."


def require_open(project: Project) -> None:
    """Raise the archive's 403 when the project is closed or cancelled.

    ``project_perms`` already reduces everyone to *view* there; this is the same rule for
    writers who hold no permission set: the system actor (the command line, imports, the
    worker) and services whose own rule is not a single permission (sign-offs, roles).
    """
    if is_closed(project):
        raise Forbidden(closed_message(project))


def _refusal(project: Project, perm: str) -> Forbidden:
    """The 403 for a permission the user lacks: the closed project's, else the role's."""
    if is_closed(project):
        return Forbidden(closed_message(project))
    return Forbidden(f"Your role in {project.code} does not allow this ({Perm(perm).label}).")


def projects_visible_to(who: Any) -> QuerySet[Project]:
    """Projects the user may see: their own, or all of the organisation for admins and PMO."""
    user = signed_in(who)
    if user is None:
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    if user.is_portfolio_owner and user.organisation_id is not None:
        return Project.objects.filter(organisation_id=user.organisation_id)
    return Project.objects.filter(memberships__user=user)


def project_perms(who: Any, project: Project) -> frozenset[str]:
    """Everything the user may do in this project (empty when not visible).

    Organisation-level rights, less what the user's project role withholds (separation
    of duties, ``PROJECT_ROLE_WITHHOLDS``), plus what that role grants: an administrator
    who manages or works on the project does not decide its gates, and its project
    manager never grants the sponsor role.
    """
    user = signed_in(who)
    if user is None:
        return frozenset()
    return _perms(user, project, project_role(user, project))


def perms_by_project(who: Any, projects: Iterable[Project]) -> dict[int, frozenset[str]]:
    """``project_perms`` for many projects at once (one query for the roles), by project pk."""
    user = signed_in(who)
    projects = list(projects)
    if user is None:
        return {p.pk: frozenset() for p in projects}
    roles = dict(
        ProjectMembership.objects.filter(
            user=user, project_id__in=[p.pk for p in projects]
        ).values_list("project_id", "role")
    )
    return {p.pk: _perms(user, p, roles.get(p.pk)) for p in projects}


def _perms(user: Any, project: Project, role: str | None) -> frozenset[str]:
    perms: set[str] = set()
    if user.is_superuser:
        perms |= set(Perm.values)
    elif user.organisation_id == project.organisation_id:
        perms |= ORG_ROLE_PERMS.get(user.org_role, frozenset())
    if role:
        perms -= PROJECT_ROLE_WITHHOLDS[role]
        perms |= PROJECT_ROLE_PERMS[role]
    if is_closed(project):
        # Closed and cancelled projects are read-only for everyone until an admin reopens one.
        perms &= CLOSED_PERMS
    else:
        perms.discard(Perm.REOPEN)  # nothing to reopen
    return frozenset(perms)


def project_role(who: Any, project: Project) -> str | None:
    """The user's role in the project, or None when not a member."""
    user = signed_in(who)
    if user is None:
        return None
    return (
        ProjectMembership.objects.filter(project=project, user=user)
        .values_list("role", flat=True)
        .first()
    )


def access_project(*, who: Any, project_id: uuid.UUID | str, perm: str = Perm.VIEW) -> Project:
    """The project if ``who`` holds ``perm`` in it; NotFound or Forbidden otherwise."""
    project = get_by_public_id(projects_visible_to(who).select_related("organisation"), project_id)
    if perm != Perm.VIEW and perm not in project_perms(who, project):
        raise _refusal(project, perm)
    return project


def require_perm(*, who: Any, project: Project, perm: str) -> None:
    """Raise Forbidden unless ``who`` holds ``perm`` in an already visible project."""
    if perm not in project_perms(who, project):
        raise _refusal(project, perm)


def may_change_contribution(
    who: Any,
    project: Project,
    *owner_ids: int | None,
    perms: frozenset[str] | None = None,
) -> bool:
    """Whether ``who`` may edit or remove a contribution (a note, a file, a link) owned by
    any of ``owner_ids``: one of its owners among the contributors, or anyone who edits
    the project. ``perms`` are ``who``'s permissions in the project when already known."""
    if perms is None:
        perms = project_perms(who, project)
    if Perm.EDIT in perms:
        return True
    return Perm.CONTRIBUTE in perms and any(o is not None and o == who.pk for o in owner_ids)


def require_own_contribution(
    *, who: Any, project: Project, owner_id: int | None, noun: str
) -> None:
    """Raise Forbidden unless ``who`` may change this contribution (``may_change_contribution``).

    Team members change only their own notes, files and links; the project manager and
    administrators anyone's.
    """
    if not may_change_contribution(who, project, owner_id):
        if is_closed(project):
            raise _refusal(project, Perm.CONTRIBUTE)
        raise Forbidden(
            f"Only the {noun}'s owner or the project manager of {project.code} may change it."
        )


def memberships_visible_to(who: Any) -> QuerySet[ProjectMembership]:
    """Memberships of projects the user may see."""
    return ProjectMembership.objects.filter(project__in=projects_visible_to(who))


def gates_visible_to(who: Any) -> QuerySet[GateDecision]:
    """Gate decisions of projects the user may see."""
    return GateDecision.objects.filter(project__in=projects_visible_to(who))


def audit_visible_to(who: Any) -> QuerySet[AuditEntry]:
    """Journal entries of projects the user may see."""
    return AuditEntry.objects.filter(project__in=projects_visible_to(who))


def manages_a_project(who: Any) -> bool:
    """Whether the user is project manager of at least one project of their organisation."""
    user = signed_in(who)
    if user is None or user.organisation_id is None:
        return False
    return ProjectMembership.objects.filter(
        user=user,
        role=ProjectRole.PROJECT_MANAGER,
        project__organisation_id=user.organisation_id,
    ).exists()


def can_create_projects(who: Any) -> bool:
    """Who opens new projects: administrators and portfolio owners always; a project manager
    of one of the organisation's projects too while the organisation allows it (the
    ``project_managers_open_projects`` setting, on by default) — they become its manager."""
    user = signed_in(who)
    if user is None:
        return False
    if user.is_portfolio_owner:
        return True
    if user.organisation_id is None:
        return False
    # One query, read fresh: the setting and the role together.
    return ProjectMembership.objects.filter(
        user=user,
        role=ProjectRole.PROJECT_MANAGER,
        project__organisation_id=user.organisation_id,
        project__organisation__project_managers_open_projects=True,
    ).exists()
