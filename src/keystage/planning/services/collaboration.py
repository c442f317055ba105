"""Writes to the collaboration links (repositories, documents, channels, meetings). Team
members contribute them and change only the links they added or look after; the project
manager (and administrators) change any link."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import Forbidden, InvalidInput
from keystage.core.models import AuditAction, AuditEntry
from keystage.planning.models.collaboration import CollaborationLink, LinkKind
from keystage.planning.services.scope import project_member
from keystage.portfolio.access import may_change_contribution, require_perm
from keystage.portfolio.models import Project

LINK_FIELDS = ("kind", "title", "url", "owner", "notes", "schedule")


def collaboration_link_authors(links: list[CollaborationLink]) -> dict[int, int | None]:
    """Who added each link (pk → user pk), read from the journal's create entries.

    Links keep an ``owner`` (who looks after it) but no author column; the append-only
    journal records who created each one, in one query for any number of links.
    """
    entries = AuditEntry.objects.filter(
        object_type=CollaborationLink._meta.model_name,
        action=AuditAction.CREATE,
        object_id__in=[link.public_id for link in links],
    ).values_list("object_id", "actor_id")
    by_public_id = dict(entries)
    return {link.pk: by_public_id.get(link.public_id) for link in links}


def may_change_collaboration_link(
    who: User,
    link: CollaborationLink,
    author_id: int | None,
    *,
    perms: frozenset[str] | None = None,
) -> bool:
    """Whether ``who`` may edit or remove the link: the project manager (or an
    administrator) any link; a contributor one they added or look after."""
    return may_change_contribution(who, link.project, author_id, link.owner_id, perms=perms)


def _require_own_collaboration_link(who: User, link: CollaborationLink) -> None:
    if not may_change_collaboration_link(who, link, collaboration_link_authors([link])[link.pk]):
        raise Forbidden(
            f"Only the person who added the link, its owner or the project manager of "
            f"{link.project.code} may change it."
        )


def _check(link: CollaborationLink) -> None:
    records.clean(link, exclude=["project"])
    if link.owner_id is None:
        raise InvalidInput({"owner": "Choose the project member who looks after this link."})
    if link.schedule and link.kind != LinkKind.MEETING:
        raise InvalidInput({"schedule": "Only a meeting has a schedule."})


@transaction.atomic
def collaboration_link_create(
    *, who: User, project: Project, data: dict[str, Any]
) -> CollaborationLink:
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
def collaboration_link_update(
    *, who: User, link: CollaborationLink, version: int, changes: dict[str, Any]
) -> CollaborationLink:
    """Edit a link at ``version`` (its owner, or the project manager); turning a meeting
    into another kind drops its schedule."""
    require_perm(who=who, project=link.project, perm=Perm.CONTRIBUTE)
    _require_own_collaboration_link(who, link)
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
def collaboration_link_delete(*, who: User, link: CollaborationLink, version: int) -> None:
    """Remove a link (its owner, or the project manager)."""
    require_perm(who=who, project=link.project, perm=Perm.CONTRIBUTE)
    _require_own_collaboration_link(who, link)
    records.delete(
        who=who,
        instance=link,
        version=version,
        project=link.project,
        fields=LINK_FIELDS,
        summary=f"Removed link '{link.title}'",
    )
