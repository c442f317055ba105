"""Writes to the collaboration links (repositories, documents, channels, meetings). Team
members contribute them; each has an owner among the project's members."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import InvalidInput
from keystage.planning.models.collaboration import CollaborationLink, LinkKind
from keystage.planning.services.scope import project_member
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project

LINK_FIELDS = ("kind", "title", "url", "owner", "notes", "schedule")


def _check(link: CollaborationLink) -> None:
    records.clean(link, exclude=["project"])
    if link.owner_id is None:
        raise InvalidInput({"owner": "Choose the project member who looks after this link."})
    if link.schedule and link.kind != LinkKind.MEETING:
        raise InvalidInput({"schedule": "Only a meeting has a schedule."})


@transaction.atomic
def link_create(*, who: User, project: Project, data: dict[str, Any]) -> CollaborationLink:
    """Add a link; its owner defaults to the person adding it when they are a member."""
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    data = records.editable(data, LINK_FIELDS)
    if data.get("owner") in (None, ""):
        data["owner"] = who if who.memberships.filter(project=project).exists() else None
    else:
        data["owner"] = project_member(project, data["owner"])
    link = CollaborationLink(project=project, **data)
    _check(link)
    return records.create(
        who=who,
        instance=link,
        project=project,
        fields=LINK_FIELDS,
        summary=f"Added {link.kind} link '{link.title}'",
    )


@transaction.atomic
def link_update(
    *, who: User, link: CollaborationLink, version: int, changes: dict[str, Any]
) -> CollaborationLink:
    """Edit a link at ``version``; turning a meeting into another kind drops its schedule."""
    require_perm(who=who, project=link.project, perm=Perm.CONTRIBUTE)
    changes = records.editable(changes, LINK_FIELDS)
    if "owner" in changes:
        changes["owner"] = project_member(link.project, changes["owner"])
    candidate = records.with_changes(link, changes)
    if "schedule" not in changes and candidate.kind != LinkKind.MEETING and candidate.schedule:
        changes["schedule"] = candidate.schedule = ""
    _check(candidate)
    return records.update(
        who=who,
        instance=link,
        version=version,
        changes=changes,
        project=link.project,
        summary=f"Edited link '{candidate.title}'",
        candidate=candidate,
    )


@transaction.atomic
def link_delete(*, who: User, link: CollaborationLink, version: int) -> None:
    """Remove a link."""
    require_perm(who=who, project=link.project, perm=Perm.CONTRIBUTE)
    records.delete(
        who=who,
        instance=link,
        version=version,
        project=link.project,
        fields=LINK_FIELDS,
        summary=f"Removed link '{link.title}'",
    )
