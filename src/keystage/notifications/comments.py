"""Comment threads on a project's records: reading, posting, editing, removing; @mentions.

Reading a thread needs *view* on the project, posting *contribute*; the record must be
the project's (:func:`threads.resolve_record`). A comment is edited (versioned) only by
its author and removed by its author or whoever edits the project. ``@name`` mentions a
project member by username or by the local part of their e-mail address; each member
mentioned (other than the author) gets a ``mentioned`` notification; names of people who
are not members notify nobody.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import Forbidden, InvalidInput
from keystage.core.lookup import get_by_public_id
from keystage.notifications.models import Comment, NotificationKind
from keystage.notifications.services import notify
from keystage.notifications.threads import ThreadRecord, resolve_record
from keystage.portfolio.access import access_project, may_change_contribution, require_perm
from keystage.portfolio.models import Project, ProjectMembership

MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.+-]{0,149})")
COMMENT_FIELDS = ("body",)


def open_thread(
    *, who: Any, project_id: Any, kind: str, record_id: Any, perm: str = Perm.VIEW
) -> tuple[Project, ThreadRecord]:
    """The project (through the chokepoint, for ``perm``) and its record the thread is on."""
    project = access_project(who=who, project_id=project_id, perm=perm)
    return project, resolve_record(project, kind, record_id)


def thread_comments(*, project: Project, record: ThreadRecord) -> QuerySet[Comment]:
    """The thread's comments, oldest first (the caller has opened the thread)."""
    return Comment.objects.filter(
        project=project, record_kind=record.kind, record_id=record.record_id
    ).select_related("author")


def comment_get(*, project: Project, record: ThreadRecord, comment_id: Any) -> Comment:
    """One comment of the thread (NotFound otherwise)."""
    return get_by_public_id(thread_comments(project=project, record=record), comment_id)


def mentioned_members(project: Project, body: str) -> list[User]:
    """The project's members that ``@name`` in ``body`` names (username or e-mail local
    part, ignoring case); unknown names and non-members are left out."""
    names = {m.lower() for m in MENTION.findall(body)}
    names |= {n.rstrip(".") for n in names}
    if not names:
        return []
    members = User.objects.filter(
        pk__in=ProjectMembership.objects.filter(project=project).values("user_id"),
        is_active=True,
    )
    found = []
    for user in members:
        local = (user.email or "").split("@", 1)[0].lower()
        if user.username.lower() in names or (local and local in names):
            found.append(user)
    return found


def _tell_mentioned(who: User, project: Project, record: ThreadRecord, users: list[User]) -> None:
    notify(
        users,
        kind=NotificationKind.MENTIONED,
        project=project,
        text=f"{who.display_name} mentioned you on {record.kind} '{record.label}' "
        f"in {project.code}",
        url=record.url,
        actor=who,
    )


def _body(data: dict[str, Any]) -> str:
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput({"body": "Write a comment."})
    return body.strip()


@transaction.atomic
def comment_create(
    *, who: User, project: Project, record: ThreadRecord, data: dict[str, Any]
) -> Comment:
    """Post a comment on the record (contribute), journaled; mentioned members are told."""
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    data = records.editable(data, COMMENT_FIELDS)
    comment = Comment(
        project=project,
        record_kind=record.kind,
        record_id=record.record_id,
        author=who,
        body=_body(data),
    )
    records.create(
        who=who,
        instance=comment,
        project=project,
        fields=("record_kind", "record_id", "body"),
        summary=f"Commented on {record.kind} '{record.label}'",
    )
    _tell_mentioned(who, project, record, mentioned_members(project, comment.body))
    return comment


@transaction.atomic
def comment_update(
    *, who: User, record: ThreadRecord, comment: Comment, version: int, changes: dict[str, Any]
) -> Comment:
    """Edit one's own comment at ``version`` (409 when it changed); newly mentioned
    members are told."""
    project = comment.project
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    if comment.author_id != who.pk:
        raise Forbidden("Only the comment's author may edit it.")
    changes = records.editable(changes, COMMENT_FIELDS)
    body = _body(changes)
    before = {u.pk for u in mentioned_members(project, comment.body)}
    updated = records.update(
        who=who,
        instance=comment,
        version=version,
        changes={"body": body, "edited": True},
        project=project,
        summary=f"Edited a comment on {record.kind} '{record.label}'",
    )
    new = [u for u in mentioned_members(project, body) if u.pk not in before]
    if new:
        _tell_mentioned(who, project, record, new)
    return updated


@transaction.atomic
def comment_delete(*, who: User, record: ThreadRecord, comment: Comment, version: int) -> None:
    """Remove a comment at ``version``: its author, or whoever edits the project."""
    project = comment.project
    if not may_change_contribution(who, project, comment.author_id):
        raise Forbidden("Only the comment's author or the project manager may remove it.")
    records.delete(
        who=who,
        instance=comment,
        version=version,
        project=project,
        fields=("record_kind", "record_id", "body"),
        summary=f"Removed a comment on {record.kind} '{record.label}'",
    )
