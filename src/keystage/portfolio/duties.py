"""Separation of duties for project roles: who may grant which role to whom.

The sponsor decides the gates, so the sponsor role is granted and withdrawn only by an
organisation administrator or portfolio owner (``Perm.MANAGE_SPONSOR``, which the
project's own manager never holds — see ``accounts.roles.PROJECT_ROLE_WITHHOLDS``), never
to themselves, and never straight from or to the project manager role: nobody is both the
one who runs a project and the one who approves it. Every other role change needs
``Perm.MANAGE_MEMBERS``. Services call these checks; pages use ``role_options`` so
nobody is offered a role they cannot give.
"""

from __future__ import annotations

from typing import Any

from keystage.accounts.roles import Perm, ProjectRole
from keystage.core.errors import Forbidden, InvalidInput
from keystage.portfolio.access import project_perms, require_open
from keystage.portfolio.models import Project, ProjectMembership

NOT_YOURS = (
    "Only an organisation administrator or portfolio owner who is not this project's "
    "manager may grant or withdraw the sponsor role."
)
NOT_YOURSELF = (
    "You cannot make yourself the sponsor: the sponsor must be named by another "
    "administrator or portfolio owner."
)
NOT_THE_MANAGER = (
    "The project manager cannot also be the sponsor: the one who runs the project does "
    "not approve it."
)
FROM_SPONSOR_TO_MANAGER = (
    "The sponsor cannot become the project manager: withdraw the sponsor role first."
)
MANAGE_ROLES = frozenset({Perm.MANAGE_MEMBERS, Perm.MANAGE_SPONSOR})


def may_manage_roles(who: Any, project: Project) -> bool:
    """Whether the user may change any membership of the project (members or sponsor)."""
    return bool(MANAGE_ROLES & project_perms(who, project))


def require_manage_roles(who: Any, project: Project, action: str) -> None:
    """Refuse (403) ``who`` any change to the project's members: the closed project's reason
    first, else the role's (``action`` says what was asked, e.g. "inviting members")."""
    require_open(project)
    if not may_manage_roles(who, project):
        raise Forbidden(f"Your role in {project.code} does not allow {action}.")


def require_role_grant(*, who: Any, project: Project, user: Any, role: str, field: str) -> None:
    """Refuse (400 on ``field``) a grant of ``role`` to ``user`` that ``who`` may not make
    (403 on a closed or cancelled project)."""
    require_open(project)
    perms = project_perms(who, project)
    if role == ProjectRole.SPONSOR:
        if Perm.MANAGE_SPONSOR not in perms:
            raise InvalidInput({field: NOT_YOURS})
        if user is not None and user.pk == who.pk:
            raise InvalidInput({field: NOT_YOURSELF})
    elif Perm.MANAGE_MEMBERS not in perms:
        raise Forbidden(f"Your role in {project.code} does not allow this (invite members).")


def require_role_change(*, who: Any, membership: ProjectMembership, role: str) -> None:
    """Refuse a change of ``membership`` to ``role`` that ``who`` may not make (400 on role)."""
    project = membership.project
    require_open(project)
    old = membership.role
    if ProjectRole.SPONSOR not in (old, role):
        require_role_grant(who=who, project=project, user=membership.user, role=role, field="role")
        return
    if Perm.MANAGE_SPONSOR not in project_perms(who, project):
        raise InvalidInput({"role": NOT_YOURS})
    if role == ProjectRole.SPONSOR and old != role:
        if membership.user_id == who.pk:
            raise InvalidInput({"role": NOT_YOURSELF})
        if old == ProjectRole.PROJECT_MANAGER:
            raise InvalidInput({"role": NOT_THE_MANAGER})
    if old == ProjectRole.SPONSOR and role == ProjectRole.PROJECT_MANAGER:
        raise InvalidInput({"role": FROM_SPONSOR_TO_MANAGER})


def may_remove(
    who: Any, membership: ProjectMembership, *, perms: frozenset[str] | None = None
) -> bool:
    """Whether ``who`` may remove this member (the sponsor only by admin or PMO).

    ``perms`` are ``who``'s permissions in the project when already known.
    """
    if perms is None:
        perms = project_perms(who, membership.project)
    needed = Perm.MANAGE_SPONSOR if membership.role == ProjectRole.SPONSOR else Perm.MANAGE_MEMBERS
    return needed in perms


def require_member_removal(*, who: Any, membership: ProjectMembership) -> None:
    """Refuse (403) a removal ``who`` may not make: the sponsor goes only by admin or PMO."""
    require_open(membership.project)
    if not may_remove(who, membership):
        if membership.role == ProjectRole.SPONSOR:
            raise Forbidden(NOT_YOURS)
        raise Forbidden(
            f"Your role in {membership.project.code} does not allow this (remove members)."
        )


def require_leads_apart(*, who: Any, project_manager: Any, sponsor: Any) -> None:
    """Refuse (400 on sponsor) the leads of a new project that break separation of duties."""
    if sponsor is None:
        return
    if sponsor.pk == who.pk:
        raise InvalidInput({"sponsor": NOT_YOURSELF})
    if project_manager is not None and project_manager.pk == sponsor.pk:
        raise InvalidInput({"sponsor": NOT_THE_MANAGER})
    if project_manager is not None and project_manager.pk == who.pk:
        raise InvalidInput({"sponsor": NOT_YOURS})


def role_options(
    who: Any,
    project: Project,
    membership: ProjectMembership | None = None,
    *,
    perms: frozenset[str] | None = None,
) -> list[tuple[str, str]]:
    """The roles ``who`` may give a new member, or ``membership`` (its own role included).

    Empty when ``who`` may not change that membership at all. ``perms`` are ``who``'s
    permissions in the project when already known.
    """
    if perms is None:
        perms = project_perms(who, project)
    may_sponsor = Perm.MANAGE_SPONSOR in perms
    may_members = Perm.MANAGE_MEMBERS in perms
    old = membership.role if membership is not None else None
    if old == ProjectRole.SPONSOR:
        allowed = {r for r in ProjectRole.values if r != ProjectRole.PROJECT_MANAGER}
        return _labelled(allowed) if may_sponsor else []
    allowed = {r for r in ProjectRole.values if r != ProjectRole.SPONSOR} if may_members else set()
    own = membership is not None and membership.user_id == getattr(who, "pk", None)
    if may_sponsor and old != ProjectRole.PROJECT_MANAGER and not own:
        allowed.add(ProjectRole.SPONSOR)
    if old is not None:
        if not allowed - {old}:
            return []
        allowed.add(old)
    return _labelled(allowed)


def _labelled(roles: set[str]) -> list[tuple[str, str]]:
    return [(value, label) for value, label in ProjectRole.choices if value in roles]
