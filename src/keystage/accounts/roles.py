"""Roles a user holds in an organisation and in a project, and what each may do."""

from __future__ import annotations

from django.db import models


class OrgRole(models.TextChoices):
    """A user's standing in the organisation, across all its projects."""

    ADMIN = "admin", "Administrator"
    PORTFOLIO_OWNER = "portfolio_owner", "Portfolio owner (PMO)"
    MEMBER = "member", "Member"


class ProjectRole(models.TextChoices):
    """A member's role within one project."""

    SPONSOR = "sponsor", "Sponsor"
    PROJECT_MANAGER = "project_manager", "Project manager"
    TEAM_MEMBER = "team_member", "Team member"
    STAKEHOLDER = "stakeholder", "Stakeholder (read-only)"


class Perm(models.TextChoices):
    """Actions checked by the permission chokepoint."""

    VIEW = "view", "See the project"
    EDIT = "edit", "Edit the project's details"
    MANAGE_MEMBERS = "manage_members", "Invite and remove members"
    MANAGE_SPONSOR = "manage_sponsor", "Grant or withdraw the sponsor role"
    DECIDE_GATE = "decide_gate", "Decide a stage gate"
    CONTRIBUTE = "contribute", "Contribute notes, files and links"
    RECORD_WORK = "record_work", "Record progress and time on one's own assignments"
    APPROVE_TIME = "approve_time", "Approve or reject timesheets and record costs"
    REOPEN = "reopen", "Reopen a closed or cancelled project"


PROJECT_ROLE_PERMS: dict[str, frozenset[str]] = {
    ProjectRole.SPONSOR: frozenset({Perm.VIEW, Perm.DECIDE_GATE}),
    ProjectRole.PROJECT_MANAGER: frozenset(
        {
            Perm.VIEW,
            Perm.EDIT,
            Perm.MANAGE_MEMBERS,
            Perm.CONTRIBUTE,
            Perm.RECORD_WORK,
            Perm.APPROVE_TIME,
        }
    ),
    ProjectRole.TEAM_MEMBER: frozenset({Perm.VIEW, Perm.CONTRIBUTE, Perm.RECORD_WORK}),
    ProjectRole.STAKEHOLDER: frozenset({Perm.VIEW}),
}
ORG_ROLE_PERMS: dict[str, frozenset[str]] = {
    OrgRole.ADMIN: frozenset(Perm.values),
    OrgRole.PORTFOLIO_OWNER: frozenset({Perm.VIEW, Perm.MANAGE_SPONSOR}),
    OrgRole.MEMBER: frozenset(),
}

# Separation of duties: a project role takes these organisation-level rights away. Only the
# project's sponsor, or an administrator with no role in the project, decides its gates;
# the project manager never grants or withdraws the sponsor role (an admin or PMO does).
PROJECT_ROLE_WITHHOLDS: dict[str, frozenset[str]] = {
    ProjectRole.SPONSOR: frozenset(),
    ProjectRole.PROJECT_MANAGER: frozenset({Perm.DECIDE_GATE, Perm.MANAGE_SPONSOR}),
    ProjectRole.TEAM_MEMBER: frozenset({Perm.DECIDE_GATE}),
    ProjectRole.STAKEHOLDER: frozenset({Perm.DECIDE_GATE}),
}
